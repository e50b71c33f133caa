// The plain-text summary the CLI prints when a suite ends: one screen (at most SUMMARY_LINES_MAX
// lines, save that the first SUMMARY_GROUPS_MIN failure groups are always shown) with the verdict
// first, then what did not pass grouped by signature (outcome, anomaly kind, checker, scenario):
// each group once, with its count and the replay line of its smallest counterexample. The Markdown
// report has every case.

import { formatMs, formatRatio, formatStats } from './format.js';
import { describeCoverage } from './crash-coverage.js';
import type { CaseProblem, Counterexample, SuiteReport } from './suite-report.js';
import { verdictLine } from './verdict-line.js';

export const SUMMARY_LINES_MAX = 25;
/** Failure groups the summary always shows, however long it already is. */
const SUMMARY_GROUPS_MIN = 3;
const SCENARIO_LINES_MAX = 4;
const MESSAGE_CHARS_MAX = 100;
/** Reasons for skipped cases shown; the Markdown report has them all. */
const SKIP_LINES_MAX = 3;

export function renderSummary(r: SuiteReport): string {
  const s = r.suite;
  const lines: string[] = [verdictLine(r)];
  const manifest = s.manifestFile === null ? '' : ` (${s.manifestFile})`;
  lines.push(`suite ${s.id}, seed ${s.seed}, ${s.sutName}${manifest}, ${s.finishedAt === null ? 'did not finish' : `took ${formatMs(s.durationMs)}`}`);

  if (r.byScenario.length > 0) {
    // Scenarios that did not all pass come first and are never cut: "and 7 more" must not hide one.
    const clean = (x: (typeof r.byScenario)[number]) => x.fail === 0 && x.flaky === 0 && x.unknown === 0 && x.nondeterministic === 0 && x.skipped === 0 && x.unfinished === 0;
    const troubled = r.byScenario.filter((x) => !clean(x));
    const shown = [...troubled, ...r.byScenario.filter(clean).slice(0, Math.max(0, SCENARIO_LINES_MAX - troubled.length))];
    const width = Math.max(...shown.map((x) => x.scenario.length));
    lines.push('scenarios:');
    for (const x of shown) {
      const unfinished = x.unfinished > 0 ? `, ${x.unfinished} unfinished` : '';
      const flaky = x.flaky > 0 ? `, ${x.flaky} flaky` : '';
      const nondeterministic = x.nondeterministic > 0 ? `, ${x.nondeterministic} nondeterministic` : '';
      const skipped = x.skipped > 0 ? `, ${x.skipped} skipped` : '';
      lines.push(`  ${x.scenario.padEnd(width)}  ${x.cases} ${x.cases === 1 ? 'case' : 'cases'}: ${x.pass} pass, ${x.fail} fail${flaky}, ${x.unknown} unknown${nondeterministic}${skipped}${unfinished}`);
    }
    const more = r.byScenario.length - shown.length;
    if (more > 0) lines.push(`  and ${more} more ${more === 1 ? 'scenario' : 'scenarios'}, all passed`);
  }

  const kinds = r.byFaultKind.map((k) => `${k.kind} ${k.faultsRecovered}/${k.faultsInjected} recovered (${k.faultsRecorded} applied)`);
  lines.push(`faults: ${kinds.length === 0 ? "none applied" : kinds.join(", ")}`);
  const coverage = describeCoverage(r.coverage);
  if (coverage.length > 0) lines.push('crash-space coverage (landed faults):', ...coverage.map((l) => `  ${l}`));
  lines.push(`exits: ${r.exits.map((e) => `${e.type} ${e.total}`).join(', ')}`);
  lines.push(`runs that gave up: ${r.runs.map((x) => `${x.kind} ${x.gaveUp} of ${x.runs}`).join(', ')}`);
  lines.push(`recovery cost (faulty / failure-free run): ${formatStats(r.recoveryCost.ratio, formatRatio)}`);
  lines.push(`time per case: ${formatStats(r.timePerCaseMs, formatMs)}`);
  if (r.outside.writes > 0) lines.push(`writes outside the SUT's directories: ${r.outside.writes} (see the Markdown report)`);
  if (r.garbage.lines > 0) lines.push(`stdout lines that were not events: ${r.garbage.lines} (see the Markdown report)`);

  for (const k of r.skips.slice(0, SKIP_LINES_MAX)) lines.push(`skipped ${k.cases} ${k.scenario}: ${oneLine(k.reason)}`);
  if (r.skips.length > SKIP_LINES_MAX) lines.push(`skipped for ${r.skips.length - SKIP_LINES_MAX} more reasons: see the Markdown report`);

  const problems = [...r.failures, ...r.flaky, ...r.nondeterministic, ...r.unknowns];
  if (problems.length > 0) {
    const groups = problemGroups(problems, r.counterexamples);
    // Three lines per group, plus a blank line, a heading and possibly an "and N more" line.
    // However long the lines above, the first SUMMARY_GROUPS_MIN groups are shown: a summary that says
    // "not passed" must name at least what failed.
    const room = Math.max(SUMMARY_GROUPS_MIN, Math.floor((SUMMARY_LINES_MAX - lines.length - 3) / 3));
    const shown = groups.slice(0, room);
    lines.push('', `not passed (${problems.length} ${problems.length === 1 ? 'case' : 'cases'}, ${groups.length} ${groups.length === 1 ? 'signature' : 'signatures'}):`);
    for (const g of shown) {
      const p = g.smallest.problem;
      const rate = p.outcome === 'flaky' && p.reproduction !== null ? `, reproduced in ${p.reproduction.reproduced} of ${p.reproduction.runs} runs` : '';
      lines.push(`  ${p.outcome.toUpperCase()} ${g.what} in ${p.scenario}: ${g.members.length} ${g.members.length === 1 ? 'case' : 'cases'} (${g.members.map((m) => m.caseIndex).join(', ')})${rate}`);
      lines.push(`    smallest, case ${p.caseIndex}${g.smallest.note}${g.smallest.tail}`, `    ${g.smallest.replayLine}`);
    }
    const more = groups.length - shown.length;
    if (more > 0) lines.push(`  and ${more} more ${more === 1 ? 'signature' : 'signatures'}: see the Markdown report`);
  }
  return lines.join('\n');
}

