// Hand-computed examples for the independent model (scenarios/model): each test states a small
// program and input, and the outputs worked out on paper from SEMANTICS.md and Spark's sources.
// A few fast-check properties then tie the model's Spark-style recurrences to closed forms.

import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { validateProgram, type ValidProgram } from '../reference/program/validate.js';
import type { Value } from '../reference/program/value.js';
import type { BatchOutput } from '../reference/sink/batch-output.js';
import { dataCheckpointIntervalMs } from '../scenarios/model/data-checkpoint-interval.js';
import { expectedOutputs } from '../scenarios/model/expected-outputs.js';
import { ModelError } from '../scenarios/model/model-error.js';
import { inputFromBatches } from './helpers/input-from-batches.js';

type InputType = 'string' | 'int' | 'pair' | 'json';

function program(inputs: Record<string, InputType>, operations: object[], batchIntervalMs = 1000): ValidProgram {
  return validateProgram({
    format: 'streamcheck-program',
    version: 1,
    batchIntervalMs,
    inputs: Object.entries(inputs).map(([name, type]) => ({ name, type })),
    operations,
  });
}

/** Output id -> [batch time, records] in time order. */
function byOutput(outputs: readonly BatchOutput[]): Record<string, [number, Value[]][]> {
  const out: Record<string, [number, Value[]][]> = {};
  for (const o of outputs) (out[o.output] ??= []).push([o.batchTimeMs, o.records]);
  return out;
}

function run(p: ValidProgram, batches: Record<string, Value[][]>): Record<string, [number, Value[]][]> {
  return byOutput(expectedOutputs(p, inputFromBatches(p.batchIntervalMs, batches)));
}

test('input batches: (T - batch, T], the first batch also takes arrival 0, nothing after endTimeMs', (t) => {
  const p = program({ in: 'int' }, [{ id: 'out', op: 'output', from: 'in' }]);
  const outputs = expectedOutputs(p, {
    format: 'streamcheck-input',
    version: 1,
    endTimeMs: 2500,
    streams: { in: [0, 1000, 1001, 2000, 2001, 3000].map((arrivalMs, offset) => ({ offset, arrivalMs, value: arrivalMs })) },
  });
  t.deepEqual(outputs, [
    { output: 'out', batchTimeMs: 1000, records: [0, 1000] },
    { output: 'out', batchTimeMs: 2000, records: [1001, 2000] },
  ]);
});

