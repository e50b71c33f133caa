// The HTML report's parts that need no browser: escaping (for any string), the reconstruction of
// start times from stored durations, what restarts cost, the fault-kind matrix, commits by batch,
// and reading a stored timeline that holds entries of unknown shapes.

import test from 'ava';
import fc from 'fast-check';
import { classifyExit } from '../harness/process/process-exit.js';
import { Store } from '../harness/store/store.js';
import { attemptSpans } from '../reports/html/attempt-spans.js';
import { batchCommits } from '../reports/html/batch-commits.js';
import { escapeHtml } from '../reports/html/escape-html.js';
import { faultMatrix } from '../reports/html/fault-matrix.js';
import { restartRecoveries } from '../reports/html/restart-recoveries.js';
import { timelineFromJson } from '../reports/html/timeline-from-json.js';

test('escapeHtml leaves no markup character and no control or bidi character, and changes nothing else', (t) => {
  const anyText = fc.string({ unit: 'binary', maxLength: 60 });
  fc.assert(
    fc.property(anyText, (s) => {
      const out = escapeHtml(s);
      if (/[<>"']/.test(out)) throw new Error(`markup character left in ${JSON.stringify(out)}`);
      if (/&(?!(amp|lt|gt|quot|#39);)/.test(out)) throw new Error(`bare & in ${JSON.stringify(out)}`);
      if (/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/.test(out)) throw new Error(`control character left in ${JSON.stringify(out)}`);
    }),
  );
  const plain = fc.string({ unit: fc.constantFrom(...'abc xyz-_.:/\n\t0123é漢'.split('')), maxLength: 40 });
  fc.assert(fc.property(plain, (s) => escapeHtml(s) === s));
  t.is(escapeHtml('<script>"x"\u001b[31m\u202e'), '&lt;script&gt;&quot;x&quot;\\x1b[31m\\u202e');
});

test('start times are rebuilt from durations: after the previous exit or a between-starts fault, never after the start’s first line', (t) => {
  t.deepEqual(
    attemptSpans([
      { attempt: 2, durationMs: 50, beforeStartMs: null, firstLineMs: 95 },
      { attempt: 1, durationMs: 100, beforeStartMs: null, firstLineMs: 10 },
      { attempt: 3, durationMs: 200, beforeStartMs: 180, firstLineMs: 190 },
      { attempt: 4, durationMs: null, beforeStartMs: null, firstLineMs: 500 },
    ]),
    [
      { attempt: 1, startMs: 0, exitMs: 100 },
      { attempt: 2, startMs: 95, exitMs: 145 },
      { attempt: 3, startMs: 180, exitMs: 380 },
      { attempt: 4, startMs: 380, exitMs: null },
    ],
  );
});

test('restart costs and the scenario × fault kind matrix come from the stored rows', (t) => {
  const store = Store.open(':memory:');
  const suite = store.beginSuite({ seed: 1, sutName: 'sut', manifest: {}, options: {} });
  const exit = (ms: number, killed: boolean) => classifyExit({ command: ['sut'], durationMs: ms, stderrTail: '', spawnError: null, exitCode: killed ? null : 0, signal: killed ? 'SIGKILL' : null }, killed ? 'fault' : null);
  const pass = { verdict: 'pass' as const, anomaly: null, firstBatchMs: null, firstKey: null, message: null, detail: {} };
  // Case 0: killed after 100 ms, restarted; the restart prints progress at 250 ms and exits after 300 ms.
  const c0 = store.beginCase({ suiteId: suite, caseIndex: 0, scenario: 'word-count', seed: 1, path: '0', caseJson: {}, faultPlanJson: {} });
  const r0 = store.beginRun(c0, 'faulty');
  store.recordFault({ caseId: c0, runId: r0, attempt: 1, kind: 'kill-after', fault: { kind: 'kill-after', delayMs: 100 }, injected: true, atMs: 100 });
  store.recordExit(r0, 1, exit(100, true));
  store.recordEvents([
    { runId: r0, attempt: 2, atMs: 120, kind: 'event', name: 'start', json: { event: 'start' } },
    { runId: r0, attempt: 2, atMs: 250, kind: 'event', name: 'batch-completed', json: { event: 'batch-completed', batchTimeMs: 1000 } },
  ]);
  store.recordExit(r0, 2, exit(300, false));
  store.finishRun(r0, 'completed');
  store.finishCase(c0, { ...pass, verdict: 'fail', anomaly: 'lost-batch' });
  // Case 1: no fault at all.
  const c1 = store.beginCase({ suiteId: suite, caseIndex: 1, scenario: 'windowed', seed: 2, path: '0', caseJson: {}, faultPlanJson: {} });
  const r1 = store.beginRun(c1, 'faulty');
  store.recordExit(r1, 1, exit(80, false));
  store.finishRun(r1, 'completed');
  store.finishCase(c1, pass);

  t.deepEqual(restartRecoveries(store.db, suite), [{ caseIndex: 0, attempt: 2, toFirstProgressMs: 150, toCompletionMs: 300 }]);
  t.deepEqual(faultMatrix(store.db, suite), [
    { scenario: 'windowed', faultKind: '(none)', cases: 1, pass: 1, fail: 0, flaky: 0, unknown: 0, nondeterministic: 0, skipped: 0, unfinished: 0 },
    { scenario: 'word-count', faultKind: 'kill-after', cases: 1, pass: 0, fail: 1, flaky: 0, unknown: 0, nondeterministic: 0, skipped: 0, unfinished: 0 },
  ]);
  store.close();
});

test('commits by batch: expected from the failure-free run, received over every faulty start; malformed events skipped', (t) => {
  const committed = (run: 'failure-free' | 'faulty', attempt: number, batchTimeMs: number, records: number, sha: string) => ({
    run,
    attempt,
    atMs: batchTimeMs,
    kind: 'event' as const,
    name: 'output-committed',
    json: JSON.stringify({ event: 'output-committed', output: 'counts', batchTimeMs, records, sha256: sha }),
  });
  const rows = batchCommits([
    committed('failure-free', 1, 1000, 2, 'a'),
    committed('failure-free', 1, 2000, 3, 'b'),
    committed('faulty', 1, 1000, 2, 'a'),
    committed('faulty', 2, 1000, 2, 'a'),
    committed('faulty', 2, 3000, 1, 'c'),
    { run: 'faulty', attempt: 2, atMs: 5, kind: 'event', name: 'output-committed', json: '{"event":"output-committed","output":7}' },
    { run: 'faulty', attempt: 2, atMs: 5, kind: 'garbage', name: null, json: '{"line":"x"}' },
  ]);
  t.deepEqual(rows, [
    { output: 'counts', batchTimeMs: 1000, expected: [{ records: 2, sha256: 'a' }], received: [{ records: 2, sha256: 'a' }, { records: 2, sha256: 'a' }] },
    { output: 'counts', batchTimeMs: 2000, expected: [{ records: 3, sha256: 'b' }], received: [] },
    { output: 'counts', batchTimeMs: 3000, expected: [], received: [{ records: 1, sha256: 'c' }] },
  ]);
});

test('a stored timeline is read entry by entry, and entries of unknown shapes are counted, not fatal', (t) => {
  const { marks, skipped } = timelineFromJson(
    JSON.stringify([
      { type: 'start', atMs: 0, run: 'faulty', attempt: 1 },
      { type: 'event', atMs: 5, run: 'faulty', attempt: 1, event: { event: 'batch-completed', batchTimeMs: 1000 } },
      { type: 'fault', atMs: 9, run: 'faulty', attempt: 1, fault: { kind: 'crash-point', n: 3 }, injected: true },
      { type: 'exit', atMs: 9, run: 'faulty', attempt: 1, exit: { type: 'signal', signal: 'SIGKILL', durationMs: 9 } },
      { type: 'teleport', atMs: 1, run: 'faulty', attempt: 1 },
      { type: 'start', atMs: 'soon', run: 'faulty', attempt: 2 },
      null,
    ]),
  );
  t.is(skipped, 3);
  t.deepEqual(marks.map((m) => m.type), ['start', 'event', 'fault', 'exit']);
  t.like(marks[3], { type: 'exit', exitType: 'signal', detail: 'signal (signal SIGKILL) after 9 ms', derived: false });
  t.deepEqual(timelineFromJson('not json'), { marks: [], skipped: 1 });
});
