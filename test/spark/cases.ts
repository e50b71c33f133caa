// Example tests from Apache Spark's own streaming suites, transcribed into data so that the engine
// and the independent model are both checked against the outputs Spark's authors expected. Each case
// cites the Spark test it comes from (repo apache/spark, streaming/src/test/...); where Spark's user
// function is not in our registry, the closest registry function is used and the expected output is
// recomputed by hand from the Spark test's definition, as the case's note says.
//
// Time, as in Spark's TestSuiteBase under a ManualClock: batch i (0-based) is the batch at
// (i + 1) x 1000 ms, and testOperation runs `expected.length x slide / batch` batches; input past
// the end of Spark's list is an empty batch, so those batches are written out as [] here.
// Spark compares most outputs as sets; ours are lists in canonical order (sorted by canonical JSON
// text, a string comparison: 10 sorts before 9), so every expected list below is written that way.

import { sortCanonical, type Value } from '../../reference/program/value.js';

export interface SparkCase {
  /** The Spark test's name, as ScalaTest / JUnit prints it. */
  name: string;
  /** Suite file and test, so a reader can open the original. */
  cite: string;
  /** How the transcription departs from Spark's test, if it does. */
  note?: string;
  /** Program JSON (format "streamcheck-program" v1, batch 1000 ms, one output op "out"). */
  program: unknown;
  /** Per input stream, the records of each batch. */
  batches: Record<string, Value[][]>;
  /** The records of "out" at each time it fires, in time order. */
  expected: Value[][];
}

const W = 'WindowOperationsSuite.scala';
const B = 'BasicOperationsSuite.scala';
const M = 'MapWithStateSuite.scala';
const J = 'JavaAPISuite.java';

/** A program with the given inputs and operations, whose output "out" reads stream `from`. */
function program(inputs: Record<string, 'string' | 'int' | 'pair' | 'json'>, operations: object[], from: string): unknown {
  return {
    format: 'streamcheck-program',
    version: 1,
    batchIntervalMs: 1000,
    inputs: Object.entries(inputs).map(([name, type]) => ({ name, type })),
    operations: [...operations, { id: 'out', op: 'output', from }],
  };
}

/** Spark's `Seq((k, v), ...)` with string keys and int values. */
const kv = (...pairs: [string, Value][]): Value[] => pairs;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// ---- WindowOperationsSuite: shared inputs and outputs ----

const largerSlideInput: Value[][] = [
  kv(['a', 1]), kv(['a', 2]), kv(['a', 3]), kv(['a', 4]), kv(['a', 5]), kv(['a', 6]), [], [],
];
const largerSlideReduceOutput: Value[][] = [kv(['a', 3]), kv(['a', 10]), kv(['a', 18]), kv(['a', 11])];

const bigInput: Value[][] = [
  kv(['a', 1]),
  kv(['a', 1], ['b', 1]),
  kv(['a', 1], ['b', 1], ['c', 1]),
  kv(['a', 1], ['b', 1]),
  kv(['a', 1]),
  [],
  kv(['a', 1]),
  kv(['a', 1], ['b', 1]),
  kv(['a', 1], ['b', 1], ['c', 1]),
  kv(['a', 1], ['b', 1]),
  kv(['a', 1]),
  [],
];
const bigGroupByOutput: Value[][] = [
  kv(['a', [1]]),
  kv(['a', [1, 1]], ['b', [1]]),
  kv(['a', [1, 1]], ['b', [1, 1]], ['c', [1]]),
  kv(['a', [1, 1]], ['b', [1, 1]], ['c', [1]]),
  kv(['a', [1, 1]], ['b', [1]]),
  kv(['a', [1]]),
  kv(['a', [1]]),
  kv(['a', [1, 1]], ['b', [1]]),
  kv(['a', [1, 1]], ['b', [1, 1]], ['c', [1]]),
  kv(['a', [1, 1]], ['b', [1, 1]], ['c', [1]]),
  kv(['a', [1, 1]], ['b', [1]]),
  kv(['a', [1]]),
];
const bigReduceOutput: Value[][] = [
  kv(['a', 1]),
  kv(['a', 2], ['b', 1]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 1]),
  kv(['a', 1]),
  kv(['a', 1]),
  kv(['a', 2], ['b', 1]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 1]),
  kv(['a', 1]),
];
/** With an inverse and no filter, keys stay at 0 after leaving the window (Spark's own comment). */
const bigReduceInvOutput: Value[][] = [
  kv(['a', 1]),
  kv(['a', 2], ['b', 1]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 1], ['c', 0]),
  kv(['a', 1], ['b', 0], ['c', 0]),
  kv(['a', 1], ['b', 0], ['c', 0]),
  kv(['a', 2], ['b', 1], ['c', 0]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 2], ['c', 1]),
  kv(['a', 2], ['b', 1], ['c', 0]),
  kv(['a', 1], ['b', 0], ['c', 0]),
];

