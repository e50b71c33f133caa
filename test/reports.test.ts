// Reports drawn from a database written with the real Store API: the counts, the recovery cost and
// timings, the replay lines, and the Markdown, summary and JUnit renderings of the same suite.

import * as path from 'node:path';
import test from 'ava';
import { replayCommand, storedReplayOptions } from '../reports/replay-command.js';
import Database from 'better-sqlite3';
import { dir } from 'tmp-promise';
import { classifyExit, type KillReason } from '../harness/process/process-exit.js';
import { Store, type RunKind, type VerdictRow } from '../harness/store/store.js';
import { renderJunit } from '../reports/junit.js';
import { renderMarkdown } from '../reports/markdown.js';
import { SUMMARY_LINES_MAX, renderSummary } from '../reports/summary.js';
import { suiteReport } from '../reports/suite-report.js';

const MANIFEST = '/work/my sut/manifest.json';

type Start =
  | { exit: 'clean'; ms: number }
  | { exit: 'kill-after'; ms: number; injected: boolean }
  | { exit: 'crash-point'; ms: number; injected: boolean }
  | { exit: 'timeout'; ms: number };

interface CaseFixture {
  scenario: string;
  seed: number;
  path: string;
  failureFree: Start[];
  faulty: Start[];
  verdict: VerdictRow;
  /** Starts before which the scratch directory is wiped (a fault, but not a crash). */
  wipeBefore?: number[];
  /** The failure-free run was reused from an earlier case: no runs of its own, only its time. */
  reusedFailureFreeMs?: number;
  /** Wall time of the case, set on the row so the timing figures are known. */
  wallMs: number;
}

const pass: VerdictRow = { verdict: 'pass', anomaly: null, firstBatchMs: null, firstKey: null, message: null, detail: {} };

// Six cases: two recover from crashes and pass, one recovers but loses a batch, one never reaches its
// crash point, one gives up (unknown), one recovers from two crashes, and one recovers from a crash and
// a scratch wipe with a failure-free run reused from an earlier case.
const CASES: CaseFixture[] = [
  { scenario: 'word-count', seed: 11, path: '0', failureFree: [{ exit: 'clean', ms: 100 }], faulty: [{ exit: 'kill-after', ms: 40, injected: true }, { exit: 'clean', ms: 120 }], verdict: pass, wallMs: 1000 },
  {
    scenario: 'word-count',
    seed: 12,
    path: '1:0',
    failureFree: [{ exit: 'clean', ms: 200 }],
    faulty: [{ exit: 'crash-point', ms: 50, injected: true }, { exit: 'clean', ms: 250 }],
    verdict: { verdict: 'fail', anomaly: 'lost-batch', firstBatchMs: 2000, firstKey: '"apple"', message: 'output "counts" at batch 2000 ms: expected a committed file, received none', detail: {} },
    wallMs: 3000,
  },
  { scenario: 'windowed', seed: 13, path: '2', failureFree: [{ exit: 'clean', ms: 100 }], faulty: [{ exit: 'crash-point', ms: 100, injected: false }], verdict: pass, wallMs: 2000 },
  {
    scenario: 'windowed',
    seed: 14,
    path: '3',
    failureFree: [{ exit: 'clean', ms: 100 }],
    faulty: [{ exit: 'kill-after', ms: 30, injected: true }, { exit: 'timeout', ms: 500 }],
    verdict: { verdict: 'unknown', anomaly: null, firstBatchMs: null, firstKey: null, message: 'checker outputs-equal-model threw: boom', detail: {} },
    wallMs: 5000,
  },
  { scenario: 'stateful', seed: 15, path: '4', failureFree: [{ exit: 'clean', ms: 100 }], faulty: [{ exit: 'crash-point', ms: 30, injected: true }, { exit: 'crash-point', ms: 40, injected: true }, { exit: 'clean', ms: 130 }], verdict: pass, wallMs: 4000 },
  { scenario: 'stateful', seed: 16, path: '5', failureFree: [], reusedFailureFreeMs: 100, faulty: [{ exit: 'crash-point', ms: 50, injected: true }, { exit: 'clean', ms: 250 }], wipeBefore: [2], verdict: pass, wallMs: 6000 },
];

