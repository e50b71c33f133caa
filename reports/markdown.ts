// A one-page Markdown report of one suite for reviewers: the verdict first, then where cases failed,
// each failure with the line that replays it, then how processes exited and what recovery cost.
// It only renders a SuiteReport; every figure comes from the store, and a missing one reads "n/a".

import { formatMs, formatRatio, NA } from './format.js';
import { terminalSafe } from './terminal-safe.js';
import { describeCoverage } from './crash-coverage.js';
import type { CaseProblem, SuiteReport, VerdictCounts } from './suite-report.js';
import { verdictLine } from './verdict-line.js';

/** Failures shown in full; the rest are listed by their replay line only, to keep the page short. */
const DETAILED_PROBLEMS_MAX = 20;
/** Longer values (keys, options) are cut, and marked as cut. */
const VALUE_CHARS_MAX = 200;

export function renderMarkdown(r: SuiteReport): string {
  const out: string[] = [];
  const s = r.suite;
  out.push(`# streamcheck suite ${s.id}: ${cell(s.sutName)}`, '', `**${verdictLine(r)}**`, '');
  out.push(
    table(
      ['Suite', ''],
      [
        ['Seed', String(s.seed)],
        ['System under test', cell(s.sutName)],
        ['Manifest', s.manifestFile === null ? NA : code(s.manifestFile)],
        ['Started', s.startedAt],
        ['Finished', s.finishedAt ?? 'did not finish'],
        ['Duration', formatMs(s.durationMs)],
        ['Options', code(cut(JSON.stringify(s.options) ?? NA))],
      ],
    ),
  );

  out.push('## Cases by scenario', '');
  if (r.byScenario.length === 0) out.push('No cases were stored for this suite.', '');
  else {
    const withUnfinished = r.totals.unfinished > 0;
    out.push(
      table(
        ['Scenario', ...countHeaders(withUnfinished)],
        [...r.byScenario.map((row) => [cell(row.scenario), ...countCells(row, withUnfinished)]), ['**Total**', ...countCells(r.totals, withUnfinished).map((c) => `**${c}**`)]],
      ),
    );
  }

  out.push('## Cases by fault kind', '');
  if (r.byFaultKind.length === 0) out.push('No fault was applied in any case.', '');
  else {
    const withUnfinished = r.totals.unfinished > 0;
    const rows = r.byFaultKind.map((row) => [
      code(row.kind),
      ...countCells(row, withUnfinished),
      String(row.faultsRecorded),
      String(row.faultsInjected),
      String(row.faultsRecovered),
    ]);
    if (r.casesWithoutFaults.cases > 0) rows.push(['(none)', ...countCells(r.casesWithoutFaults, withUnfinished), '0', '0', '0']);
    out.push(
      table(['Fault kind', ...countHeaders(withUnfinished), 'Faults applied', 'Injected', 'Recovered'], rows),
      'A case with faults of several kinds counts in each of their rows. *Injected*: the fault\'s moment came before the process exited ' +
        '(a crash point never reached is applied but not injected). *Recovered*: injected, and the faulty run went on to exit 0. ' +
        `Faulty runs with an injected crash: ${r.crashes.runsCrashed}, of which ${r.crashes.runsRecovered} completed.`,
      '',
    );
  }

  problemsSection(out, 'Failures', r.failures, r.totals.fail);
  problemsSection(out, 'Flaky failures (did not reproduce on every re-run)', r.flaky, r.totals.flaky);
  problemsSection(out, 'Nondeterministic (the failure-free run gave different outputs twice)', r.nondeterministic, r.totals.nondeterministic);
  problemsSection(out, 'Unknown verdicts', r.unknowns, r.totals.unknown);
  if (r.skips.length > 0) {
    out.push(`## Skipped: declined by the SUT (${r.totals.skipped})`, '', 'The SUT exited 4 (PROTOCOL.md §3) on the failure-free run: it does not implement the program. These cases were neither passed nor failed.', '');
    out.push(table(['Scenario', 'Cases', 'Reason (the SUT\'s stderr)'], r.skips.map((k) => [cell(k.scenario), String(k.cases), code(k.reason)])));
  }

  if (r.counterexamples.length > 0) {
    out.push(`## Counterexamples (${r.counterexamples.length}, ${r.counterexamples.every((x) => x.shrunk) ? 'shrunk' : r.counterexamples.some((x) => x.shrunk) ? 'some shrunk' : 'as drawn: shrinking was off'})`, '');
    for (const x of r.counterexamples) {
      const note = x.mayNotBeMinimal ? ' (shrinking stopped at its budget: this case failed when re-run, but may not be minimal)' : '';
      const failed = x.shrunkFailure === null ? '' : `, ${cell(x.shrunkFailure.anomaly ?? 'failed')}${x.shrunkFailure.firstBatchMs === null ? '' : ` at batch ${x.shrunkFailure.firstBatchMs} ms`}`;
      out.push(`- case ${x.caseIndex}, ${cell(x.scenario)}, seed ${x.seed}, path ${code(x.counterexamplePath)}${failed}${note}:`, '', fence(x.replayLine, 'sh', '  '), '');
    }
  }

  if (r.garbage.lines > 0) {
    out.push(`## Stdout lines that were not events (${r.garbage.lines})`, '');
    out.push(
      table(
        ['Case', 'Why', 'Line (cut)'],
        r.garbage.examples.map((g) => [String(g.caseIndex), cell(cut(g.reason)), g.line === '' ? NA : code(cut(g.line))]),
      ),
      `A SUT's stdout carries only JSON-line events (PROTOCOL.md §5); these lines were kept on the timeline and ignored.${r.garbage.lines > r.garbage.examples.length ? ` The first ${r.garbage.examples.length} are shown; all are in the events table (kind 'garbage').` : ''}`,
      '',
    );
  }

  if (r.outside.writes > 0) {
    out.push(`## Writes outside the SUT's directories (${r.outside.writes})`, '');
    out.push(
      table(['Case', 'Path', 'How it was seen'], r.outside.examples.map((w) => [w.caseIndex === null ? '(suite)' : String(w.caseIndex), code(cut(w.path)), cell(w.how)])),
      "A SUT writes only its checkpoint, output and scratch directories (PROTOCOL.md §2). With a file-operation trace (L5) every such call is seen; without one, only entries beside the run directories and new entries in the SUT's cwd.",
      '',
    );
  }

  out.push('## Crash-space coverage', '');
  const coverage = describeCoverage(r.coverage);
  if (coverage.length === 0) out.push('No fault landed, and the level has no crash space to cover.', '');
  else out.push(...coverage.map((l) => `- ${cell(l)}`), '', 'Cells hit by faults that landed (with the number of cases), and the cells this level could hit that none did. Dimensions: crash points by name, file operations (the system call a syscall kill or I/O error struck), power-loss crash states, and phases (first-run, recovery-1, ...).', '');

  out.push('## Runs and process exits', '');
  const notes = [
    ...(r.casesReusingFailureFree === null || r.casesReusingFailureFree === 0 ? [] : [`${r.casesReusingFailureFree} cases reused the failure-free run of an earlier case with the same program and input, so there are fewer failure-free runs than cases.`]),
    ...(r.shrinkCandidates === null || r.shrinkCandidates === 0 ? [] : [`${r.shrinkCandidates} shrink candidates were run while shrinking failures; they are counted nowhere in this report.`]),
  ];
  if (notes.length > 0) out.push(notes.join(' '), '');
  out.push(
    table(
      ['Run', 'Runs', 'Completed', 'Gave up', 'Unfinished'],
      r.runs.map((row) => [row.kind, String(row.runs), String(row.completed), String(row.gaveUp), String(row.unfinished)]),
    ),
  );
  out.push(
    table(
      ['Exit', 'Failure-free runs', 'Faulty runs', 'Total'],
      r.exits.map((row) => [code(row.type), String(row.failureFree), String(row.faulty), String(row.total)]),
    ),
  );

  out.push('## Recovery cost and timings', '');
  const c = r.recoveryCost;
  out.push(
    table(
      ['Measure', 'Median', 'p90', 'n'],
      [
        ['Faulty run / failure-free run', formatRatio(c.ratio.median), formatRatio(c.ratio.p90), String(c.ratio.count)],
        ['Faulty run (all starts)', formatMs(c.faultyMs.median), formatMs(c.faultyMs.p90), String(c.faultyMs.count)],
        ['Failure-free run', formatMs(c.failureFreeMs.median), formatMs(c.failureFreeMs.p90), String(c.failureFreeMs.count)],
        ['Time per case', formatMs(r.timePerCaseMs.median), formatMs(r.timePerCaseMs.p90), String(r.timePerCaseMs.count)],
      ],
    ),
    'Run times are the sum of the process durations of every start of the run; the recovery rows count only cases whose faulty run ' +
      'completed after at least one injected crash, against the case\'s own completed failure-free run or, when it reused an earlier ' +
      'case\'s, the time stored for that run. Time per case is wall time from the case\'s ' +
      'start to its verdict, over finished cases. Percentiles are nearest-rank.',
    '',
  );
  return out.join('\n');
}

