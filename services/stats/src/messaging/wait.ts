/** Polls a condition until it holds or the deadline passes. */
export async function waitFor(condition: () => boolean, options: { timeoutMs: number; intervalMs: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
