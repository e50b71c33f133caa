// The real-time clock honours the batch interval (batch T runs no earlier than T ms after the start)
// and computes exactly what the logical clock computes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import { validateProgram } from '../reference/program/validate.js';
import { runEngine } from '../reference/engine/run-engine.js';
import { MemorySink } from '../reference/sink/output-sink.js';
import { inputFromBatches } from './helpers/input-from-batches.js';

test('the real-time clock runs batch T no earlier than T ms after the start, with the logical clock\'s outputs', async (t) => {
  const program = validateProgram({
    format: 'streamcheck-program',
    version: 1,
    batchIntervalMs: 100,
    inputs: [{ name: 'lines', type: 'string' }],
    operations: [
      { id: 'pairs', op: 'map', from: 'lines', fn: 'pair-with-one' },
      { id: 'totals', op: 'updateStateByKey', from: 'pairs', fn: 'running-sum' },
      { id: 'out', op: 'output', from: 'totals' },
    ],
  });
  const input = inputFromBatches(100, { lines: [['a'], ['b', 'a'], [], ['c'], ['a']] });
  const runs: { outputs: unknown; generatedAtMs: number[] }[] = [];
  for (const clock of ['logical', 'realtime'] as const) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `streamcheck-clock-${clock}-`));
    const sink = new MemorySink();
    const generatedAtMs: number[] = [];
    const start = Date.now();
    await runEngine({ program, input, sink, clock, checkpointDir: dir, onEvent: (e) => e.event === 'batch-generated' && generatedAtMs.push(Date.now() - start) });
    runs.push({ outputs: sink.outputs(), generatedAtMs });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  t.deepEqual(runs[1]!.outputs, runs[0]!.outputs);
  // Batch k (time k x 100 ms) is generated no earlier than k x 100 ms after the start (minus timer slack).
  runs[1]!.generatedAtMs.forEach((at, i) => t.true(at >= (i + 1) * 100 - 5, `batch ${(i + 1) * 100} generated at ${at} ms`));
});