interface Group {
  what: string;
  members: CaseProblem[];
  /** tail: how the case the replay line runs failed (the shrunk case's own failure, not the drawn case's). */
  smallest: { problem: CaseProblem; replayLine: string; note: string; size: number; tail: string };
}

const OUTCOME_ORDER = ['fail', 'flaky', 'nondeterministic', 'unknown'];

/** Input records of a stored (shrunk) case, or null when it cannot be read. */
function inputRecords(drawn: unknown): number | null {
  const streams = (drawn as { scenarioCase?: { input?: { streams?: Record<string, unknown[]> } } } | null)?.scenarioCase?.input?.streams;
  return streams === undefined || streams === null ? null : Object.values(streams).reduce((n, s) => n + (Array.isArray(s) ? s.length : 0), 0);
}

/** Problems by signature (outcome, anomaly kind, checker, scenario), biggest group first; each with its smallest counterexample. */
function problemGroups(problems: CaseProblem[], counterexamples: Counterexample[]): Group[] {
  const newest = new Map(counterexamples.map((x) => [x.caseId, x]));
  const groups = new Map<string, Group>();
  for (const p of problems) {
    const what = p.outcome === 'unknown' || p.outcome === 'nondeterministic' ? `from ${p.checker ?? '(checker not stored)'}` : `${p.anomaly ?? p.verdict} found by ${p.checker ?? '(checker not stored)'}`;
    const key = JSON.stringify([p.outcome, what, p.scenario]);
    const x = newest.get(p.caseId);
    const size = x === undefined ? Number.MAX_SAFE_INTEGER : (inputRecords(x.shrunkCase) ?? Number.MAX_SAFE_INTEGER);
    // The replay line runs the counterexample, so the line above it says how that case failed: the
    // shrunk case's own anomaly where its row is stored, else the drawn case's, said to be the drawn one's.
    const tail = x === undefined || x.counterexamplePath === p.path ? headlineTail(p)
      : x.shrunkFailure !== null ? `${x.shrunkFailure.anomaly !== null && x.shrunkFailure.anomaly !== p.anomaly ? `: ${x.shrunkFailure.anomaly}` : ''}${headlineTail(x.shrunkFailure)}`
      : `; as drawn${headlineTail(p)}`;
    const candidate = { problem: p, replayLine: x?.replayLine ?? p.replayLine, note: x === undefined ? ' (as drawn)' : x.mayNotBeMinimal ? ' (shrinking stopped at its budget: may not be minimal)' : x.shrunk ? ' (shrunk)' : '', size, tail };
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { what, members: [p], smallest: candidate });
    else {
      g.members.push(p);
      if (size < g.smallest.size) g.smallest = candidate;
    }
  }
  const rank = (g: Group) => OUTCOME_ORDER.indexOf(g.smallest.problem.outcome);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || b.members.length - a.members.length);
}

function headlineTail(p: { firstBatchMs: number | null; message: string | null }): string {
  const at = p.firstBatchMs === null ? '' : ` at batch ${p.firstBatchMs} ms`;
  const message = p.message === null ? '' : `: ${oneLine(p.message)}`;
  return `${at}${message}`;
}

/** One line of at most MESSAGE_CHARS_MAX characters, control characters (SUT text) escaped. */
function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ').trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return line.length <= MESSAGE_CHARS_MAX ? line : `${line.slice(0, MESSAGE_CHARS_MAX)}…`;
}
