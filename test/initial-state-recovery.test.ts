// An initial state survives recovery exactly as Spark's does: it stands in for the previous state
// only at the first batch, so a recovery that re-runs early batches from lineage applies it once,
// and a recovery from a data checkpoint never applies it again. Checked by crashing at every crash
// point of programs whose state starts from an initial state, and comparing every committed output
// with the independent model (which never crashes), for a fixed program and for drawn ones.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import { validateProgram, type ValidProgram } from '../reference/program/validate.js';
import type { InputLog } from '../reference/source/input-log.js';
import { expectedOutputs } from '../scenarios/model/expected-outputs.js';
import { seededState } from '../scenarios/catalog/seeded-state.js';
import { scenarioCase } from '../scenarios/scenario-case.js';
import { crashPointsToTry, outputSnapshot, runOnce, runWithCrashes, type Dirs } from './helpers/crash-runs.js';
import { inputFromBatches } from './helpers/input-from-batches.js';

const TMP_ROOT = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
/** Crash points tried per drawn case: all up to this many, else a sample this size. */
const CRASHES_PER_CASE_MAX = 20;

function withDirs(fn: (fresh: () => Dirs) => void): void {
  const root = fs.mkdtempSync(path.join(TMP_ROOT, 'streamcheck-initial-state-'));
  let i = 0;
  try {
    fn(() => {
      i += 1;
      const dir = path.join(root, `run-${i}`);
      return { checkpointDir: path.join(dir, 'checkpoint'), outputDir: path.join(dir, 'output') };
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Crashes at each of the crash points tried, restarts, and compares the outputs with the model. */
function checkEveryCrashPoint(program: ValidProgram, input: InputLog, seed: number, crashesMax = CRASHES_PER_CASE_MAX): number {
  const model = expectedOutputs(program, input);
  let tried = 0;
  withDirs((fresh) => {
    const spec = { program, input, maxPendingBatches: 1 };
    const ref = runOnce(spec, fresh());
    assert.equal(ref.kind, 'done');
    if (ref.kind !== 'done') return;
    for (const n of crashPointsToTry(ref.done.crashPoints, crashesMax, seed)) {
      const dirs = fresh();
      const runs = runWithCrashes(spec, dirs, [n]);
      assert.deepEqual(outputSnapshot(dirs.outputDir).outputs, model, `crash point ${n} (${runs.map((r) => (r.kind === 'crashed' ? r.point : 'done')).join(' -> ')}) of program ${JSON.stringify(program.program)}`);
      tried += 1;
    }
  });
  return tried;
}

const fixedProgram = validateProgram({
  format: 'streamcheck-program',
  version: 1,
  batchIntervalMs: 1000,
  inputs: [{ name: 'in', type: 'pair' }],
  operations: [
    // A data checkpoint every 2 batches: crashes before the first one recover from lineage (the
    // initial state again, once), crashes after it from the checkpointed state.
    { id: 'sums', op: 'updateStateByKey', from: 'in', fn: 'running-sum', initialState: [['a', 10], ['z', 1]], checkpointIntervalMs: 2000 },
    { id: 'out-sums', op: 'output', from: 'sums' },
    { id: 'seen', op: 'mapWithState', from: 'in', fn: 'first-seen-time', timeoutMs: 2000, initialState: [['b', 7]], checkpointIntervalMs: 2000 },
    { id: 'out-seen', op: 'output', from: 'seen' },
    { id: 'snap', op: 'stateSnapshots', from: 'seen' },
    { id: 'out-snap', op: 'output', from: 'snap' },
  ],
});

test('a crash at every crash point of a program with initial states: outputs equal the model\'s', (t) => {
  const input = inputFromBatches(1000, { in: [[['a', 1]], [['b', 2], ['c', 3]], [], [['a', 4], ['c', 1]], [['d', 5]]] });
  const tried = checkEveryCrashPoint(fixedProgram, input, 1, Number.MAX_SAFE_INTEGER);
  t.true(tried > 20, `only ${tried} crash points`);
  // The initial state is in the first batch's output, applied once.
  const first = expectedOutputs(fixedProgram, input).find((o) => o.output === 'out-sums' && o.batchTimeMs === 1000)!;
  t.deepEqual(first.records, [['a', 11], ['z', 1]]);
});

test('drawn seeded-state cases: a crash at every crash point (a sample of 20) gives the model\'s outputs', (t) => {
  fc.assert(
    fc.property(scenarioCase([seededState]), fc.integer(), (c, seed) => {
      const cut = Math.min(c.config.batchCount, 6) * c.config.batchIntervalMs;
      const streams: InputLog['streams'] = {};
      for (const [name, records] of Object.entries(c.input.streams)) streams[name] = records.filter((r) => r.arrivalMs <= cut);
      checkEveryCrashPoint(validateProgram(c.program), { ...c.input, endTimeMs: cut, streams }, seed);
    }),
    { numRuns: 6 },
  );
  t.pass();
});