test('word count: flatMap, map, reduceByKey; an empty batch commits an empty output', (t) => {
  const p = program({ lines: 'string' }, [
    { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
    { id: 'ones', op: 'map', from: 'words', fn: 'pair-with-one' },
    { id: 'counts', op: 'reduceByKey', from: 'ones', fn: 'sum' },
    { id: 'out', op: 'output', from: 'counts' },
  ]);
  t.deepEqual(run(p, { lines: [['a b a', 'c'], [], ['b']] }), {
    out: [
      [1000, [['a', 2], ['b', 1], ['c', 1]]],
      [2000, []],
      [3000, [['b', 1]]],
    ],
  });
});

test('count emits 0 on an empty batch; reduce emits nothing', (t) => {
  const p = program({ in: 'int' }, [
    { id: 'n', op: 'count', from: 'in' },
    { id: 's', op: 'reduce', from: 'in', fn: 'sum' },
    { id: 'count', op: 'output', from: 'n' },
    { id: 'sum', op: 'output', from: 's' },
  ]);
  t.deepEqual(run(p, { in: [[1, 2], [], [5]] }), {
    count: [[1000, [2]], [2000, [0]], [3000, [1]]],
    sum: [[1000, [3]], [2000, []], [3000, [5]]],
  });
});

// SPARK-SEMANTICS.md section 7 (T/WindowOperationsSuite): input i at batch i, batch 1000 ms.
const windowInput = { in: [[0], [1], [2], [3], [4], [5], [], []] };

test('window W=2,S=1: [0],[0,1],[1,2],...', (t) => {
  const p = program({ in: 'int' }, [
    { id: 'w', op: 'window', from: 'in', windowMs: 2000 },
    { id: 'out', op: 'output', from: 'w' },
  ]);
  t.deepEqual(run(p, windowInput).out, [
    [1000, [0]], [2000, [0, 1]], [3000, [1, 2]], [4000, [2, 3]],
    [5000, [3, 4]], [6000, [4, 5]], [7000, [5]], [8000, []],
  ]);
});

test('window W=4,S=2: [0,1],[0..3],[2..5],[4,5]', (t) => {
  const p = program({ in: 'int' }, [
    { id: 'w', op: 'window', from: 'in', windowMs: 4000, slideMs: 2000 },
    { id: 'out', op: 'output', from: 'w' },
  ]);
  t.deepEqual(run(p, windowInput).out, [[2000, [0, 1]], [4000, [0, 1, 2, 3]], [6000, [2, 3, 4, 5]], [8000, [4, 5]]]);
});

test('window W=2,S=3: [1,2],[4,5]', (t) => {
  const p = program({ in: 'int' }, [
    { id: 'w', op: 'window', from: 'in', windowMs: 2000, slideMs: 3000 },
    { id: 'out', op: 'output', from: 'w' },
  ]);
  t.deepEqual(run(p, windowInput).out, [[3000, [1, 2]], [6000, [4, 5]]]);
});

test('a map on a window slides with the window; a window of a window takes the inner windows\' results', (t) => {
  const p = program({ in: 'int' }, [
    { id: 'w', op: 'window', from: 'in', windowMs: 2000, slideMs: 2000 },
    { id: 'm', op: 'map', from: 'w', fn: { name: 'add', arg: 10 } },
    { id: 'ww', op: 'window', from: 'm', windowMs: 4000 },
    { id: 'out', op: 'output', from: 'ww' },
  ]);
  // m at 2000: [10, 11]; at 4000: [12, 13]; at 6000: [14, 15]; ww (W=4, ps=2) takes m at T-2000 and T.
  t.deepEqual(run(p, { in: [[0], [1], [2], [3], [4], [5]] }).out, [
    [2000, [10, 11]],
    [4000, [10, 11, 12, 13]],
    [6000, [12, 13, 14, 15]],
  ]);
});

// T/WindowOperationsSuite "reduceByKeyAndWindow - key removed from window" (with and without inverse).
test('reduceByKeyAndWindow with an inverse keeps ("a", 0); without one the key leaves', (t) => {
  const p = program({ in: 'string' }, [
    { id: 'ones', op: 'map', from: 'in', fn: 'pair-with-one' },
    { id: 'inv', op: 'reduceByKeyAndWindow', from: 'ones', fn: 'sum', inverseFn: 'subtract', windowMs: 2000 },
    { id: 'naive', op: 'reduceByKeyAndWindow', from: 'ones', fn: 'sum', windowMs: 2000 },
    { id: 'withInverse', op: 'output', from: 'inv' },
    { id: 'withoutInverse', op: 'output', from: 'naive' },
  ]);
  t.deepEqual(run(p, { in: [['a'], ['a'], [], []] }), {
    withInverse: [[1000, [['a', 1]]], [2000, [['a', 2]]], [3000, [['a', 1]]], [4000, [['a', 0]]]],
    withoutInverse: [[1000, [['a', 1]]], [2000, [['a', 2]]], [3000, [['a', 1]]], [4000, []]],
  });
});

test('countByValueAndWindow drops a count once it falls to 0 (filter v != 0)', (t) => {
  const p = program({ in: 'string' }, [
    { id: 'c', op: 'countByValueAndWindow', from: 'in', windowMs: 2000, slideMs: 1000 },
    { id: 'out', op: 'output', from: 'c' },
  ]);
  t.deepEqual(run(p, { in: [['a', 'b'], ['a'], [], ['a']] }).out, [
    [1000, [['a', 1], ['b', 1]]],
    [2000, [['a', 2], ['b', 1]]],
    [3000, [['a', 1]]],
    [4000, [['a', 1]]],
  ]);
});

test('countByWindow emits nothing before the first element, then one record per slide, 0 for an empty window', (t) => {
  const p = program({ in: 'string' }, [
    { id: 'c', op: 'countByWindow', from: 'in', windowMs: 2000, slideMs: 1000 },
    { id: 'out', op: 'output', from: 'c' },
  ]);
  t.deepEqual(run(p, { in: [[], [], ['x', 'y'], [], [], []] }).out, [
    [1000, []], [2000, []], [3000, [2]], [4000, [2]], [5000, [0]], [6000, [0]],
  ]);
});

test('reduceByWindow with and without an inverse', (t) => {
  const p = program({ in: 'int' }, [
    { id: 'inv', op: 'reduceByWindow', from: 'in', fn: 'sum', inverseFn: 'subtract', windowMs: 2000, slideMs: 1000 },
    { id: 'naive', op: 'reduceByWindow', from: 'in', fn: 'sum', windowMs: 2000, slideMs: 1000 },
    { id: 'withInverse', op: 'output', from: 'inv' },
    { id: 'withoutInverse', op: 'output', from: 'naive' },
  ]);
  t.deepEqual(run(p, { in: [[], [3, 4], [], [], [1]] }), {
    withInverse: [[1000, []], [2000, [7]], [3000, [7]], [4000, [0]], [5000, [1]]],
    withoutInverse: [[1000, []], [2000, [7]], [3000, [7]], [4000, []], [5000, [1]]],
  });
});

// ReducedWindowedDStream.compute: a key the filter dropped re-enters with only its *new* values, and
// from then on the previous output value is carried (inverse of leaving batches, plus entering
// ones), even when that means subtracting a value that was never added. SEMANTICS.md's closed form
// ("f over k's values in the window") would say 6 at 3000 and 5 at 4000; Spark says 5 and 4.
test('reduceByKeyAndWindow with a filter follows Spark\'s recurrence on the previous output', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'r', op: 'reduceByKeyAndWindow', from: 'in', fn: 'sum', inverseFn: 'subtract', filterFn: { name: 'value-gt', arg: 1 }, windowMs: 3000 },
    { id: 'out', op: 'output', from: 'r' },
  ]);
  t.deepEqual(run(p, { in: [[['a', 1]], [['a', 5]], [], [], []] }).out, [
    [1000, []], [2000, [['a', 5]]], [3000, [['a', 5]]], [4000, [['a', 4]]], [5000, []],
  ]);
});