function exitOf(s: Start) {
  const fields = { command: ['sut'], durationMs: s.ms, stderrTail: '', spawnError: null };
  const as = (exitCode: number | null, signal: string | null, kill: KillReason | null) => classifyExit({ ...fields, exitCode, signal }, kill);
  switch (s.exit) {
    case 'clean':
      return as(0, null, null);
    case 'kill-after':
      return s.injected ? as(null, 'SIGKILL', 'fault') : as(0, null, null);
    case 'crash-point':
      return s.injected ? as(null, 'SIGKILL', null) : as(0, null, null);
    case 'timeout':
      return as(null, 'SIGKILL', 'timeout');
  }
}

function storeRun(store: Store, caseId: number, kind: RunKind, starts: Start[], wipeBefore: number[] = []): void {
  if (starts.length === 0) return;
  const run = store.beginRun(caseId, kind);
  starts.forEach((s, i) => {
    const attempt = i + 1;
    if (wipeBefore.includes(attempt)) store.recordFault({ caseId, runId: run, attempt, kind: 'wipe-scratch', fault: { kind: 'wipe-scratch' }, injected: true, atMs: 0 });
    if (s.exit === 'kill-after') store.recordFault({ caseId, runId: run, attempt, kind: 'kill-after', fault: { kind: 'kill-after', delayMs: s.ms }, injected: s.injected, atMs: s.injected ? s.ms : null });
    if (s.exit === 'crash-point') store.recordFault({ caseId, runId: run, attempt, kind: 'crash-point', fault: { kind: 'crash-point', n: attempt }, injected: s.injected, atMs: s.injected ? s.ms : null });
    store.recordExit(run, attempt, exitOf(s));
  });
  store.finishRun(run, exitOf(starts.at(-1)!).type === 'clean' ? 'completed' : 'gave-up');
}

async function fixture(): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const d = await dir({ unsafeCleanup: true });
  const file = path.join(d.path, 'suite.sqlite');
  const store = Store.open(file);
  addNewerCaseColumns(store.db);
  // An earlier suite, so "latest" has something to skip.
  const old = store.beginSuite({ seed: 1, sutName: 'old sut', manifest: {}, options: {} });
  const oldCase = store.beginCase({ suiteId: old, caseIndex: 0, scenario: 'word-count', seed: 1, path: '0', caseJson: {}, faultPlanJson: { faults: [] } });
  storeRun(store, oldCase, 'failure-free', [{ exit: 'clean', ms: 10 }]);
  storeRun(store, oldCase, 'faulty', [{ exit: 'clean', ms: 10 }]);
  store.finishCase(oldCase, pass);
  store.finishSuite(old);

  const suite = store.beginSuite({ seed: 777, sutName: 'toy engine', manifest: { name: 'toy engine' }, options: { sut: MANIFEST, cases: 6 } });
  CASES.forEach((c, caseIndex) => {
    const caseId = store.beginCase({ suiteId: suite, caseIndex, scenario: c.scenario, seed: c.seed, path: c.path, caseJson: {}, faultPlanJson: {} });
    storeRun(store, caseId, 'failure-free', c.failureFree);
    storeRun(store, caseId, 'faulty', c.faulty, c.wipeBefore);
    if (c.reusedFailureFreeMs !== undefined) store.db.prepare('UPDATE cases SET failure_free_ms = ?, failure_free_reused = 1 WHERE id = ?').run(c.reusedFailureFreeMs, caseId);
    store.finishCase(caseId, c.verdict);
    store.db.prepare("UPDATE cases SET started_at = '2025-01-01T00:00:00.000Z', finished_at = ? WHERE id = ?").run(new Date(Date.parse('2025-01-01T00:00:00.000Z') + c.wallMs).toISOString(), caseId);
    if (c.verdict.verdict === 'fail') store.recordCounterexample(caseId, `streamcheck replay --scenario ${c.scenario} --seed ${c.seed} --path "shrunk"`, { shrunk: true }, []);
  });
  // A shrink candidate of the failing case: stored with the suite, counted nowhere but as a candidate.
  const candidate = store.beginCase({ suiteId: suite, caseIndex: 100, scenario: 'word-count', seed: 12, path: '1:0', caseJson: {}, faultPlanJson: {} });
  store.db.prepare("UPDATE cases SET role = 'shrink' WHERE id = ?").run(candidate);
  storeRun(store, candidate, 'faulty', [{ exit: 'crash-point', ms: 10, injected: true }, { exit: 'clean', ms: 10 }]);
  store.finishCase(candidate, CASES[1]!.verdict);
  store.finishSuite(suite);
  store.close();
  return { file, cleanup: d.cleanup };
}

