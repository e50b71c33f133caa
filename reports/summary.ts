// The plain-text summary the CLI prints when a suite ends: one screen (at most SUMMARY_LINES_MAX
// lines) with the verdict first and a replay line for every failure that fits; the Markdown report
// has the rest.

import { formatMs, formatRatio, formatStats } from './format.js';
import { describeCoverage } from './crash-coverage.js';
import type { CaseProblem, SuiteReport } from './suite-report.js';
import { verdictLine } from './verdict-line.js';

export const SUMMARY_LINES_MAX = 25;
const SCENARIO_LINES_MAX = 4;
const MESSAGE_CHARS_MAX = 100;

export function renderSummary(r: SuiteReport): string {
  const s = r.suite;
  const lines: string[] = [verdictLine(r)];
  const manifest = s.manifestFile === null ? '' : ` (${s.manifestFile})`;
  lines.push(`suite ${s.id}, seed ${s.seed}, ${s.sutName}${manifest}, ${s.finishedAt === null ? 'did not finish' : `took ${formatMs(s.durationMs)}`}`);

  if (r.byScenario.length > 0) {
    // Scenarios that did not all pass come first and are never cut: "and 7 more" must not hide one.
    const clean = (x: (typeof r.byScenario)[number]) => x.fail === 0 && x.unknown === 0 && x.unfinished === 0;
    const troubled = r.byScenario.filter((x) => !clean(x));
    const shown = [...troubled, ...r.byScenario.filter(clean).slice(0, Math.max(0, SCENARIO_LINES_MAX - troubled.length))];
    const width = Math.max(...shown.map((x) => x.scenario.length));
    lines.push('scenarios:');
    for (const x of shown) {
      const unfinished = x.unfinished > 0 ? `, ${x.unfinished} unfinished` : '';
      lines.push(`  ${x.scenario.padEnd(width)}  ${x.cases} ${x.cases === 1 ? 'case' : 'cases'}: ${x.pass} pass, ${x.fail} fail, ${x.unknown} unknown${unfinished}`);
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

  const problems = [...r.failures, ...r.unknowns];
  if (problems.length > 0) {
    // Two lines per problem, plus a blank line, a heading and possibly an "and N more" line.
    const room = Math.max(0, Math.floor((SUMMARY_LINES_MAX - lines.length - 3) / 2));
    const shown = problems.slice(0, room);
    lines.push('', `not passed (${problems.length}):`);
    for (const p of shown) lines.push(`  ${headline(p)}`, `    ${p.replayLine}`);
    const more = problems.length - shown.length;
    if (more > 0) lines.push(`  and ${more} more: see the Markdown report`);
  }
  return lines.join('\n');
}

function headline(p: CaseProblem): string {
  const what = p.anomaly ?? p.verdict;
  const at = p.firstBatchMs === null ? '' : ` at batch ${p.firstBatchMs} ms`;
  const message = p.message === null ? '' : `: ${oneLine(p.message)}`;
  return `case ${p.caseIndex} ${p.scenario} ${what}${at}${message}`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ').trim();
  return line.length <= MESSAGE_CHARS_MAX ? line : `${line.slice(0, MESSAGE_CHARS_MAX)}…`;
}