// ReducedWindowedDStream with S > W: the "new" slice is (T - S, T], wider than the window, and the
// "old" slice overlaps it, so a value from outside the window enters and never leaves. SEMANTICS.md's
// closed form would give ("a", 1) at 3000 (it agrees there) but ("a", 0) at 6000; Spark keeps 1.
test('reduceByKeyAndWindow with an inverse and S > W follows Spark\'s slices', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'r', op: 'reduceByKeyAndWindow', from: 'in', fn: 'sum', inverseFn: 'subtract', windowMs: 2000, slideMs: 3000 },
    { id: 'naive', op: 'reduceByKeyAndWindow', from: 'in', fn: 'sum', windowMs: 2000, slideMs: 3000 },
    { id: 'withInverse', op: 'output', from: 'r' },
    { id: 'withoutInverse', op: 'output', from: 'naive' },
  ]);
  t.deepEqual(run(p, { in: [[['a', 1]], [], [], [], [], []] }), {
    withInverse: [[3000, [['a', 1]]], [6000, [['a', 1]]]],
    withoutInverse: [[3000, []], [6000, []]],
  });
});

// Spark's rule computes f(zero, new) when a key that fell to its zero gets values again. For sum
// that is exact; for concat the zero "" is the multiset {""} (functions.ts splits "" into one empty
// token), so the result carries an extra empty token: ",ac", where the closed form says "ac".
test('reduceByKeyAndWindow concat/remove-tokens: the zero is the empty multiset, so a key re-entering starts clean', (t) => {
  const p = program({ in: 'string' }, [
    { id: 'k', op: 'map', from: 'in', fn: 'key-by-first-char' },
    { id: 'r', op: 'reduceByKeyAndWindow', from: 'k', fn: 'concat', inverseFn: 'remove-tokens', windowMs: 2000 },
    { id: 'out', op: 'output', from: 'r' },
  ]);
  t.deepEqual(run(p, { in: [['ab'], [], [], ['ac']] }).out, [
    [1000, [['a', 'ab']]], [2000, [['a', 'ab']]], [3000, [['a', '']]], [4000, [['a', 'ac']]],
  ]);
});