const windowInput: Value[][] = [[0], [1], [2], [3], [4], [5]];

function windowCase(name: string, expected: Value[][], windowMs = 2000, slideMs = 1000, batches = windowInput): SparkCase {
  return {
    name: `window - ${name}`,
    cite: `${W}: testWindow("${name}")`,
    program: program({ in: 'int' }, [{ id: 'w', op: 'window', from: 'in', windowMs, slideMs }], 'w'),
    batches: { in: batches },
    expected,
  };
}

type ReduceVariant = 'naive' | 'inverse' | 'filtered';

function reduceByKeyAndWindowCase(variant: ReduceVariant, name: string, batches: Value[][], expected: Value[][], windowMs = 2000, slideMs = 1000): SparkCase {
  const prefix = { naive: 'reduceByKeyAndWindow', inverse: 'reduceByKeyAndWindow with inverse function', filtered: 'reduceByKeyAndWindow with inverse and filter functions' }[variant];
  const helper = { naive: 'testReduceByKeyAndWindow', inverse: 'testReduceByKeyAndWindowWithInverse', filtered: 'testReduceByKeyAndWindowWithFilteredInverse' }[variant];
  const op: Record<string, unknown> = { id: 'r', op: 'reduceByKeyAndWindow', from: 'in', fn: 'sum', windowMs, slideMs };
  if (variant !== 'naive') {
    op.inverseFn = 'subtract';
    // Spark's `.checkpoint(Seconds(100))`: "Large value to avoid effect of RDD checkpointing".
    op.checkpointIntervalMs = 100_000;
  }
  if (variant === 'filtered') op.filterFn = 'value-nonzero'; // Spark: (p: (String, Int)) => p._2 != 0
  return {
    name: `${prefix} - ${name}`,
    cite: `${W}: ${helper}("${name}")`,
    program: program({ in: 'pair' }, [op], 'r'),
    batches: { in: batches },
    expected,
  };
}

const reduceByKeyAndWindowCases = (variant: 'naive' | 'inverse'): SparkCase[] => [
  reduceByKeyAndWindowCase(variant, 'basic reduction', [kv(['a', 1], ['a', 3])], [kv(['a', 4])]),
  reduceByKeyAndWindowCase(variant, 'key already in window and new value added into window', [kv(['a', 1]), kv(['a', 1])], [kv(['a', 1]), kv(['a', 2])]),
  reduceByKeyAndWindowCase(variant, 'new key added into window', [kv(['a', 1]), kv(['a', 1], ['b', 1])], [kv(['a', 1]), kv(['a', 2], ['b', 1])]),
  reduceByKeyAndWindowCase(
    variant,
    'key removed from window',
    [kv(['a', 1]), kv(['a', 1]), [], []],
    // The naive form drops the key once no value is left; with an inverse it stays at ("a", 0).
    variant === 'naive' ? [kv(['a', 1]), kv(['a', 2]), kv(['a', 1]), []] : [kv(['a', 1]), kv(['a', 2]), kv(['a', 1]), kv(['a', 0])],
  ),
  reduceByKeyAndWindowCase(variant, 'larger slide time', largerSlideInput, largerSlideReduceOutput, 4000, 2000),
  reduceByKeyAndWindowCase(variant, 'big test', bigInput, variant === 'naive' ? bigReduceOutput : bigReduceInvOutput),
];

