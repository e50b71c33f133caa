// After a SUT process has exited, its stdout may still be open: a child that left its process group
// holds it. The rest of its lines are read for at most a bound, then the pipe is cut, so the run ends.

/** Waits for stdout to close, at most drainMs, then cuts it (a setsid child may hold it open forever). */
export async function drained(linesDone: Promise<void>, drainMs: number, cut: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), drainMs)));
  const r = await Promise.race([linesDone, late]);
  clearTimeout(timer);
  if (r === 'late') {
    cut();
    await linesDone;
  }
}
