// Photos from phones are large; the summary needs them legible, not full size. The gateway takes
// at most 2 MB per photo, so every photo is shrunk to fit a box before it is uploaded.
export const photoBox = 1600;

/** The size that fits `width` × `height` inside `box` × `box`, keeping the shape; never enlarges. */
export function fitWithin(width: number, height: number, box = photoBox): { width: number; height: number } {
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