test('reduceByKeyAndWindow throws Spark\'s error for a key with values leaving and none entering, absent before', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'r', op: 'reduceByKeyAndWindow', from: 'in', fn: 'sum', inverseFn: 'subtract', filterFn: { name: 'value-gt', arg: 1 }, windowMs: 2000 },
    { id: 'out', op: 'output', from: 'r' },
  ]);
  // At 1000 ("a", 1) is filtered out; at 3000 batch 1000 leaves the window and nothing for "a" enters.
  const error = t.throws(() => run(p, { in: [[['a', 1]], [], []] }), { instanceOf: ModelError });
  t.regex(error!.message, /^Neither previous window has value for key, nor new values found/);
  t.regex(error!.message, /3000 ms/);
});

test('groupByKeyAndWindow groups the window\'s values, sorted canonically', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'g', op: 'groupByKeyAndWindow', from: 'in', windowMs: 2000 },
    { id: 'out', op: 'output', from: 'g' },
  ]);
  t.deepEqual(run(p, { in: [[['a', 9], ['b', 1]], [['a', 10]], []] }).out, [
    [1000, [['a', [9]], ['b', [1]]]],
    [2000, [['a', [10, 9]], ['b', [1]]]],
    [3000, [['a', [10]]]],
  ]);
});

test('updateStateByKey: the whole state every batch; a key is removed when fn returns none', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 's', op: 'updateStateByKey', from: 'in', fn: 'sum-until-empty' },
    { id: 'r', op: 'updateStateByKey', from: 'in', fn: 'running-sum' },
    { id: 'untilEmpty', op: 'output', from: 's' },
    { id: 'runningSum', op: 'output', from: 'r' },
  ]);
  t.deepEqual(run(p, { in: [[['a', 1], ['b', 2]], [['a', 3]], [], [['b', 1]]] }), {
    runningSum: [
      [1000, [['a', 1], ['b', 2]]],
      [2000, [['a', 4], ['b', 2]]],
      [3000, [['a', 4], ['b', 2]]],
      [4000, [['a', 4], ['b', 3]]],
    ],
    untilEmpty: [
      [1000, [['a', 1], ['b', 2]]],
      [2000, [['a', 4]]],
      [3000, []],
      [4000, [['b', 1]]],
    ],
  });
});

test('updateStateByKey on a windowed stream updates only at the window\'s slide', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'w', op: 'window', from: 'in', windowMs: 2000, slideMs: 2000 },
    { id: 's', op: 'updateStateByKey', from: 'w', fn: 'running-count' },
    { id: 'out', op: 'output', from: 's' },
  ]);
  t.deepEqual(run(p, { in: [[['a', 1]], [['a', 1]], [['b', 1]], []] }).out, [
    [2000, [['a', 2]]],
    [4000, [['a', 2], ['b', 1]]],
  ]);
});

