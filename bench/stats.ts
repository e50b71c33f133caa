// Summaries of repeated measurements on a noisy shared machine: the median as the figure, and the
// spread (min, max, quartiles) so a reader can tell a real change from noise.

export interface Summary {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  runs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), min: s[0] ?? Number.NaN, max: s[s.length - 1] ?? Number.NaN, q1: quantile(s, 0.25), q3: quantile(s, 0.75), runs: s.length };
}

/** Wall time of fn in milliseconds (high-resolution clock). */
export function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function timeMsAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** "1.23M" style rendering for rates. */
export function si(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(a >= 10 ? 0 : 2);
}

/** "median (min–max)" for a summary, with a formatter. */
export function spread(s: Summary, f: (n: number) => string = si): string {
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}
