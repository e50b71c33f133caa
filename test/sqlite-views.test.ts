// The SQLite views README documents for common questions: what a landed fault of each kind cost to
// recover from, and which anomalies the failing cases share. Built from a hand-made store so every
// figure is known.

import test from 'ava';
import { Store, type VerdictRow } from '../harness/store/store.js';

const pass: VerdictRow = { verdict: 'pass', anomaly: null, firstBatchMs: null, firstKey: null, message: null, detail: {} };
const lost: VerdictRow = { verdict: 'fail', anomaly: 'lost-output', firstBatchMs: 400, firstKey: 'a', message: 'lost', detail: {} };

test('recovery_cost_by_fault_kind and failures_by_anomaly answer from drawn cases only', (t) => {
  const store = Store.open(':memory:');
  const suite = store.beginSuite({ seed: 1, sutName: 'toy', manifest: {}, options: {} });
  const addCase = (index: number, scenario: string, faults: { kind: string; injected: boolean }[], ms: { ff: number; faulty: number }, verdict: VerdictRow, role: 'case' | 'shrink' = 'case') => {
    const id = store.beginCase({ suiteId: suite, caseIndex: index, scenario, seed: index, path: '0', caseJson: {}, faultPlanJson: {}, role });
    const run = store.beginRun(id, 'faulty');
    faults.forEach((f, i) => store.recordFault({ caseId: id, runId: run, attempt: i + 1, kind: f.kind, fault: { kind: f.kind }, injected: f.injected, atMs: 1 }));
    store.finishRun(run, verdict.verdict === 'pass' ? 'completed' : 'gave-up');
    store.setCaseTimes(id, { failureFreeMs: ms.ff, faultyMs: ms.faulty, failureFreeReused: false });
    store.finishCase(id, verdict);
  };
  addCase(0, 'join', [{ kind: 'crash-point', injected: true }, { kind: 'crash-point', injected: true }], { ff: 100, faulty: 300 }, pass);
  addCase(1, 'join', [{ kind: 'crash-point', injected: true }, { kind: 'kill-after', injected: false }], { ff: 100, faulty: 200 }, lost);
  addCase(2, 'sessions', [{ kind: 'kill-after', injected: true }], { ff: 200, faulty: 300 }, lost);
  addCase(3, 'sessions', [{ kind: 'corrupt-checkpoint', injected: true }], { ff: 100, faulty: 100 }, { ...lost, verdict: 'unknown', anomaly: null });
  // A shrink candidate counts nowhere.
  addCase(100, 'join', [{ kind: 'crash-point', injected: true }], { ff: 100, faulty: 1000 }, lost, 'shrink');

  const cost = store.db.prepare('SELECT kind, cases, faults_landed, cases_recovered, mean_cost_ratio, max_cost_ratio, mean_extra_ms FROM recovery_cost_by_fault_kind WHERE suite_id = ? ORDER BY kind').all(suite);
  t.deepEqual(cost, [
    { kind: 'corrupt-checkpoint', cases: 1, faults_landed: 1, cases_recovered: 0, mean_cost_ratio: 1, max_cost_ratio: 1, mean_extra_ms: 0 },
    { kind: 'crash-point', cases: 2, faults_landed: 3, cases_recovered: 1, mean_cost_ratio: 2.5, max_cost_ratio: 3, mean_extra_ms: 150 },
    { kind: 'kill-after', cases: 1, faults_landed: 1, cases_recovered: 0, mean_cost_ratio: 1.5, max_cost_ratio: 1.5, mean_extra_ms: 100 },
  ]);
  const failures = store.db.prepare('SELECT verdict, anomaly, cases, scenarios, first_case_index FROM failures_by_anomaly WHERE suite_id = ? ORDER BY anomaly').all(suite);
  t.deepEqual(failures, [
    { verdict: 'fail', anomaly: 'lost-output', cases: 2, scenarios: 'join,sessions', first_case_index: 1 },
    { verdict: 'unknown', anomaly: 'unknown', cases: 1, scenarios: 'sessions', first_case_index: 3 },
  ]);
  store.close();
});