/** Schema 1 gained these columns over time; a database made before them lacks them, so add them here. */
function addNewerCaseColumns(db: Database.Database): void {
  const columns = new Set((db.prepare("SELECT name FROM pragma_table_info('cases')").all() as { name: string }[]).map((c) => c.name));
  if (!columns.has('role')) db.exec("ALTER TABLE cases ADD COLUMN role TEXT NOT NULL DEFAULT 'case'");
  if (!columns.has('failure_free_ms')) db.exec('ALTER TABLE cases ADD COLUMN failure_free_ms INTEGER');
  if (!columns.has('failure_free_reused')) db.exec('ALTER TABLE cases ADD COLUMN failure_free_reused INTEGER');
}

test('a suite report counts cases, faults, recoveries and exits from the store', async (t) => {
  const { file, cleanup } = await fixture();
  const r = suiteReport(file);

  t.is(r.suite.id, 2);
  t.like(r.suite, { seed: 777, sutName: 'toy engine', manifestFile: MANIFEST });
  t.deepEqual(r.suite.options, { sut: MANIFEST, cases: 6 });
  t.is(r.verdict, 'fail');
  t.deepEqual(r.totals, { cases: 6, pass: 4, fail: 1, flaky: 0, unknown: 1, nondeterministic: 0, skipped: 0, unfinished: 0 });
  t.deepEqual(r.byScenario, [
    { scenario: 'stateful', cases: 2, pass: 2, fail: 0, flaky: 0, unknown: 0, nondeterministic: 0, skipped: 0, unfinished: 0 },
    { scenario: 'windowed', cases: 2, pass: 1, fail: 0, flaky: 0, unknown: 1, nondeterministic: 0, skipped: 0, unfinished: 0 },
    { scenario: 'word-count', cases: 2, pass: 1, fail: 1, flaky: 0, unknown: 0, nondeterministic: 0, skipped: 0, unfinished: 0 },
  ]);
  t.deepEqual(r.byFaultKind, [
    { kind: 'crash-point', cases: 4, pass: 3, fail: 1, flaky: 0, unknown: 0, nondeterministic: 0, skipped: 0, unfinished: 0, faultsRecorded: 5, faultsInjected: 4, faultsRecovered: 4 },
    { kind: 'kill-after', cases: 2, pass: 1, fail: 0, flaky: 0, unknown: 1, nondeterministic: 0, skipped: 0, unfinished: 0, faultsRecorded: 2, faultsInjected: 2, faultsRecovered: 1 },
    { kind: 'wipe-scratch', cases: 1, pass: 1, fail: 0, flaky: 0, unknown: 0, nondeterministic: 0, skipped: 0, unfinished: 0, faultsRecorded: 1, faultsInjected: 1, faultsRecovered: 1 },
  ]);
  t.is(r.casesWithoutFaults.cases, 0);
  // The scratch wipe is a fault but not a crash; the shrink candidate's crash is not the suite's.
  t.deepEqual(r.crashes, { applied: 8, injected: 7, recovered: 6, faultyRuns: 6, runsCrashed: 5, runsRecovered: 4 });
  t.is(r.casesReusingFailureFree, 1);
  t.is(r.shrinkCandidates, 1);
  t.deepEqual(r.runs, [
    { kind: 'failure-free', runs: 5, completed: 5, gaveUp: 0, unfinished: 0 },
    { kind: 'faulty', runs: 6, completed: 5, gaveUp: 1, unfinished: 0 },
  ]);
  t.deepEqual(
    r.exits.map((e) => [e.type, e.failureFree, e.faulty]),
    [['clean', 5, 5], ['nonzero-exit', 0, 0], ['signal', 0, 4], ['timeout', 0, 1], ['killed-by-harness', 0, 2]],
  );

  // Recovered runs: 160/100, 300/200, 200/100 and 300/100 (the reused run's stored time); nearest rank.
  t.deepEqual(r.recoveryCost.ratio, { count: 4, median: 1.6, p90: 3 });
  t.deepEqual(r.recoveryCost.faultyMs, { count: 4, median: 200, p90: 300 });
  t.deepEqual(r.recoveryCost.failureFreeMs, { count: 4, median: 100, p90: 200 });
  t.deepEqual(r.timePerCaseMs, { count: 6, median: 3000, p90: 6000 });

  t.is(r.failures.length, 1);
  const f = r.failures[0]!;
  t.like(f, { caseIndex: 1, scenario: 'word-count', seed: 12, path: '1:0', anomaly: 'lost-batch', firstBatchMs: 2000, firstKey: '"apple"' });
  t.is(f.replayLine, `npx streamcheck replay --sut "${MANIFEST}" --scenario word-count --seed 12 --path "1:0"`);
  t.deepEqual(f.faults, [{ attempt: 1, kind: 'crash-point', injected: true, atMs: 50, fault: { kind: 'crash-point', n: 1 } }]);
  t.deepEqual(r.unknowns.map((u) => [u.caseIndex, u.message]), [[3, 'checker outputs-equal-model threw: boom']]);
  t.deepEqual(r.counterexamples.map((x) => [x.caseIndex, x.shrunkCase]), [[1, { shrunk: true }]]);
  t.is(r.cases.length, 6);

  // An older suite by id, from an open database; nothing of suite 2 leaks into it.
  const db = new Database(file, { readonly: true });
  const old = suiteReport(db, 1);
  db.close();
  t.like(old, { verdict: 'pass', totals: { cases: 1, pass: 1, fail: 0, flaky: 0, unknown: 0, nondeterministic: 0, unfinished: 0 } });
  t.is(old.suite.manifestFile, null);
  t.deepEqual(old.recoveryCost.ratio, { count: 0, median: null, p90: null });
  t.is(old.cases[0]!.replayLine, 'npx streamcheck replay --scenario word-count --seed 1 --path "0"');
  t.throws(() => suiteReport(file, 9), { message: /expected suite 9, received no such suite/ });
  await cleanup();
});

