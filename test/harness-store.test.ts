// The store keeps one row per fact and refuses a database of another schema version.

import * as path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { dir } from 'tmp-promise';
import { Store } from '../harness/store/store.js';
import { SCHEMA_VERSION } from '../harness/store/schema.js';
import { classifyExit } from '../harness/process/process-exit.js';

test('a case, its runs, exits and faults are rows; the file is WAL and versioned', async (t) => {
  const d = await dir({ unsafeCleanup: true });
  const file = path.join(d.path, 'suite.sqlite');
  const store = Store.open(file);
  const suite = store.beginSuite({ seed: 1, sutName: 'x', manifest: {}, options: {} });
  const c = store.beginCase({ suiteId: suite, caseIndex: 0, scenario: 'word-count', seed: 42, path: '0', caseJson: {}, faultPlanJson: [] });
  const run = store.beginRun(c, 'faulty');
  store.recordExit(run, 1, classifyExit({ command: ['sut'], exitCode: null, signal: 'SIGKILL', durationMs: 10, stderrTail: '', spawnError: null }, 'fault'));
  store.recordFault({ caseId: c, runId: run, attempt: 1, kind: 'kill-after', fault: { delayMs: 5 }, injected: true, atMs: 5 });
  store.recordEvents([{ runId: run, attempt: 1, atMs: 3, kind: 'event', name: 'start', json: { event: 'start' } }]);
  store.finishRun(run, 'completed');
  store.finishCase(c, { verdict: 'fail', anomaly: 'lost-batch', firstBatchMs: 200, firstKey: null, message: 'm', detail: {} });
  store.close();

  const db = new Database(file, { readonly: true });
  t.is(db.pragma('journal_mode', { simple: true }), 'wal');
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  t.like(db.prepare('SELECT * FROM cases').get() as object, { verdict: 'fail', anomaly: 'lost-batch', first_batch_ms: 200, seed: 42 });
  t.like(db.prepare('SELECT * FROM process_exits').get() as object, { type: 'killed-by-harness', signal: 'SIGKILL', killed_by_harness: 1, timed_out: 0 });
  t.is((db.prepare('SELECT count(*) AS n FROM faults').get() as { n: number }).n, 1);
  db.close();

  const other = new Database(file);
  other.pragma('user_version = 99');
  other.close();
  t.throws(() => Store.open(file), { message: new RegExp(`schema version ${SCHEMA_VERSION}, received version 99`) });
  await d.cleanup();
});
