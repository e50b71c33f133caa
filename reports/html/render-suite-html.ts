// The HTML report of one suite: one self-contained page (htmlPage: no script, no fetch) with the
// verdict, the scenario × fault kind × verdict matrix, what restarts cost, time per case, failure
// groups, then one anchored section per failing case (#case-N) with its timeline, expected against
// received, minimal input and replay line. Every stored string is escaped (escapeHtml).

import { formatMs, formatRatio, formatStats, NA } from '../format.js';
import type { SuiteReport, VerdictCounts } from '../suite-report.js';
import { verdictLine } from '../verdict-line.js';
import { describeCoverage } from '../crash-coverage.js';
import type { BatchCommits } from './batch-commits.js';
import type { CaseDetail } from './case-detail.js';
import { caseTimesSvg } from './case-times-svg.js';
import { escapeHtml as e } from './escape-html.js';
import { histogramSvg } from './histogram-svg.js';
import { htmlPage } from './html-page.js';
import type { HtmlSuiteData } from './html-suite-data.js';
import { timelineSvg } from './timeline-svg.js';

const VALUE_CHARS_MAX = 4000;
const INPUT_RECORDS_MAX = 200;
const EVENT_ROWS_MAX = 200;

export function renderSuiteHtml(d: HtmlSuiteData): string {
  const r = d.report;
  const s = r.suite;
  const detailed = new Set(d.details.map((x) => x.problem.caseIndex));
  const anchorOf = (caseIndex: number): string | null => (detailed.has(caseIndex) ? `case-${caseIndex}` : null);
  const out: string[] = [];
  out.push(`<h1>streamcheck suite ${s.id}: ${e(s.sutName)}</h1>`);
  out.push(`<p><span class="verdict v-${r.verdict}" id="verdict">${e(verdictLine(r))}</span></p>`);
  out.push(
    table(
      ['Suite', ''],
      [
        ['Seed', String(s.seed)],
        ['System under test', e(s.sutName)],
        ['Manifest', s.manifestFile === null ? NA : `<code>${e(s.manifestFile)}</code>`],
        ['Started', e(s.startedAt)],
        ['Finished', s.finishedAt === null ? 'did not finish' : e(s.finishedAt)],
        ['Duration', formatMs(s.durationMs)],
        ['Options', `<code>${e(cut(JSON.stringify(s.options) ?? NA))}</code>`],
      ],
    ),
  );
  out.push('<nav><a href="#matrix">Matrix</a><a href="#coverage">Coverage</a><a href="#recovery">Recovery cost</a><a href="#time-per-case">Time per case</a><a href="#groups">Failure groups</a><a href="#cases">Failing cases</a><a href="#runs">Runs and exits</a></nav>');

  out.push('<h2 id="matrix">Cases by scenario and fault kind</h2>');
  out.push(matrixTable(d, r));

  out.push('<h2 id="coverage">Crash-space coverage</h2>');
  const coverage = describeCoverage(r.coverage);
  out.push(coverage.length === 0 ? '<p>No fault landed, and the level has no crash space to cover.</p>' : `<ul>${coverage.map((l) => `<li>${e(l)}</li>`).join('')}</ul><p>Cells hit by faults that landed (cases in each), and the cells this level could hit that none did.</p>`);

  out.push('<h2 id="recovery">Recovery cost</h2>');
  const progress = d.recoveries.flatMap((x) => (x.toFirstProgressMs === null ? [] : [x.toFirstProgressMs]));
  const completion = d.recoveries.flatMap((x) => (x.toCompletionMs === null ? [] : [x.toCompletionMs]));
  out.push('<div class="charts">');
  out.push(figure(histogramSvg(progress, 'restart to first progress', 'ms'), `Restart to its first progress (a batch completed or an output committed): ${progress.length} of ${d.recoveries.length} restarts showed progress.`));
  out.push(figure(histogramSvg(completion, 'restart to completion', 'ms'), `Restart to completion (its clean exit): ${completion.length} of ${d.recoveries.length} restarts completed.`));
  out.push('</div>');
  out.push(
    `<p class="note">A restart is every start after the first of a faulty run. Restart times are reconstructed from stored process durations (the store keeps each event's time, not each start's). ` +
      `Whole runs: faulty / failure-free ${e(formatStats(r.recoveryCost.ratio, formatRatio))}; faulty run ${e(formatStats(r.recoveryCost.faultyMs, formatMs))}.</p>`,
  );

  out.push('<h2 id="time-per-case">Time per case</h2>');
  out.push(r.cases.length === 0 ? '<p>No cases were stored for this suite.</p>' : figure(caseTimesSvg(r.cases, anchorOf), `Wall time from each case's start to its verdict: ${e(formatStats(r.timePerCaseMs, formatMs))}.`));

  out.push('<h2 id="groups">Failure groups</h2>');
  if (d.groups.length === 0) out.push('<p>No case failed or was left unknown.</p>');
  else {
    out.push(
      table(
        ['Anomaly', 'Checker', 'Scenario', 'Cases', 'Which'],
        d.groups.map((g) => [`<code>${e(g.what)}</code>`, e(g.checker), e(g.scenario), num(g.caseIndexes.length), g.caseIndexes.map((i) => caseLink(i, anchorOf(i))).join(' ')]),
      ),
    );
  }

  out.push('<h2 id="cases">Failing, flaky, nondeterministic and unknown cases</h2>');
  if (d.details.length === 0) out.push('<p>None.</p>');
  for (const x of d.details) out.push(caseSection(x));
  const rest = [...r.failures, ...r.flaky, ...r.nondeterministic, ...r.unknowns].filter((p) => !detailed.has(p.caseIndex)).sort((a, b) => a.caseIndex - b.caseIndex);
  if (rest.length > 0) out.push(`<h3>${rest.length} more, by replay line</h3>`, `<pre>${e(rest.map((p) => `${p.replayLine}  # case ${p.caseIndex}: ${p.outcome === 'fail' || p.outcome === 'unknown' ? (p.anomaly ?? p.verdict) : `${p.outcome} ${p.anomaly ?? ''}`}`).join('\n'))}</pre>`);

  if (r.skips.length > 0) {
    out.push('<h2 id="skipped">Skipped: declined by the SUT</h2>', '<p>The SUT exited 4 (PROTOCOL.md §3) on the failure-free run: it does not implement the program. These cases were neither passed nor failed.</p>');
    out.push(table(['Scenario', 'Cases', "Reason (the SUT's stderr)"], r.skips.map((k) => [e(k.scenario), num(k.cases), `<code>${e(cut(k.reason))}</code>`])));
  }

  out.push('<h2 id="runs">Runs and process exits</h2>');
  out.push(table(['Run', 'Runs', 'Completed', 'Gave up', 'Unfinished'], r.runs.map((x) => [x.kind, num(x.runs), num(x.completed), num(x.gaveUp), num(x.unfinished)])));
  out.push(table(['Exit', 'Failure-free runs', 'Faulty runs', 'Total'], r.exits.map((x) => [`<code>${x.type}</code>`, num(x.failureFree), num(x.faulty), num(x.total)])));
  return htmlPage(`streamcheck suite ${s.id}: ${s.sutName} — ${r.verdict.toUpperCase()}`, out.join('\n'));
}

function matrixTable(d: HtmlSuiteData, r: SuiteReport): string {
  if (r.byScenario.length === 0) return '<p>No cases were stored for this suite.</p>';
  const kinds = [...new Set(d.matrix.map((c) => c.faultKind))].sort();
  const rows = r.byScenario.map((row) => [
    e(row.scenario),
    counts(row),
    ...kinds.map((k) => {
      const cell = d.matrix.find((c) => c.scenario === row.scenario && c.faultKind === k);
      return cell === undefined ? '<span class="muted">–</span>' : counts(cell);
    }),
  ]);
  return (
    table(['Scenario', 'All cases', ...kinds.map((k) => `<code>${e(k)}</code>`)], rows) +
    '<p class="note">Each cell: cases, then pass / fail / flaky / unknown / nondeterministic (and unfinished). A case with faults of several kinds counts in each of their columns; “(none)”: no fault was applied.</p>'
  );
}

function counts(c: VerdictCounts): string {
  const parts = [`<span class="t-pass">${c.pass} pass</span>`];
  if (c.fail > 0) parts.push(`<span class="t-fail">${c.fail} fail</span>`);
  if (c.flaky > 0) parts.push(`<span class="t-flaky">${c.flaky} flaky</span>`);
  if (c.unknown > 0) parts.push(`<span class="t-unknown">${c.unknown} unknown</span>`);
  if (c.nondeterministic > 0) parts.push(`<span class="t-nondeterministic">${c.nondeterministic} nondeterministic</span>`);
  if (c.skipped > 0) parts.push(`<span class="t-unfinished">${c.skipped} skipped (declined by the SUT)</span>`);
  if (c.unfinished > 0) parts.push(`<span class="t-unfinished">${c.unfinished} unfinished</span>`);
  return `<b>${c.cases}</b>: ${parts.join(', ')}`;
}

function caseSection(x: CaseDetail): string {
  const p = x.problem;
  const a = x.verdict.anomaly;
  const out: string[] = [`<section class="case ${p.outcome}" id="case-${p.caseIndex}">`];
  const label = p.outcome === 'flaky' ? `FLAKY ${p.anomaly ?? ''}` : p.outcome === 'nondeterministic' ? 'NONDETERMINISTIC' : (p.anomaly ?? p.verdict);
  out.push(`<h3>Case ${p.caseIndex}: ${e(p.scenario)}, <span class="t-${p.outcome}">${e(label)}</span></h3>`);
  out.push(
    table(
      ['', ''],
      [
        ['Seed, path', `${p.seed}, <code>${e(p.path)}</code>`],
        ['Verdict', `<span class="t-${p.outcome}">${p.outcome}</span>${p.reproduction === null ? '' : ` (reproduced in ${p.reproduction.reproduced} of ${p.reproduction.runs} runs)`}`],
        ['Checker', e(a?.checker ?? (x.verdict.unknowns.map((u) => u.checker).join(', ') || NA))],
        ['First batch', p.firstBatchMs === null ? NA : `${p.firstBatchMs} ms`],
        ['First key', p.firstKey === null ? NA : `<code>${e(cut(p.firstKey))}</code>`],
        ['Kept directory', p.workDir === null ? NA : `<code>${e(p.workDir)}</code>`],
      ],
    ),
  );
  out.push(`<pre class="message">${e(p.message ?? '(no message stored)')}</pre>`);
  for (const u of x.verdict.unknowns) out.push(`<p>Checker <code>${e(u.checker)}</code> could not decide:</p><pre>${e(cut(u.error))}</pre>`);

  out.push('<h4>Replay</h4>');
  if (x.counterexample !== null) out.push(`<p>${x.counterexample.shrunk ? 'The shrunk counterexample' : 'The counterexample (the suite ran without shrinking)'}:</p><pre class="replay">${e(x.counterexample.replayLine)}</pre>`);
  out.push(`<p>The case as drawn:</p><pre class="replay">${e(p.replayLine)}</pre>`);

  out.push('<h4>Timeline</h4>');
  out.push(figure(timelineSvg(x.marks, `timeline of case ${p.caseIndex}`), `Every start of the SUT in this case, on one clock per run (milliseconds since that run began): starts, exits, SUT events, injected faults and restarts. Start and exit times are reconstructed from stored process durations.${x.eventsCut > 0 ? ` ${x.eventsCut} more events are stored but not drawn.` : ''}`));

  out.push('<h4>Expected and received</h4>');
  const found = x.verdict.failures.length > 0 ? x.verdict.failures : a === null ? [] : [a];
  if (found.length === 0) out.push('<p>No anomaly was stored for this case.</p>');
  else {
    out.push('<p>By key: each failing checker’s first difference (output, batch, key), with the values it expected and received.</p>');
    out.push(
      table(
        ['Checker', 'Anomaly', 'Output', 'Batch (ms)', 'Key', 'Expected', 'Received'],
        found.map((f) => [
          e(f.checker),
          `<code>${e(f.kind)}</code>`,
          f.output === null ? NA : `<code>${e(f.output)}</code>`,
          f.batchTimeMs === null ? NA : String(f.batchTimeMs),
          f.key === null ? NA : `<code>${e(cut(f.key))}</code>`,
          `<pre>${e(json(f.expected))}</pre>`,
          `<pre>${e(json(f.received))}</pre>`,
        ]),
      ),
    );
  }
  out.push(commitsTable(x.commits, x.failureFreeReused, a?.output ?? null, a?.batchTimeMs ?? null));

  out.push('<h4>Minimal input</h4>');
  const shown = x.counterexample === null ? { label: 'The case’s own input (no counterexample was stored).', scenarioCase: x.drawnCase, plan: null } : { label: x.counterexample.shrunk ? 'The shrunk counterexample’s input and fault plan.' : 'The counterexample’s input and fault plan (not shrunk).', ...drawnParts(x.counterexample.shrunkCase) };
  out.push(`<p>${shown.label}</p>`, inputTable(shown.scenarioCase));
  if (shown.plan !== null) out.push(`<p>Fault plan:</p><pre>${e(cut(JSON.stringify(shown.plan, null, 1) ?? ''))}</pre>`);
  out.push(`<details><summary>Program and configuration</summary><pre>${e(json(programOf(shown.scenarioCase)))}</pre></details>`);
  if (x.counterexample !== null && x.counterexample.marks.length > 0) {
    out.push(figure(timelineSvg(x.counterexample.marks, `timeline of the counterexample of case ${p.caseIndex}`), `The counterexample's own run, as stored with it (exact start and exit times).${x.counterexample.skipped > 0 ? ` ${x.counterexample.skipped} stored entries could not be read.` : ''}`));
  }

  out.push('<h4>Process exits</h4>');
  out.push(
    table(
      ['Run', 'Start', 'Exit', 'Code / signal', 'Duration', 'stderr (tail)'],
      x.exits.map((ex) => [ex.run, num(ex.attempt), `<code>${e(ex.type)}</code>`, e(ex.signal ?? String(ex.exitCode ?? NA)), formatMs(ex.durationMs), ex.stderrTail === '' ? '<span class="muted">empty</span>' : `<pre class="stderr">${e(cutTail(ex.stderrTail))}</pre>`]),
    ),
  );
  const events = x.marks.filter((m) => m.type === 'event' || m.type === 'garbage' || m.type === 'fault').sort((m, n) => (m.run === n.run ? m.atMs - n.atMs : m.run === 'failure-free' ? -1 : 1));
  out.push(
    `<details><summary>Events and faults (${events.length})</summary>` +
      table(
        ['Run', 'Start', 'At', 'What', 'Stored'],
        events.slice(0, EVENT_ROWS_MAX).map((m) => [m.run, num(m.attempt), `${m.atMs} ms`, m.type === 'event' ? `<code>${e(m.name)}</code>` : m.type === 'fault' ? `fault <code>${e(m.kind)}</code>${m.injected ? '' : ' (not injected)'}` : 'not an event', `<code>${e(cut(m.type === 'event' || m.type === 'garbage' || m.type === 'fault' ? m.detail : ''))}</code>`]),
      ) +
      (events.length > EVENT_ROWS_MAX ? `<p>${events.length - EVENT_ROWS_MAX} more not listed.</p>` : '') +
      '</details>',
  );
  out.push('</section>');
  return out.join('\n');
}

function commitsTable(rows: readonly BatchCommits[], failureFreeReused: boolean, output: string | null, batchTimeMs: number | null): string {
  if (rows.length === 0) return '<p>No output-committed events were stored for this case.</p>';
  const note = failureFreeReused ? '<p class="note">This case reused an earlier case’s failure-free run, so its expected commits are not stored with it.</p>' : '';
  const body = rows.map((c) => {
    const expected = c.expected.length === 0 ? (failureFreeReused ? NA : 'none') : c.expected.map((x) => `${x.records} records`).join(', ');
    const received = c.received.length === 0 ? 'none' : c.received.map((x) => `${x.records} records`).join(', ');
    const same = c.expected.length === 0 || c.received.length === 0 ? NA : c.received.every((x) => x.sha256 === c.expected[0]!.sha256) ? 'yes' : '<b>no</b>';
    const hit = c.output === output && c.batchTimeMs === batchTimeMs;
    return `<tr${hit ? ' class="hit"' : ''}><td><code>${e(c.output)}</code></td><td class="n">${c.batchTimeMs}</td><td>${expected}</td><td>${received} (${c.received.length} ${c.received.length === 1 ? 'commit' : 'commits'})</td><td>${same}</td></tr>`;
  });
  return (
    '<p>By batch, as the SUT reported its commits in output-committed events (expected: the failure-free run; received: every start of the faulty run). The checkers judge the files left in the output directory, which a SUT may have lost after reporting them; the first difference’s batch is highlighted.</p>' +
    note +
    `<table><thead><tr><th>Output</th><th>Batch (ms)</th><th>Expected</th><th>Received</th><th>Same bytes</th></tr></thead><tbody>${body.join('')}</tbody></table>`
  );
}

function inputTable(scenarioCase: unknown): string {
  const input = record(record(scenarioCase)['input']);
  const streams = record(input['streams']);
  const names = Object.keys(streams).sort();
  if (names.length === 0) return `<pre>${e(json(input))}</pre>`;
  const all = names.flatMap((name) => (Array.isArray(streams[name]) ? (streams[name] as unknown[]) : []).map((x) => [name, record(x)] as const));
  const rows = all.slice(0, INPUT_RECORDS_MAX).map(([name, r]) => [e(name), e(String(r['offset'] ?? NA)), e(String(r['arrivalMs'] ?? NA)), `<code>${e(cut(JSON.stringify(r['value']) ?? NA))}</code>`]);
  const end = typeof input['endTimeMs'] === 'number' ? `, ending at ${input['endTimeMs']} ms` : '';
  return `<p>${all.length} input ${all.length === 1 ? 'record' : 'records'} in ${names.length} ${names.length === 1 ? 'stream' : 'streams'}${end}${all.length > INPUT_RECORDS_MAX ? `; the first ${INPUT_RECORDS_MAX} shown` : ''}.</p>` + table(['Stream', 'Offset', 'Arrival (ms)', 'Value'], rows);
}

function drawnParts(drawn: unknown): { scenarioCase: unknown; plan: unknown } {
  const d = record(drawn);
  return 'scenarioCase' in d ? { scenarioCase: d['scenarioCase'], plan: d['plan'] ?? null } : { scenarioCase: drawn, plan: null };
}

function programOf(scenarioCase: unknown): unknown {
  const c = record(scenarioCase);
  return { config: c['config'], program: c['program'] };
}

function caseLink(caseIndex: number, anchor: string | null): string {
  return anchor === null ? String(caseIndex) : `<a href="#${anchor}">${caseIndex}</a>`;
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
}

/** Cells are HTML already: every caller escapes what it puts in. */
function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => (c.startsWith('<td') ? c : `<td>${c}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
}

function num(n: number): string {
  return `<td class="n">${n}</td>`;
}

function json(v: unknown): string {
  return cut(v === undefined ? '(not stored)' : (JSON.stringify(v) ?? String(v)));
}

function cut(text: string): string {
  return text.length <= VALUE_CHARS_MAX ? text : `${text.slice(0, VALUE_CHARS_MAX)}… (${text.length} chars)`;
}

/** A tail keeps its end (the last lines a SUT printed before it died are the ones that explain it). */
function cutTail(text: string): string {
  return text.length <= VALUE_CHARS_MAX ? text : `(${text.length} chars) …${text.slice(-VALUE_CHARS_MAX)}`;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

