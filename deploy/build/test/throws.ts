// Fixture for stack-lines.int.spec.ts: a regular expression holding non-ASCII text (the build escapes
// it, which moves every column after it on the bundle's one line), then an error thrown.
const tones = /(ā|á|ǎ|à)/g;

export function plain(text: string): string {
  return text.replace(tones, "a");
}

function deep(n: number): number {
  if (n === 0) throw new Error("故意的 / on purpose");
  return deep(n - 1) + 1;
}

console.log(plain("bā bá bǎ bà"));
deep(2);