const windowCases: SparkCase[] = [
  windowCase('basic window', [[0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]),
  windowCase('tumbling window', [[0, 1], [2, 3], [4, 5]], 2000, 2000),
  // 4 outputs x slide 2 s = 8 batches; Spark's input has 6, the last two are empty.
  windowCase('larger window', [[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]], 4000, 2000, [...windowInput, [], []]),
  windowCase('non-overlapping window', [[1, 2], [4, 5]], 2000, 3000),
  ...reduceByKeyAndWindowCases('naive'),
  ...reduceByKeyAndWindowCases('inverse'),
  reduceByKeyAndWindowCase('filtered', 'big test', bigInput, bigReduceOutput),
  {
    name: 'groupByKeyAndWindow',
    cite: `${W}: test("groupByKeyAndWindow")`,
    note: 'Spark compares the grouped values as sets (x._2.toSet), so Seq(1, 1) becomes Set(1); our groupByKeyAndWindow keeps every value, sorted, so the expected lists are bigGroupByOutput before its toSet.',
    program: program({ in: 'pair' }, [{ id: 'g', op: 'groupByKeyAndWindow', from: 'in', windowMs: 2000, slideMs: 1000 }], 'g'),
    batches: { in: bigInput },
    expected: bigGroupByOutput,
  },
  {
    name: 'countByWindow',
    cite: `${W}: test("countByWindow")`,
    program: program({ in: 'int' }, [{ id: 'c', op: 'countByWindow', from: 'in', windowMs: 2000, slideMs: 1000 }], 'c'),
    batches: { in: [[1], [1], [1, 2], [0], [], []] },
    expected: [[1], [2], [3], [3], [1], [0]],
  },
  {
    name: 'countByValueAndWindow',
    cite: `${W}: test("countByValueAndWindow")`,
    program: program({ in: 'string' }, [{ id: 'c', op: 'countByValueAndWindow', from: 'in', windowMs: 2000, slideMs: 1000 }], 'c'),
    batches: { in: [['a'], ['b', 'b'], ['a', 'b']] },
    expected: [kv(['a', 1]), kv(['a', 1], ['b', 2]), kv(['a', 1], ['b', 3])],
  },
  {
    name: 'testReduceByWindow',
    cite: `${J}: testReduceByWindow() (streaming/src/test/java/.../JavaAPISuite.java; WindowOperationsSuite has no reduceByWindow test)`,
    note: 'JavaTestUtils.runStreams(ssc, 4, 4) runs 4 batches over 3 input batches, so the 4th batch is empty; Spark compares these lists exactly.',
    program: program({ in: 'int' }, [{ id: 'r', op: 'reduceByWindow', from: 'in', fn: 'sum', inverseFn: 'subtract', windowMs: 2000, slideMs: 1000 }], 'r'),
    batches: { in: [[1, 2, 3], [4, 5, 6], [7, 8, 9], []] },
    expected: [[6], [21], [39], [24]],
  },
];

// ---- BasicOperationsSuite ----

const intInput: Value[][] = [range(1, 4), range(5, 8), range(9, 12)];
const wordInput: Value[][] = [['a', 'a', 'b'], ['', ''], []];
/** The two inputs of Spark's join tests. */
const joinInput1: Value[][] = [['a', 'b'], ['a', ''], [''], []];
const joinInput2: Value[][] = [['a', 'b'], ['b', ''], [], ['']];
const constX = 'Spark pairs the second stream with the constant "x" (s2.map(x => (x, "x"))); the registry has no constant function, so both sides use pair-with-one and every "x" in the expected output is 1.';

function joinCase(name: string, op: 'join' | 'leftOuterJoin' | 'rightOuterJoin' | 'fullOuterJoin' | 'cogroup', batches: Record<string, Value[][]>, expected: Value[][], cite = `${B}: test("${name}")`, extraNote = ''): SparkCase {
  return {
    name,
    cite,
    note: `${constX} Scala's None is null and Some(v) is v.${extraNote}`,
    program: program(
      { in1: 'string', in2: 'string' },
      [
        { id: 'p1', op: 'map', from: 'in1', fn: 'pair-with-one' },
        { id: 'p2', op: 'map', from: 'in2', fn: 'pair-with-one' },
        { id: 'j', op, from: 'p1', with: 'p2' },
      ],
      'j',
    ),
    batches,
    expected,
  };
}

const joinExpected: Value[][] = [kv(['a', [1, 1]], ['b', [1, 1]]), kv(['', [1, 1]]), [], []];
const mapToStringExpected: Value[][] = [['1', '2', '3', '4'], ['5', '6', '7', '8'], ['10', '11', '12', '9']];
const unionOfThreeExpected: Value[][] = [[1, 10, 11, 12, 2, 3, 4, 5, 6, 7, 8, 9], range(101, 112), range(201, 212)];
const unionOfThreeOps = [
  { id: 'plus4', op: 'map', from: 'in', fn: { name: 'add', arg: 4 } },
  { id: 'plus8', op: 'map', from: 'in', fn: { name: 'add', arg: 8 } },
  { id: 'u', op: 'union', from: ['in', 'plus4', 'plus8'] },
];

const basicCases: SparkCase[] = [
  {
    name: 'map',
    cite: `${B}: test("map")`,
    note: 'Spark maps with _.toString; registry function to-string gives the same strings for integers.',
    program: program({ in: 'int' }, [{ id: 'm', op: 'map', from: 'in', fn: 'to-string' }], 'm'),
    batches: { in: intInput },
    expected: mapToStringExpected,
  },
  {
    name: 'flatMap',
    cite: `${B}: test("flatMap")`,
    note: 'Spark flatMaps x => Seq(x, x * 2); the registry has no doubling, so the closest function, duplicate (x => Seq(x, x)), is used and the expected output recomputed: each x twice.',
    program: program({ in: 'int' }, [{ id: 'f', op: 'flatMap', from: 'in', fn: 'duplicate' }], 'f'),
    batches: { in: intInput },
    expected: [[1, 1, 2, 2, 3, 3, 4, 4], [5, 5, 6, 6, 7, 7, 8, 8], [10, 10, 11, 11, 12, 12, 9, 9]],
  },
  {
    name: 'filter',
    cite: `${B}: test("filter")`,
    program: program({ in: 'int' }, [{ id: 'f', op: 'filter', from: 'in', fn: 'is-even' }], 'f'),
    batches: { in: intInput },
    expected: [[2, 4], [6, 8], [10, 12]],
  },
  {
    name: 'groupByKey',
    cite: `${B}: test("groupByKey")`,
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 'g', op: 'groupByKey', from: 'p' },
    ], 'g'),
    batches: { in: wordInput },
    expected: [kv(['a', [1, 1]], ['b', [1]]), kv(['', [1, 1]]), []],
  },
  {
    name: 'reduceByKey',
    cite: `${B}: test("reduceByKey")`,
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 'r', op: 'reduceByKey', from: 'p', fn: 'sum' },
    ], 'r'),
    batches: { in: wordInput },
    expected: [kv(['a', 2], ['b', 1]), kv(['', 2]), []],
  },
  {
    name: 'reduce',
    cite: `${B}: test("reduce")`,
    program: program({ in: 'int' }, [{ id: 'r', op: 'reduce', from: 'in', fn: 'sum' }], 'r'),
    batches: { in: intInput },
    expected: [[10], [26], [42]],
  },
  {
    name: 'count',
    cite: `${B}: test("count")`,
    program: program({ in: 'int' }, [{ id: 'c', op: 'count', from: 'in' }], 'c'),
    batches: { in: [[], range(1, 1), range(1, 2), range(1, 3), range(1, 4)] },
    expected: [[0], [1], [2], [3], [4]],
  },
  {
    name: 'countByValue',
    cite: `${B}: test("countByValue")`,
    program: program({ in: 'int' }, [{ id: 'c', op: 'countByValue', from: 'in' }], 'c'),
    batches: { in: [[1], [1, 1, 1], [1, 2], [1, 1, 2, 2]] },
    expected: [[[1, 1]], [[1, 3]], [[1, 1], [2, 1]], [[1, 2], [2, 2]]],
  },
  {
    name: 'mapValues',
    cite: `${B}: test("mapValues")`,
    note: 'Spark mapValues(_ + 10) is registry function add with arg 10.',
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 'r', op: 'reduceByKey', from: 'p', fn: 'sum' },
      { id: 'v', op: 'mapValues', from: 'r', fn: { name: 'add', arg: 10 } },
    ], 'v'),
    batches: { in: wordInput },
    expected: [kv(['a', 12], ['b', 11]), kv(['', 12]), []],
  },
  {
    name: 'flatMapValues',
    cite: `${B}: test("flatMapValues")`,
    note: 'Spark flatMapValues(x => Seq(x, x + 10)); the registry has no such function, so the closest, duplicate (x => Seq(x, x)), is used and the expected output recomputed: ("a", 2) twice instead of ("a", 2), ("a", 12). Spark compares as sets; our lists keep both copies.',
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 'r', op: 'reduceByKey', from: 'p', fn: 'sum' },
      { id: 'v', op: 'flatMapValues', from: 'r', fn: 'duplicate' },
    ], 'v'),
    batches: { in: wordInput },
    expected: [kv(['a', 2], ['a', 2], ['b', 1], ['b', 1]), kv(['', 2], ['', 2]), []],
  },
  {
    name: 'union',
    cite: `${B}: test("union")`,
    note: 'Spark s.map(_ + 4) is registry function add with arg 4.',
    program: program({ in: 'int' }, [
      { id: 'plus4', op: 'map', from: 'in', fn: { name: 'add', arg: 4 } },
      { id: 'u', op: 'union', from: ['in', 'plus4'] },
    ], 'u'),
    batches: { in: [range(1, 4), range(101, 104), range(201, 204)] },
    expected: [range(1, 8), range(101, 108), range(201, 208)],
  },
  {
    name: 'StreamingContext.union',
    cite: `${B}: test("StreamingContext.union")`,
    program: program({ in: 'int' }, unionOfThreeOps, 'u'),
    batches: { in: [range(1, 4), range(101, 104), range(201, 204)] },
    expected: unionOfThreeExpected,
  },
  {
    name: 'transform',
    cite: `${B}: test("transform")`,
    note: 'The RDD function rdd.map(_.toString) is rdd function map with map function to-string.',
    program: program({ in: 'int' }, [{ id: 'm', op: 'transform', from: 'in', fn: { name: 'map', arg: 'to-string' } }], 'm'),
    batches: { in: intInput },
    expected: mapToStringExpected,
  },
  {
    name: 'StreamingContext.transform',
    cite: `${B}: test("StreamingContext.transform")`,
    note: 'rdds.head.context.union(rdds) is rdd function union over the three streams (op contextTransform).',
    program: program({ in: 'int' }, [...unionOfThreeOps.slice(0, 2), { id: 'u', op: 'contextTransform', from: ['in', 'plus4', 'plus8'], fn: 'union' }], 'u'),
    batches: { in: [range(1, 4), range(101, 104), range(201, 204)] },
    expected: unionOfThreeExpected,
  },
  {
    name: 'transformWith',
    cite: `${B}: test("transformWith")`,
    note: `${constX} The RDD function (rdd1, rdd2) => rdd1.join(rdd2) is rdd function join.`,
    program: program(
      { in1: 'string', in2: 'string' },
      [
        { id: 'p1', op: 'map', from: 'in1', fn: 'pair-with-one' },
        { id: 'p2', op: 'map', from: 'in2', fn: 'pair-with-one' },
        { id: 'j', op: 'transformWith', from: 'p1', with: 'p2', fn: 'join' },
      ],
      'j',
    ),
    batches: { in1: joinInput1, in2: joinInput2 },
    expected: joinExpected,
  },
  {
    name: 'glom',
    cite: `${B}: test("glom")`,
    note: 'numInputPartitions = 2: each batch of four is cut into two contiguous halves. Outputs are in canonical order, so [11,12] sorts before [9,10].',
    program: program({ in: 'int' }, [{ id: 'g', op: 'glom', from: 'in' }], 'g'),
    batches: { in: intInput },
    expected: [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[11, 12], [9, 10]]],
  },
  {
    name: 'mapPartitions',
    cite: `${B}: test("mapPartitions")`,
    note: 'mapPartitions(x => Iterator(x.sum)) is partition function partition-sum.',
    program: program({ in: 'int' }, [{ id: 'm', op: 'mapPartitions', from: 'in', fn: 'partition-sum' }], 'm'),
    batches: { in: intInput },
    expected: [[3, 7], [11, 15], [19, 23]],
  },
  {
    name: 'repartition (more partitions)',
    cite: `${B}: test("repartition (more partitions)")`,
    note: 'Spark asserts 5 partitions per batch (first.size === 5): here mapPartitions(partition-count) then count gives the number of partitions.',
    program: program({ in: 'int' }, [
      { id: 'r', op: 'repartition', from: 'in', partitions: 5 },
      { id: 'sizes', op: 'mapPartitions', from: 'r', fn: 'partition-count' },
      { id: 'n', op: 'count', from: 'sizes' },
    ], 'n'),
    batches: { in: [range(1, 100), range(101, 200), range(201, 300)] },
    expected: [[5], [5], [5]],
  },
  {
    name: 'repartition (more partitions) - records',
    cite: `${B}: test("repartition (more partitions)"): first.flatten.toSet.equals((1 to 100).toSet)`,
    program: program({ in: 'int' }, [{ id: 'r', op: 'repartition', from: 'in', partitions: 5 }], 'r'),
    batches: { in: [range(1, 100), range(101, 200), range(201, 300)] },
    expected: [sortCanonical(range(1, 100)), sortCanonical(range(101, 200)), sortCanonical(range(201, 300))],
  },
  {
    name: 'repartition (fewer partitions)',
    cite: `${B}: test("repartition (fewer partitions)")`,
    note: 'Spark sets up its input with 5 partitions; ours always has 2 (numInputPartitions), so this checks the 2 output partitions and their records, not the shrinking from 5.',
    program: program({ in: 'int' }, [
      { id: 'r', op: 'repartition', from: 'in', partitions: 2 },
      { id: 'sizes', op: 'mapPartitions', from: 'r', fn: 'partition-count' },
      { id: 'n', op: 'count', from: 'sizes' },
    ], 'n'),
    batches: { in: [range(1, 100), range(101, 200), range(201, 300)] },
    expected: [[2], [2], [2]],
  },
  {
    name: 'slice',
    cite: `${B}: test("slice"): getInputFromSlice(0, 1000) == Set(1), getInputFromSlice(1000, 2000) == Set(1, 2)`,
    note: 'Spark slices the input stream at fixed times after the run; op slice takes the same range relative to each batch time T: [T - 1000, T].',
    program: program({ in: 'int' }, [{ id: 's', op: 'slice', from: 'in', fromAgoMs: 1000, toAgoMs: 0 }], 's'),
    batches: { in: [[1], [2], [3], [4]] },
    expected: [[1], [1, 2], [2, 3], [3, 4]],
  },
  {
    name: 'slice - two seconds back',
    cite: `${B}: test("slice"): getInputFromSlice(0, 2000) == Set(1, 2), getInputFromSlice(2000, 4000) == Set(2, 3, 4)`,
    program: program({ in: 'int' }, [{ id: 's', op: 'slice', from: 'in', fromAgoMs: 2000, toAgoMs: 0 }], 's'),
    batches: { in: [[1], [2], [3], [4]] },
    expected: [[1], [1, 2], [1, 2, 3], [2, 3, 4]],
  },
  joinCase(
    'cogroup',
    'cogroup',
    { in1: [['a', 'a', 'b'], ['a', ''], [''], []], in2: [['a', 'a', 'b'], ['b', ''], [], []] },
    [
      kv(['a', [[1, 1], [1, 1]]], ['b', [[1], [1]]]),
      kv(['', [[1], [1]]], ['a', [[1], []]], ['b', [[], [1]]]),
      kv(['', [[1], []]]),
      [],
    ],
  ),
  joinCase('join', 'join', { in1: joinInput1, in2: joinInput2 }, joinExpected),
  joinCase('leftOuterJoin', 'leftOuterJoin', { in1: joinInput1, in2: joinInput2 }, [
    kv(['a', [1, 1]], ['b', [1, 1]]),
    kv(['', [1, 1]], ['a', [1, null]]),
    kv(['', [1, null]]),
    [],
  ]),
  joinCase('rightOuterJoin', 'rightOuterJoin', { in1: joinInput1, in2: joinInput2 }, [
    kv(['a', [1, 1]], ['b', [1, 1]]),
    kv(['', [1, 1]], ['b', [null, 1]]),
    [],
    kv(['', [null, 1]]),
  ]),
  joinCase('fullOuterJoin', 'fullOuterJoin', { in1: joinInput1, in2: joinInput2 }, [
    kv(['a', [1, 1]], ['b', [1, 1]]),
    kv(['', [1, 1]], ['a', [1, null]], ['b', [null, 1]]),
    kv(['', [1, null]]),
    kv(['', [null, 1]]),
  ]),
  {
    name: 'updateStateByKey',
    cite: `${B}: test("updateStateByKey")`,
    note: 'Spark updateFunc Some(values.sum + state.getOrElse(0)) is registry update function running-sum.',
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 's', op: 'updateStateByKey', from: 'p', fn: 'running-sum' },
    ], 's'),
    batches: { in: [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []] },
    expected: [
      kv(['a', 1]),
      kv(['a', 2], ['b', 1]),
      kv(['a', 3], ['b', 2], ['c', 1]),
      kv(['a', 4], ['b', 3], ['c', 1]),
      kv(['a', 5], ['b', 3], ['c', 1]),
      kv(['a', 5], ['b', 3], ['c', 1]),
    ],
  },
  {
    name: 'updateStateByKey - object lifecycle',
    cite: `${B}: test("updateStateByKey - object lifecycle")`,
    note:
      'Spark\'s StateObject(counter, expireCounter) is dropped when seen twice in a row without values: registry function session with arg 2, ' +
      'whose state is [events, idleBatches]; Spark\'s mapValues(_.counter) is mapValues(element 0). ' +
      'Spark\'s null batches (the input stream returns None) are empty batches here: StateDStream then applies updateFunc to every key with no values, the same as for an empty RDD.',
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 's', op: 'updateStateByKey', from: 'p', fn: { name: 'session', arg: 2 } },
      { id: 'c', op: 'mapValues', from: 's', fn: { name: 'element', arg: 0 } },
    ], 'c'),
    batches: { in: [['a', 'b'], [], ['a', 'c', 'a'], ['c'], [], []] },
    expected: [kv(['a', 1], ['b', 1]), kv(['a', 1], ['b', 1]), kv(['a', 3], ['c', 1]), kv(['a', 3], ['c', 2]), kv(['c', 2]), []],
  },
  {
    name: 'updateStateByKey - simple with initial value RDD',
    cite: `${B}: test("updateStateByKey - simple with initial value RDD")`,
    note: 'initialRDD = makeRDD(Seq(("a", 1), ("c", 2))) is the operation\'s initialState; updateFunc is running-sum.',
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 's', op: 'updateStateByKey', from: 'p', fn: 'running-sum', initialState: [['a', 1], ['c', 2]] },
    ], 's'),
    batches: { in: [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []] },
    expected: [
      kv(['a', 2], ['c', 2]),
      kv(['a', 3], ['b', 1], ['c', 2]),
      kv(['a', 4], ['b', 2], ['c', 3]),
      kv(['a', 5], ['b', 3], ['c', 3]),
      kv(['a', 6], ['b', 3], ['c', 3]),
      kv(['a', 6], ['b', 3], ['c', 3]),
    ],
  },
  {
    name: 'updateStateByKey - testing time stamps as input',
    cite: `${B}: test("updateStateByKey - testing time stamps as input")`,
    note: 'The time-aware updateFunc (time.milliseconds + state when there are values, else the state) is update function add-batch-time; initialRDD Seq(("a", 0L), ("c", 0L)) is the initialState.',
    program: program({ in: 'string' }, [
      { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
      { id: 's', op: 'updateStateByKey', from: 'p', fn: 'add-batch-time', initialState: [['a', 0], ['c', 0]] },
    ], 's'),
    batches: { in: [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []] },
    expected: [
      kv(['a', 1000], ['c', 0]),
      kv(['a', 3000], ['b', 2000], ['c', 0]),
      kv(['a', 6000], ['b', 5000], ['c', 3000]),
      kv(['a', 10000], ['b', 9000], ['c', 3000]),
      kv(['a', 15000], ['b', 9000], ['c', 3000]),
      kv(['a', 15000], ['b', 9000], ['c', 3000]),
    ],
  },
];

