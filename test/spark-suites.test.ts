// Runs the examples transcribed from Apache Spark's streaming test suites (test/spark/cases.ts)
// through both the independent model and the reference engine: each must produce, at every time
// the output fires, exactly the records Spark's tests expect. One ava test per Spark test.

import test from 'ava';
import { runInMemory } from '../reference/engine/run-in-memory.js';
import { validateProgram } from '../reference/program/validate.js';
import { canonical, sortCanonical, type Value } from '../reference/program/value.js';
import type { BatchOutput } from '../reference/sink/batch-output.js';
import { expectedOutputs } from '../scenarios/model/expected-outputs.js';
import { inputFromBatches } from './helpers/input-from-batches.js';
import { sparkCases } from './spark/cases.js';

const OUTPUT = 'out';

/** The records of output "out", one list per firing time, in time order. */
function outRecords(outputs: readonly BatchOutput[]): Value[][] {
  return outputs.filter((o) => o.output === OUTPUT).map((o) => o.records);
}

test('Spark case names are unique', (t) => {
  const names = sparkCases.map((c) => c.name);
  t.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
});

for (const c of sparkCases) {
  test(c.name, (t) => {
    const where = `${c.cite}${c.note === undefined ? '' : ` (note: ${c.note})`}`;
    // A transcription error in the expected data should not pass for an engine bug.
    c.expected.forEach((records, i) => {
      t.deepEqual(records.map(canonical), sortCanonical(records).map(canonical), `expected[${i}] is not in canonical order: ${where}`);
    });

    const program = validateProgram(c.program, c.name);
    const input = inputFromBatches(program.batchIntervalMs, c.batches);

    t.deepEqual(outRecords(expectedOutputs(program, input)), c.expected, `model disagrees with Spark: ${where}`);
    t.deepEqual(outRecords(runInMemory(program, input)), c.expected, `engine disagrees with Spark: ${where}`);
  });
}