test('the Markdown, summary and JUnit carry the verdict line and the failure’s replay line', async (t) => {
  const { file, cleanup } = await fixture();
  const r = suiteReport(file);
  const replay = `npx streamcheck replay --sut "${MANIFEST}" --scenario word-count --seed 12 --path "1:0"`;
  const verdict = 'FAIL: 6 cases, 1 failed, 1 unknown; 7 faults landed, 6 recovered (4 of 5 crashed runs completed)';

  const md = renderMarkdown(r);
  t.is(md.split('\n').find((l) => l.startsWith('**')), `**${verdict}**`);
  t.true(md.includes('```sh\n' + replay + '\n```'), 'the failure is replayable from a code block');
  t.regex(md, /\| `crash-point` \| 4 \| 3 \| 1 \| 0 \| 0 \| 0 \| 0 \| 5 \| 4 \| 4 \|/);
  t.regex(md, /\| Faulty run \/ failure-free run \| 1\.60× \| 3\.00× \| 4 \|/);
  t.true(md.includes('## Counterexamples (1, shrunk)'));

  const summary = renderSummary(r);
  const lines = summary.split('\n');
  t.is(lines[0], verdict);
  t.true(lines.length <= SUMMARY_LINES_MAX);
  // Each signature once, with its smallest counterexample: here the shrunk one.
  t.true(lines.some((l) => l.trim().startsWith('streamcheck replay --scenario word-count --seed 12 --path "shrunk"')), summary);
  t.regex(summary, /^ {2}FAIL lost-batch found by .+ in word-count: 1 case \(\d+\)$/m);
  t.regex(summary, /^ {2}UNKNOWN from .+ in windowed: 1 case \(\d+\)$/m);

  const xml = renderJunit(r);
  t.is(xml.match(/<testcase /g)?.length, 6);
  t.regex(xml, /<failure type="lost-batch" message="lost-batch: output &quot;counts&quot;/);
  t.true(xml.includes(`replay case as drawn: ${replay}`));
  t.true(xml.includes('replay shrunk counterexample: streamcheck replay --scenario word-count --seed 12 --path "shrunk"'));
  t.regex(xml, /<error type="unknown" message="unknown: checker outputs-equal-model threw: boom">/);
  await cleanup();
});

test('a passing suite says PASS, and missing measurements read n/a', async (t) => {
  const d = await dir({ unsafeCleanup: true });
  const file = path.join(d.path, 'suite.sqlite');
  const store = Store.open(file);
  const suite = store.beginSuite({ seed: 5, sutName: 'toy engine', manifest: {}, options: {} });
  const c = store.beginCase({ suiteId: suite, caseIndex: 0, scenario: 'word-count', seed: 5, path: '0', caseJson: {}, faultPlanJson: {} });
  store.finishCase(c, pass);
  store.close();

  const r = suiteReport(file);
  t.is(r.verdict, 'pass');
  t.is(r.suite.finishedAt, null);
  const md = renderMarkdown(r);
  t.true(md.includes('**PASS: 1 case, 0 failed, 0 unknown; 0 faults landed, 0 recovered**'));
  t.regex(md, /\| Faulty run \/ failure-free run \| n\/a \| n\/a \| 0 \|/);
  t.regex(md, /\| Finished \| did not finish \|/);
  t.true(renderSummary(r).includes('recovery cost (faulty / failure-free run): n/a (no data)'));
  await d.cleanup();
});

test('a report\'s replay line carries the level, bounds, serve mode and kill points the suite stored, so it replays the same case on any machine', (t) => {
  const none = { manifestFile: null, level: null, bounds: null, serve: null, crashStatesDir: null };
  t.is(replayCommand({ scenario: 'join', seed: 7, path: '0:1' }, { ...none, level: 'L5' }), 'npx streamcheck replay --level L5 --scenario join --seed 7 --path "0:1"');
  t.is(replayCommand({ scenario: 'join', seed: 7, path: '0' }, { ...none, manifestFile: '/m.json' }), 'npx streamcheck replay --sut /m.json --scenario join --seed 7 --path "0"');
  t.is(replayCommand({ scenario: 'join', seed: 7, path: '0' }, { ...none, level: 'L5; rm -rf /' }), 'npx streamcheck replay --scenario join --seed 7 --path "0"');
  const stored = storedReplayOptions({ level: 'L2', serve: false, bounds: { runTimeoutMs: 5000, caseTimeoutMs: 30000, restartsMax: 4 } }, '/my sut.json');
  const faults = [
    { attempt: 1, kind: 'kill-after', injected: true, fault: { kind: 'kill-after', delayMs: 40, eventLines: 7 } },
    { attempt: 2, kind: 'kill-after', injected: false, fault: { kind: 'kill-after', delayMs: 900 } },
  ];
  t.is(
    replayCommand({ scenario: 'join', seed: 7, path: '0' }, stored, faults),
    'npx streamcheck replay --sut "/my sut.json" --level L2 --scenario join --seed 7 --path "0" --run-timeout 5000ms --case-timeout 30000ms --restarts-max 4 --no-serve --kill-at-events 1:7,2:-',
  );
});

test('the summary never hides a scenario that did not pass behind "and N more"', async (t) => {
  const d = await dir({ unsafeCleanup: true });
  const file = path.join(d.path, 'suite.sqlite');
  const store = Store.open(file);
  const suite = store.beginSuite({ seed: 5, sutName: 'toy engine', manifest: {}, options: {} });
  const names = Array.from({ length: 12 }, (_, i) => `scenario-${String(i).padStart(2, '0')}`);
  const failing = { verdict: 'fail' as const, anomaly: 'lost-batch', firstBatchMs: 100, firstKey: null, message: 'lost', detail: {} };
  names.forEach((scenario, i) => {
    const c = store.beginCase({ suiteId: suite, caseIndex: i, scenario, seed: i, path: '0', caseJson: {}, faultPlanJson: {} });
    store.finishCase(c, i >= 9 ? failing : pass);
  });
  store.close();
  const summary = renderSummary(suiteReport(file));
  for (const n of names.slice(9)) t.regex(summary, new RegExp(`^  ${n}\\s+1 case: 0 pass, 1 fail`, 'm'));
  t.regex(summary, /and \d+ more scenarios, all passed/);
  await d.cleanup();
});
