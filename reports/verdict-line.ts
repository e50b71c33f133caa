// The first line of every report: the suite's verdict and the counts that justify it, worded the
// same in Markdown, the terminal summary and anywhere else a suite is announced.

import type { SuiteReport } from './suite-report.js';

export function verdictLine(r: SuiteReport): string {
  const t = r.totals;
  const f = r.crashes;
  const unfinished = t.unfinished > 0 ? `, ${t.unfinished} unfinished` : '';
  const cases = `${t.cases} ${t.cases === 1 ? 'case' : 'cases'}, ${t.fail} failed, ${t.unknown} unknown${unfinished}`;
  const crashes = `${f.injected} ${f.injected === 1 ? 'fault' : 'faults'} landed, ${f.recovered} recovered`;
  const runs = f.runsCrashed > 0 ? ` (${f.runsRecovered} of ${f.runsCrashed} crashed runs completed)` : '';
  return `${r.verdict.toUpperCase()}: ${cases}; ${crashes}${runs}`;
}
