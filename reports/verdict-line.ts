// The first line of every report: the suite's verdict and the counts that justify it, worded the
// same in Markdown, the terminal summary and anywhere else a suite is announced.

import type { SuiteReport } from './suite-report.js';

export function verdictLine(r: SuiteReport): string {
  const t = r.totals;
  const f = r.crashes;
  const unfinished = t.unfinished > 0 ? `, ${t.unfinished} unfinished` : '';
  const flaky = t.flaky > 0 ? `, ${t.flaky} flaky` : '';
  const nondeterministic = t.nondeterministic > 0 ? `, ${t.nondeterministic} nondeterministic` : '';
  const skipped = t.skipped > 0 ? `, ${t.skipped} skipped (declined by the SUT${t.skipped === t.cases ? ': every case, so nothing was tested' : ''})` : '';
  const cases = `${t.cases} ${t.cases === 1 ? 'case' : 'cases'}, ${t.fail} failed${flaky}, ${t.unknown} unknown${nondeterministic}${skipped}${unfinished}`;
  const crashes = `${f.injected} ${f.injected === 1 ? 'fault' : 'faults'} landed, ${f.recovered} recovered`;
  const runs = f.runsCrashed > 0 ? ` (${f.runsRecovered} of ${f.runsCrashed} crashed runs completed)` : '';
  return `${r.verdict.toUpperCase()}: ${cases}; ${crashes}${runs}`;
}
