// The self-test's table as plain text, one line per variant, columns padded to their widest cell,
// followed by each caught variant's shrunk replay line so a reader can re-run the counterexample.

import type { VariantResult } from './run-variant.js';

const HEADER = ['variant', 'caught', 'seconds to first failure', 'cases', 'shrunk size', 'anomaly'] as const;

function sizeCell(v: VariantResult): string {
  if (v.shrunk === null) return '-';
  return `${v.shrunk.inputRecords} records + ${v.shrunk.faults} faults${v.shrunk.interrupted ? ' (budget)' : ''}`;
}

export function selftestRows(variants: readonly VariantResult[]): string[][] {
  return variants.map((v) => [
    v.bug,
    v.caught ? 'yes' : 'no',
    v.msToFirstFailure === null ? '-' : (v.msToFirstFailure / 1000).toFixed(1),
    String(v.casesRun),
    sizeCell(v),
    v.failure === null ? '-' : `${v.failure.anomaly} (${v.failure.scenario})`,
  ]);
}

export function selftestTable(variants: readonly VariantResult[]): string {
  const rows = [[...HEADER], ...selftestRows(variants)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

/** The replay lines of the shrunk counterexamples (or of the unshrunk failure when there is none). */
export function selftestReplays(variants: readonly VariantResult[]): string {
  return variants
    .flatMap((v) => (v.failure === null ? [] : [`${v.bug}: ${v.shrunk?.line ?? v.failure.line}\n  ${v.shrunk?.replayLine ?? v.failure.replayLine}`]))
    .join('\n');
}