// ---- MapWithStateSuite ----

const stateInput: Value[][] = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];
const stateData: Value[][] = [
  [],
  kv(['a', 1]),
  kv(['a', 2], ['b', 1]),
  kv(['a', 3], ['b', 2], ['c', 1]),
  kv(['a', 4], ['b', 3], ['c', 1]),
  kv(['a', 5], ['b', 3], ['c', 1]),
  kv(['a', 5], ['b', 3], ['c', 1]),
];
/** Spark's getOperationOutput: inputStream.map(x => (x, 1)).mapWithState(spec). */
const withState = (fn: unknown, extra: object[] = [], from = 'st', timeoutMs?: number): unknown =>
  program({ in: 'string' }, [
    { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
    { id: 'st', op: 'mapWithState', from: 'p', fn, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
    ...extra,
  ], from);
const snapshots = [{ id: 'snap', op: 'stateSnapshots', from: 'st' }];

const removingInput: Value[][] = [[], ['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b'], ['a'], []];
/** "state timing out": Spark runs 20 batches (getOperationOutput(..., 20)) of this 26-batch input. */
const timingOutInput: Value[][] = [['a', 'b', 'c'], ['a', 'b'], ['a'], [], [], ['a'], ...Array.from({ length: 14 }, () => ['a'])];
const timingOutNote =
  'Spark\'s mapping function emits the key only when it times out and keeps state 1; the closest registry function is running-sum ' +
  '(emits [key, sum], and [key, {"timedOut": sum}] when timing out), so the expected output is recomputed by hand. Spark only asserts that b and c ' +
  'time out once each, that some snapshot holds a, b and c, and that the last holds only a. Timeouts are processed when the state is ' +
  'checkpointed (default 10 x batch = 10 s): at 10 000 ms, b (last data 2000 ms) and c (1000 ms) are older than 10 000 - 3000 ms and time out; a had data at 10 000 ms.';

/** "initial states, with nothing returned as from mapping function". */
const initialStates: Value[] = kv(['a', 5], ['b', 10], ['c', -20], ['d', 0]);
const withInitialState = (extra: object[], from: string): unknown =>
  program({ in: 'string' }, [
    { id: 'p', op: 'map', from: 'in', fn: 'pair-with-one' },
    { id: 'st', op: 'mapWithState', from: 'p', fn: 'silent-sum', initialState: initialStates },
    ...extra,
  ], from);
const silentSumNote = 'Spark\'s mapping function (state.update(value + state), returning None) is registry function silent-sum; StateSpec.initialState(Seq(("a", 5), ("b", 10), ("c", -20), ("d", 0))) is the operation\'s initialState.';

const mapWithStateCases: SparkCase[] = [
  {
    name: 'mapWithState - initial states, with nothing returned as from mapping function',
    cite: `${M}: test("mapWithState - initial states, with nothing returned as from mapping function"), outputData`,
    note: silentSumNote,
    program: withInitialState([], 'st'),
    batches: { in: stateInput },
    expected: [[], [], [], [], [], [], []],
  },
  {
    name: 'mapWithState - initial states, with nothing returned as from mapping function (state snapshots)',
    cite: `${M}: test("mapWithState - initial states, with nothing returned as from mapping function"), stateData`,
    note: silentSumNote,
    program: withInitialState(snapshots, 'snap'),
    batches: { in: stateInput },
    expected: [
      kv(['a', 5], ['b', 10], ['c', -20], ['d', 0]),
      kv(['a', 6], ['b', 10], ['c', -20], ['d', 0]),
      kv(['a', 7], ['b', 11], ['c', -20], ['d', 0]),
      kv(['a', 8], ['b', 12], ['c', -19], ['d', 0]),
      kv(['a', 9], ['b', 13], ['c', -19], ['d', 0]),
      kv(['a', 10], ['b', 13], ['c', -19], ['d', 0]),
      kv(['a', 10], ['b', 13], ['c', -19], ['d', 0]),
    ],
  },
  {
    name: 'mapWithState - basic operations with simple API',
    cite: `${M}: test("mapWithState - basic operations with simple API")`,
    note: 'Spark\'s function returns the running sum; registry function running-sum emits [key, sum], so a map with value follows to keep only the sum.',
    program: withState('running-sum', [{ id: 'v', op: 'map', from: 'st', fn: 'value' }], 'v'),
    batches: { in: stateInput },
    expected: [[], [1], [1, 2], [1, 2, 3], [3, 4], [5], []],
  },
  {
    name: 'mapWithState - basic operations with simple API (state snapshots)',
    cite: `${M}: test("mapWithState - basic operations with simple API"), stateData`,
    program: withState('running-sum', snapshots, 'snap'),
    batches: { in: stateInput },
    expected: stateData,
  },
  {
    name: 'mapWithState - states as mapped data',
    cite: `${M}: test("mapWithState - states as mapped data")`,
    note: 'Spark\'s function emits Some((key, sum)): registry function running-sum.',
    program: withState('running-sum'),
    batches: { in: stateInput },
    expected: [[], kv(['a', 1]), kv(['a', 2], ['b', 1]), kv(['a', 3], ['b', 2], ['c', 1]), kv(['a', 4], ['b', 3]), kv(['a', 5]), []],
  },
  {
    name: 'mapWithState - state removing',
    cite: `${M}: test("mapWithState - state removing")`,
    note:
      'Spark\'s function stores the value when there is no state and emits nothing, and removes an existing state emitting the key. ' +
      'Closest registry function: count-to with arg 2, which emits [key, 1] on the first value and [key, "done"] (removing the state) on the second; ' +
      'the ["k", "done"] records are exactly Spark\'s removed keys, the ["k", 1] records are extra.',
    program: withState({ name: 'count-to', arg: 2 }),
    batches: { in: removingInput },
    expected: [
      [],
      kv(['a', 1]),
      kv(['a', 'done'], ['b', 1]),
      kv(['a', 1], ['b', 'done'], ['c', 1]),
      kv(['a', 'done'], ['b', 1], ['c', 'done']),
      kv(['a', 1], ['b', 'done']),
      kv(['a', 'done']),
      [],
    ],
  },
  {
    name: 'mapWithState - state removing (state snapshots)',
    cite: `${M}: test("mapWithState - state removing"), stateData`,
    note: 'Registry function count-to with arg 2 holds state 1 after the first value and removes the key on the second, as Spark\'s function does.',
    program: withState({ name: 'count-to', arg: 2 }, snapshots, 'snap'),
    batches: { in: removingInput },
    expected: [[], kv(['a', 1]), kv(['b', 1]), kv(['a', 1], ['c', 1]), kv(['b', 1]), kv(['a', 1]), [], []],
  },
  {
    name: 'mapWithState - state timing out',
    cite: `${M}: test("mapWithState - state timing out")`,
    note: timingOutNote,
    program: withState('running-sum', [], 'st', 3000),
    batches: { in: timingOutInput },
    expected: [
      kv(['a', 1], ['b', 1], ['c', 1]),
      kv(['a', 2], ['b', 2]),
      kv(['a', 3]),
      [],
      [],
      kv(['a', 4]),
      kv(['a', 5]),
      kv(['a', 6]),
      kv(['a', 7]),
      kv(['a', 8], ['b', { timedOut: 2 }], ['c', { timedOut: 1 }]),
      ...range(9, 18).map((n) => kv(['a', n])),
    ],
  },
  {
    name: 'mapWithState - state timing out (state snapshots)',
    cite: `${M}: test("mapWithState - state timing out"), collectedStateSnapshots`,
    note: timingOutNote,
    program: withState('running-sum', snapshots, 'snap', 3000),
    batches: { in: timingOutInput },
    expected: [
      kv(['a', 1], ['b', 1], ['c', 1]),
      kv(['a', 2], ['b', 2], ['c', 1]),
      kv(['a', 3], ['b', 2], ['c', 1]),
      kv(['a', 3], ['b', 2], ['c', 1]),
      kv(['a', 3], ['b', 2], ['c', 1]),
      kv(['a', 4], ['b', 2], ['c', 1]),
      kv(['a', 5], ['b', 2], ['c', 1]),
      kv(['a', 6], ['b', 2], ['c', 1]),
      kv(['a', 7], ['b', 2], ['c', 1]),
      ...range(8, 18).map((n) => kv(['a', n])),
    ],
  },
];

export const sparkCases: SparkCase[] = [...windowCases, ...basicCases, ...mapWithStateCases];
