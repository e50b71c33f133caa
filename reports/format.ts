// Number formatting shared by the renderers. A missing figure is written "n/a", never 0: a report
// must not claim a measurement it does not have.

import type { Stats } from './suite-report.js';

export const NA = 'n/a';

export function formatMs(ms: number | null): string {
  if (ms === null) return NA;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function formatRatio(x: number | null): string {
  return x === null ? NA : `${x.toFixed(2)}×`;
}

/** "median 1.2 s, p90 3.4 s (n = 12)", or "n/a (no data)" when nothing was measured. */
export function formatStats(s: Stats, unit: (x: number | null) => string): string {
  if (s.count === 0) return `${NA} (no data)`;
  return `median ${unit(s.median)}, p90 ${unit(s.p90)} (n = ${s.count})`;
}