test('join and outer joins put null for a missing side; cogroup lists both sides', (t) => {
  const joins = ['join', 'leftOuterJoin', 'rightOuterJoin', 'fullOuterJoin', 'cogroup'];
  const p = program({ l: 'pair', r: 'pair' }, [
    ...joins.map((op) => ({ id: `j-${op}`, op, from: 'l', with: 'r' })),
    ...joins.map((op) => ({ id: op, op: 'output', from: `j-${op}` })),
  ]);
  const out = run(p, {
    l: [[['a', 1], ['b', 2]], [['a', 2], ['a', 1]]],
    r: [[['a', 10], ['c', 30]], [['a', 5]]],
  });
  t.deepEqual(out, {
    join: [[1000, [['a', [1, 10]]]], [2000, [['a', [1, 5]], ['a', [2, 5]]]]],
    leftOuterJoin: [[1000, [['a', [1, 10]], ['b', [2, null]]]], [2000, [['a', [1, 5]], ['a', [2, 5]]]]],
    rightOuterJoin: [[1000, [['a', [1, 10]], ['c', [null, 30]]]], [2000, [['a', [1, 5]], ['a', [2, 5]]]]],
    fullOuterJoin: [[1000, [['a', [1, 10]], ['b', [2, null]], ['c', [null, 30]]]], [2000, [['a', [1, 5]], ['a', [2, 5]]]]],
    cogroup: [[1000, [['a', [[1], [10]]], ['b', [[2], []]], ['c', [[], [30]]]]], [2000, [['a', [[1, 2], [5]]]]]],
  });
});

test('union concatenates; countByValue counts distinct values', (t) => {
  const p = program({ x: 'string', y: 'string' }, [
    { id: 'u', op: 'union', from: ['x', 'y'] },
    { id: 'c', op: 'countByValue', from: 'u' },
    { id: 'union', op: 'output', from: 'u' },
    { id: 'counts', op: 'output', from: 'c' },
  ]);
  t.deepEqual(run(p, { x: [['a', 'b']], y: [['a']] }), {
    counts: [[1000, [['a', 2], ['b', 1]]]],
    union: [[1000, ['a', 'a', 'b']]],
  });
});

test('mapWithState: timeouts are processed only at data-checkpoint times', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'm', op: 'mapWithState', from: 'in', fn: 'running-sum', timeoutMs: 2000, checkpointIntervalMs: 4000 },
    { id: 'snap', op: 'stateSnapshots', from: 'm' },
    { id: 'mapped', op: 'output', from: 'm' },
    { id: 'snapshots', op: 'output', from: 'snap' },
  ]);
  const out = run(p, { in: [[['a', 1]], [['b', 2]], [], [], [], [], [], []] });
  // At 4000 the threshold is 2000: "a" (last updated 1000) times out, "b" (2000) does not. At 8000
  // the threshold is 6000 and "b" goes. Between checkpoints nothing times out, however old.
  t.deepEqual(out.mapped, [
    [1000, [['a', 1]]], [2000, [['b', 2]]], [3000, []], [4000, [['a', { timedOut: 1 }]]],
    [5000, []], [6000, []], [7000, []], [8000, [['b', { timedOut: 2 }]]],
  ]);
  t.deepEqual(out.snapshots, [
    [1000, [['a', 1]]], [2000, [['a', 1], ['b', 2]]], [3000, [['a', 1], ['b', 2]]], [4000, [['b', 2]]],
    [5000, [['b', 2]]], [6000, [['b', 2]]], [7000, [['b', 2]]], [8000, []],
  ]);
});

test('mapWithState: the default checkpoint interval is 10 x the slide; data refreshes the update time', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'm', op: 'mapWithState', from: 'in', fn: 'running-sum', timeoutMs: 1000 },
    { id: 'out', op: 'output', from: 'm' },
  ]);
  const batches: Value[][] = Array.from({ length: 12 }, () => []);
  batches[0] = [['a', 1]];
  batches[1] = [['b', 1]];
  batches[8] = [['b', 1]]; // at 9000: b = 2, last updated 9000, so not before 10000 - 1000
  const out = run(p, { in: batches }).out!;
  t.deepEqual(out.filter(([, records]) => records.length > 0), [
    [1000, [['a', 1]]], [2000, [['b', 1]]], [9000, [['b', 2]]], [10000, [['a', { timedOut: 1 }]]],
  ]);
});