function problemsSection(out: string[], title: string, problems: CaseProblem[], total: number): void {
  if (total === 0) return;
  out.push(`## ${title} (${total})`, '');
  for (const p of problems.slice(0, DETAILED_PROBLEMS_MAX)) {
    out.push(`### Case ${p.caseIndex}: ${cell(p.scenario)}, ${p.anomaly === null ? p.verdict : code(p.anomaly)}`, '');
    out.push(`- seed ${p.seed}, path ${code(p.path)}`);
    if (p.reproduction !== null) out.push(`- ${p.outcome === 'flaky' ? '**FLAKY**: ' : ''}reproduced in ${p.reproduction.reproduced} of ${p.reproduction.runs} runs`);
    out.push(`- first batch: ${p.firstBatchMs === null ? NA : `${p.firstBatchMs} ms`}; first key: ${p.firstKey === null ? NA : code(cut(p.firstKey))}`);
    const faults = p.faults.map((f) => `start ${f.attempt}: ${code(cut(JSON.stringify(f.fault)))} ${f.injected ? `injected${f.atMs === null ? '' : ` at ${f.atMs} ms`}` : 'not injected'}`);
    out.push(`- faults: ${faults.length === 0 ? 'none' : faults.join('; ')}`);
    if (p.workDir !== null) out.push(`- kept directory: ${code(p.workDir)}`);
    out.push('', p.message === null ? '(no message stored)' : fence(p.message, 'text'), '', fence(p.replayLine, 'sh'), '');
  }
  const rest = problems.slice(DETAILED_PROBLEMS_MAX);
  if (rest.length > 0) {
    out.push(`${rest.length} more, by replay line:`, '', fence(rest.map((p) => `${p.replayLine}  # case ${p.caseIndex}: ${p.anomaly ?? p.verdict}`).join('\n'), 'sh'), '');
  }
}

