// Partitions (SEMANTICS.md "Partitions"): the contiguous slices of ParallelCollectionRDD and the
// distribution of RDD.repartition, in the engine and in the model, each checked against values
// computed by the JVM (java.util.Random and scala.util.hashing.byteswap32, run with `java`) and
// against each other; then glom, mapPartitions and repartition over drawn batches, engine against
// model.

import test from 'ava';
import fc from 'fast-check';
import { parallelSlices } from '../reference/engine/parallel-slices.js';
import { repartitionStart, shuffleRepartition } from '../reference/engine/shuffle-repartition.js';
import { runInMemory } from '../reference/engine/run-in-memory.js';
import { validateProgram } from '../reference/program/validate.js';
import { canonical, type Value } from '../reference/program/value.js';
import { contiguousSlices } from '../scenarios/model/contiguous-slices.js';
import { expectedOutputs } from '../scenarios/model/expected-outputs.js';
import { sparkRepartition } from '../scenarios/model/spark-repartition.js';
import { inputFromBatches } from './helpers/input-from-batches.js';

/** new java.util.Random(byteswap32(index)).nextInt(bound) for bounds 1, 2, 3, 5, 8, 10, 64, 100,
 *  printed by a Java program with byteswap32 transcribed from scala.util.hashing. */
const BOUNDS = [1, 2, 3, 5, 8, 10, 64, 100];
const JVM_STARTS: [number, number[]][] = [
  [0, [0, 1, 0, 0, 5, 0, 46, 60]],
  [1, [0, 0, 1, 2, 1, 2, 12, 12]],
  [2, [0, 1, 0, 1, 6, 1, 48, 91]],
  [3, [0, 1, 1, 1, 6, 1, 55, 61]],
  [4, [0, 0, 1, 3, 2, 3, 21, 33]],
  [7, [0, 0, 0, 1, 0, 1, 0, 51]],
  [100, [0, 1, 2, 4, 7, 9, 61, 99]],
];

test('engine: repartition start positions equal the JVM\'s Random(byteswap32(index)).nextInt(n)', (t) => {
  for (const [index, starts] of JVM_STARTS) {
    t.deepEqual(BOUNDS.map((n) => repartitionStart(index, n)), starts, `input partition ${index}`);
  }
});

test('model: the first record of input partition i goes to partition (JVM start + 1) mod n', (t) => {
  for (const [index, starts] of JVM_STARTS) {
    BOUNDS.forEach((n, j) => {
      const parts: Value[][] = Array.from({ length: index + 1 }, (_, k) => (k === index ? ['x'] : []));
      const out = sparkRepartition(parts, n);
      t.is(out.findIndex((p) => p.length > 0), (starts[j]! + 1) % n, `input partition ${index}, ${n} partitions`);
    });
  }
});

const partitionsArb = fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 12 }), { maxLength: 6 });

test('property: engine and model repartition alike; every record lands once; round robin within an input partition', (t) => {
  fc.assert(
    fc.property(partitionsArb, fc.integer({ min: 1, max: 9 }), (parts, n) => {
      const engine = shuffleRepartition(parts, n);
      const model = sparkRepartition(parts, n);
      if (JSON.stringify(engine) !== JSON.stringify(model)) throw new Error(`engine ${JSON.stringify(engine)} model ${JSON.stringify(model)}`);
      if (engine.length !== n) throw new Error(`${engine.length} partitions, expected ${n}`);
      const sorted = (xs: Value[]) => xs.map(canonical).sort();
      if (JSON.stringify(sorted(engine.flat())) !== JSON.stringify(sorted(parts.flat()))) throw new Error('records lost or duplicated');
      // One input partition alone: its records spread evenly (sizes differ by at most one).
      for (const p of parts) {
        const sizes = shuffleRepartition([p], n).map((q) => q.length);
        if (Math.max(...sizes) - Math.min(...sizes) > 1) throw new Error(`uneven spread ${sizes}`);
      }
    }),
  );
  t.pass();
});

test('property: engine and model cut a batch into the same contiguous slices, ParallelCollectionRDD\'s positions', (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer(), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (records, p) => {
      const engine = parallelSlices(records, p);
      const model = contiguousSlices(records, p);
      if (JSON.stringify(engine) !== JSON.stringify(model)) throw new Error(`engine ${JSON.stringify(engine)} model ${JSON.stringify(model)}`);
      if (JSON.stringify(engine.flat()) !== JSON.stringify(records)) throw new Error('slices do not concatenate to the batch');
      engine.forEach((s, i) => {
        if (s.length !== Math.floor(((i + 1) * records.length) / p) - Math.floor((i * records.length) / p)) throw new Error(`slice ${i} has ${s.length} records`);
      });
    }),
  );
  t.pass();
});

const program = (operations: object[]) => ({
  format: 'streamcheck-program',
  version: 1,
  batchIntervalMs: 1000,
  inputs: [{ name: 'in', type: 'int' }],
  operations,
});

test('property: glom, mapPartitions and repartition after element-wise operations and union: engine equals model', (t) => {
  const chain = fc.constantFrom<object[]>(
    [{ id: 'a', op: 'map', from: 'in', fn: { name: 'add', arg: 1 } }, { id: 'x', op: 'glom', from: 'a' }],
    [{ id: 'a', op: 'filter', from: 'in', fn: 'is-even' }, { id: 'x', op: 'mapPartitions', from: 'a', fn: 'partition-sum' }],
    [{ id: 'a', op: 'flatMap', from: 'in', fn: 'duplicate' }, { id: 'b', op: 'union', from: ['a', 'in'] }, { id: 'x', op: 'glom', from: 'b' }],
    [{ id: 'a', op: 'repartition', from: 'in', partitions: 3 }, { id: 'b', op: 'mapPartitions', from: 'a', fn: 'partition-max' }, { id: 'x', op: 'glom', from: 'b' }],
    [{ id: 'a', op: 'countByValue', from: 'in' }, { id: 'x', op: 'glom', from: 'a' }],
    [{ id: 'a', op: 'glom', from: 'in' }, { id: 'b', op: 'repartition', from: 'a', partitions: 4 }, { id: 'x', op: 'glom', from: 'b' }],
  );
  fc.assert(
    fc.property(chain, fc.array(fc.array(fc.integer({ min: -9, max: 20 }), { maxLength: 9 }), { minLength: 1, maxLength: 5 }), (ops, batches) => {
      const p = validateProgram(program([...ops, { id: 'out', op: 'output', from: 'x' }]));
      const input = inputFromBatches(1000, { in: batches });
      const engine = runInMemory(p, input);
      const model = expectedOutputs(p, input);
      if (JSON.stringify(engine) !== JSON.stringify(model)) throw new Error(`engine ${JSON.stringify(engine)}\nmodel ${JSON.stringify(model)}`);
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('glom of an input batch: two contiguous halves in arrival order, empty halves included', (t) => {
  const p = validateProgram(program([{ id: 'x', op: 'glom', from: 'in' }, { id: 'out', op: 'output', from: 'x' }]));
  const input = inputFromBatches(1000, { in: [[5, 1, 4], [], [9]] });
  // Slices [5] and [1, 4], then [] and [], then [] and [9]; outputs list records in canonical order.
  const expected: Value[][] = [[[1, 4], [5]], [[], []], [[9], []]];
  t.deepEqual(runInMemory(p, input).map((o) => o.records), expected);
  t.deepEqual(expectedOutputs(p, input).map((o) => o.records), expected);
});