test('mapWithState count-to removes its state; several records of one key see each other\'s updates', (t) => {
  const p = program({ in: 'pair' }, [
    { id: 'm', op: 'mapWithState', from: 'in', fn: { name: 'count-to', arg: 3 } },
    { id: 'snap', op: 'stateSnapshots', from: 'm' },
    { id: 'mapped', op: 'output', from: 'm' },
    { id: 'snapshots', op: 'output', from: 'snap' },
  ]);
  t.deepEqual(run(p, { in: [[['a', 1], ['a', 2]], [['a', 3], ['b', 1]], [['a', 4]]] }), {
    mapped: [[1000, [['a', 1], ['a', 2]]], [2000, [['a', 'done'], ['b', 1]]], [3000, [['a', 1]]]],
    snapshots: [[1000, [['a', 2]]], [2000, [['b', 1]]], [3000, [['a', 1], ['b', 1]]]],
  });
});

test('data-checkpoint intervals: 10 x slide for mapWithState, else the smallest multiple of the slide >= 10 s', (t) => {
  const interval = (batchIntervalMs: number, op: object) => {
    const p = program({ in: 'pair' }, [{ id: 's', from: 'in', ...op }, { id: 'out', op: 'output', from: 's' }], batchIntervalMs);
    return dataCheckpointIntervalMs(p.streams.get('s')!);
  };
  t.is(interval(500, { op: 'updateStateByKey', fn: 'running-sum' }), 10_000);
  t.is(interval(3000, { op: 'updateStateByKey', fn: 'running-sum' }), 12_000);
  t.is(interval(15_000, { op: 'updateStateByKey', fn: 'running-sum' }), 15_000);
  t.is(interval(1000, { op: 'reduceByKeyAndWindow', fn: 'sum', inverseFn: 'subtract', windowMs: 6000, slideMs: 3000 }), 12_000);
  t.is(interval(100, { op: 'mapWithState', fn: 'running-sum' }), 1000);
  t.is(interval(1000, { op: 'mapWithState', fn: 'running-sum', checkpointIntervalMs: 3000 }), 3000);
  t.is(interval(1000, { op: 'reduceByKeyAndWindow', fn: 'sum', windowMs: 2000 }), undefined);
});

// Properties: the Spark recurrences in the model agree with closed forms where they must.
const intBatches = fc.array(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }), { minLength: 1, maxLength: 12 });
const windowAndSlide = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .filter(([w, s]) => s <= w)
  .map(([w, s]) => ({ windowMs: w * 1000, slideMs: s * 1000 }));

test('property: with S <= W, reduceByKeyAndWindow with an inverse = the naive one plus zeros; countByValueAndWindow = window + countByValue', (t) => {
  fc.assert(
    fc.property(intBatches, windowAndSlide, (batches, ws) => {
      const p = program({ in: 'int' }, [
        { id: 'k', op: 'map', from: 'in', fn: { name: 'key-by-mod', arg: 3 } },
        { id: 'inv', op: 'reduceByKeyAndWindow', from: 'k', fn: 'sum', inverseFn: 'subtract', ...ws },
        { id: 'naive', op: 'reduceByKeyAndWindow', from: 'k', fn: 'sum', ...ws },
        { id: 'cbv', op: 'countByValueAndWindow', from: 'in', ...ws },
        { id: 'w', op: 'window', from: 'in', ...ws },
        { id: 'cv', op: 'countByValue', from: 'w' },
        { id: 'cw', op: 'countByWindow', from: 'in', ...ws },
        { id: 'wc', op: 'count', from: 'w' },
        ...['inv', 'naive', 'cbv', 'cv', 'cw', 'wc'].map((id) => ({ id: `o-${id}`, op: 'output', from: id })),
      ]);
      const out = run(p, { in: batches });
      const at = (id: string) => out[`o-${id}`] ?? [];
      const nonZero = (rs: [number, Value[]][]) => rs.map(([time, records]) => [time, records.filter((r) => (r as [Value, number])[1] !== 0)]);
      assert.deepEqual(nonZero(at('inv')), at('naive'));
      assert.deepEqual(at('cbv'), at('cv'));
      // countByWindow = count of the window, except that it is silent until the first element.
      const first = at('wc').findIndex(([, [n]]) => n !== 0);
      assert.deepEqual(at('cw'), at('wc').map(([time, records], i) => [time, first < 0 || i < first ? [] : records]));
    }),
  );
  t.pass();
});