function countHeaders(withUnfinished: boolean): string[] {
  return ['Cases', 'Pass', 'Fail', 'Flaky', 'Unknown', 'Nondeterministic', 'Skipped', ...(withUnfinished ? ['Unfinished'] : [])];
}

function countCells(c: VerdictCounts, withUnfinished: boolean): string[] {
  return [c.cases, c.pass, c.fail, c.flaky, c.unknown, c.nondeterministic, c.skipped, ...(withUnfinished ? [c.unfinished] : [])].map(String);
}

function table(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n') + '\n';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** One line (SUT text may carry newlines that would end a heading or a table row), no column breaks. */
function oneLine(text: string): string {
  return terminalSafe(text.replace(/\s*[\r\n\u2028\u2029]\s*/g, ' '));
}

/** Text inside a table cell or a heading: one line, and every Markdown or HTML character escaped (a SUT's
 *  `<script>` or `[link](...)` shows as text). */
function cell(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>#!&~{}()|]/g, '\\$&');
}

/** Inline code that survives backticks and pipes in the value (code spans show HTML as text). */
function code(text: string): string {
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${oneLine(text).replace(/\|/g, '\\|')}${pad}${ticks}`;
}

function fence(text: string, lang: string, indent = ''): string {
  const ticks = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return [`${ticks}${lang}`, ...terminalSafe(text, true).split('\n'), ticks].map((l) => indent + l).join('\n');
}

function longestRun(text: string, ch: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === ch ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

function cut(text: string): string {
  return text.length <= VALUE_CHARS_MAX ? text : `${text.slice(0, VALUE_CHARS_MAX)}… (${text.length} chars)`;
}
