// One case end to end against real processes: the reference engine passes under crashes at crash
// points and timed SIGKILLs; a SUT that loses an output on recovery is caught and named.

import * as path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { dir } from 'tmp-promise';
import { loadManifest } from '../harness/protocol/manifest.js';
import { runCase, type CaseSpec } from '../harness/run/run-case.js';
import { Store } from '../harness/store/store.js';
import { drawScenarioCase } from '../scenarios/scenario-case.js';
import { scenarioNamed } from '../scenarios/catalog.js';
import type { Fault } from '../harness/faults/fault.js';
import { FailureFreeRuns } from '../harness/run/failure-free-runs.js';
import * as os from 'node:os';
import * as fs from 'node:fs';
import { validateProgram } from '../reference/program/validate.js';
import { expectedOutputs } from '../scenarios/model/expected-outputs.js';

const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-test-'));
const failureFree = new FailureFreeRuns(path.join(workRoot, 'failure-free'));
test.after.always(() => fs.rmSync(workRoot, { recursive: true, force: true }));

const reference = loadManifest('harness/protocol/reference-engine.manifest.json');
const lossy = loadManifest('test/fixtures/lossy-engine.manifest.json');
const bounds = { runTimeoutMs: 20_000, restartsMax: 6, caseTimeoutMs: 60_000 };

const spec = (scenario: string, seed: number, faults: Fault[]): CaseSpec => ({
  seed,
  path: '0',
  drawn: { scenarioCase: drawScenarioCase(seed, [scenarioNamed(scenario)]), plan: { faults: [], wipeScratch: [] } },
  plan: { faults },
});

for (const [scenario, seed, faults] of [
  ['word-count', 1, [{ kind: 'crash-point', n: 25 }]],
  ['stateful-word-count', 2, [{ kind: 'crash-point', n: 30 }, { kind: 'crash-point', n: 7 }]],
  ['windowed-sums', 3, [{ kind: 'kill-after', delayMs: 150 }, { kind: 'crash-point', n: 40 }]],
  ['sessions', 4, [{ kind: 'crash-point', n: 55 }]],
] as const) {
  test(`reference engine passes ${scenario} seed ${seed} under ${JSON.stringify(faults)}`, async (t) => {
    const result = await runCase(spec(scenario, seed, [...faults]), { sut: reference, bounds, failureFree, workRoot });
    t.is(result.verdict.verdict, 'pass', `${result.replayLine}\n${JSON.stringify(result.verdict, null, 2)}`);
    t.is(result.workDir, null);
    const injected = result.timeline.filter((e) => e.type === 'fault' && e.injected).length;
    t.log(`${result.replayLine}: ${injected} fault(s) injected, ${result.timeline.filter((e) => e.type === 'start').length} starts`);
  });
}

test('the cases sharing a failure-free run share the model\'s outputs, computed once for it', async (t) => {
  const s = spec('word-count', 5, [{ kind: 'crash-point', n: 20 }]);
  const own = new FailureFreeRuns(path.join(workRoot, 'failure-free-model'));
  t.is((await runCase(s, { sut: reference, bounds, failureFree: own, workRoot })).verdict.verdict, 'pass');
  const { run, reused } = await own.get(reference, s.drawn.scenarioCase, bounds);
  t.true(reused);
  const first = run.expected();
  t.is(run.expected(), first, 'the second case gets the outputs the first computed, not a new computation');
  t.deepEqual(first, expectedOutputs(validateProgram(s.drawn.scenarioCase.program), s.drawn.scenarioCase.input));
});

test('a SUT that deletes an output on recovery is caught as a lost batch, and the store says so', async (t) => {
  const d = await dir({ unsafeCleanup: true });
  const store = Store.open(path.join(d.path, 'suite.sqlite'));
  const result = await runCase(spec('word-count', 1, [{ kind: 'crash-point', n: 45 }]), { sut: lossy, bounds, store, keepWorkDir: 'never', failureFree, workRoot });
  store.close();
  t.is(result.verdict.verdict, 'fail');
  t.is(result.verdict.anomaly?.kind, 'lost-batch');
  t.is(result.verdict.anomaly?.checker, 'batch-completion');
  t.is(typeof result.verdict.anomaly?.batchTimeMs, 'number');
  const db = new Database(path.join(d.path, 'suite.sqlite'), { readonly: true });
  t.like(db.prepare('SELECT verdict, anomaly, first_batch_ms FROM cases').get() as object, { verdict: 'fail', anomaly: 'lost-batch', first_batch_ms: result.verdict.anomaly?.batchTimeMs });
  t.like(db.prepare('SELECT kind, injected FROM faults').get() as object, { kind: 'crash-point', injected: 1 });
  t.deepEqual(
    (db.prepare("SELECT e.type FROM process_exits e JOIN runs r ON r.id = e.run_id WHERE r.kind = 'faulty' ORDER BY attempt").all() as { type: string }[]).map((r) => r.type),
    ['signal', 'clean'],
  );
  db.close();
  await d.cleanup();
});

test('a SUT that hangs is judged did-not-finish after its bound', async (t) => {
  const hanging = { ...reference, manifest: { ...reference.manifest, command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] } };
  const result = await runCase(spec('word-count', 1, []), { sut: hanging, bounds: { runTimeoutMs: 300, restartsMax: 1, caseTimeoutMs: 1_000 }, keepWorkDir: 'never', failureFree, workRoot });
  t.is(result.verdict.verdict, 'fail');
  t.is(result.verdict.anomaly?.kind, 'did-not-finish');
  t.regex(result.verdict.anomaly?.message ?? '', /runTimeoutMs/);
});
