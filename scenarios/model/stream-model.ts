// The independent model: what every stream of a program holds at a batch time, written from the
// definitions (reference/SEMANTICS.md, checked against Spark's DStream sources) and sharing no code
// with the engine's operators. A stream's result at T is a function of its parents' results (and,
// for stateful streams, of its own history), memoised per (stream, time) so the recursion stays
// polynomial; plain and obviously right rather than fast. Partition-dependent operations (glom,
// mapPartitions, repartition) read their parents' results as partitions (partitionsAt), derived
// from the same results by SEMANTICS.md's partitioning rules.

import { resolveFn, type FilterFn, type ReduceFn } from '../../reference/program/functions.js';
import type { Operation } from '../../reference/program/schema.js';
import type { StreamInfo, ValidProgram } from '../../reference/program/validate.js';
import { canonical, describeValue, sortCanonical, type Value } from '../../reference/program/value.js';
import type { InputLog } from '../../reference/source/input-log.js';
import { dataCheckpointIntervalMs } from './data-checkpoint-interval.js';
import { groupByKey } from './group-by-key.js';
import { inputBatch } from './input-batch.js';
import { joinByKey } from './join-by-key.js';
import { mapWithStateStep, type MapWithStateBatch, type StateMap } from './map-with-state-step.js';
import { contiguousSlices } from './contiguous-slices.js';
import { sparkRepartition } from './spark-repartition.js';
import { ModelError } from './model-error.js';

type OpOf<K extends Operation['op']> = Extract<Operation, { op: K }>;

/** The value of one key in a keyed result. */
interface KeyedValue {
  key: Value;
  value: Value;
}

/** What a ReducedWindowedDStream needs: Spark builds countByWindow, reduceByWindow with an inverse
 *  and countByValueAndWindow from it by mapping the parent to pairs first. */
interface ReducedWindowSpec {
  /** The stream id the result is memoised under. */
  id: string;
  /** The parent's records at t, already mapped to pairs [k, v]. */
  keyedParentAt: (t: number) => Value[];
  parentSlideMs: number;
  windowMs: number;
  slideMs: number;
  fn: ReduceFn;
  inverseFn: ReduceFn;
  filterFn: FilterFn | undefined;
}

export class StreamModel {
  private readonly results = new Map<string, Value[] | undefined>();
  private readonly reducedWindows = new Map<string, Map<string, KeyedValue>>();
  private readonly mapWithStateBatches = new Map<string, MapWithStateBatch>();

  constructor(
    private readonly program: ValidProgram,
    private readonly input: InputLog,
  ) {}

  /** The stream's records at time t, or undefined when the stream produces nothing at t (Spark's
   *  `None`: t <= zeroTime = 0, or t not a multiple of the stream's slide — DStream.isTimeValid). */
  resultAt(id: string, t: number): Value[] | undefined {
    const memoKey = `${id}@${t}`;
    if (this.results.has(memoKey)) return this.results.get(memoKey);
    const info = this.stream(id);
    const result = t > 0 && t % info.slideMs === 0 ? this.compute(info, t) : undefined;
    this.results.set(memoKey, result);
    return result;
  }

  private stream(id: string): StreamInfo {
    const info = this.program.streams.get(id);
    if (info === undefined) throw new ModelError(`the program has no stream "${id}"`);
    return info;
  }

  /** A parent's result at a time where, by construction, it must have one. */
  private parentAt(id: string, t: number): Value[] {
    const result = this.resultAt(id, t);
    if (result === undefined) throw new ModelError(`model bug: stream "${id}" has no result at ${t} ms, which a child needs`);
    return result;
  }

  private compute(info: StreamInfo, t: number): Value[] {
    const op = info.operation;
    if (op === undefined) return inputBatch(this.input, info.id, t, this.program.batchIntervalMs);
    const what = `stream "${op.id}" (${op.op}) at ${t} ms`;
    switch (op.op) {
      case 'map': {
        const f = resolveFn('map', op.fn);
        return this.parentAt(op.from, t).map((x) => f(x));
      }
      case 'flatMap': {
        const f = resolveFn('flatMap', op.fn);
        return this.parentAt(op.from, t).flatMap((x) => f(x));
      }
      case 'filter': {
        const f = resolveFn('filter', op.fn);
        return this.parentAt(op.from, t).filter((x) => f(x));
      }
      case 'mapValues': {
        const f = resolveFn('map', op.fn);
        return pairs(this.parentAt(op.from, t), what).map(([k, v]) => [k, f(v)]);
      }
      case 'flatMapValues': {
        const f = resolveFn('flatMap', op.fn);
        return pairs(this.parentAt(op.from, t), what).flatMap(([k, v]) => f(v).map((w): Value => [k, w]));
      }
      case 'union':
        return op.from.flatMap((p) => this.parentAt(p, t));
      case 'count':
        // DStream.count unions a (null, 0L) before reducing, so an empty batch counts 0.
        return [this.parentAt(op.from, t).length];
      case 'reduce': {
        // DStream.reduce = map((null, _)).reduceByKey(f).map(_._2): nothing for an empty batch.
        const r = reduceAll(resolveFn('reduce', op.fn), this.parentAt(op.from, t));
        return r === undefined ? [] : [r];
      }
      case 'countByValue':
        // DStream.countByValue = map((_, 1L)).reduceByKey(_ + _).
        return [...groupByKey(this.parentAt(op.from, t).map((x): Value => [x, 1]), what).values()].map((g) => [g.key, g.values.length]);
      case 'reduceByKey':
        return reduceByKey(resolveFn('reduce', op.fn), this.parentAt(op.from, t), what);
      case 'groupByKey':
        return [...groupByKey(this.parentAt(op.from, t), what).values()].map((g) => [g.key, g.values]);
      case 'join':
      case 'leftOuterJoin':
      case 'rightOuterJoin':
      case 'fullOuterJoin':
      case 'cogroup':
        return joinByKey(op.op, this.parentAt(op.from, t), this.parentAt(op.with, t), what);
      case 'window':
        return this.window(op.from, op.windowMs, t);
      case 'groupByKeyAndWindow':
        return [...groupByKey(this.window(op.from, op.windowMs, t), what).values()].map((g) => [g.key, g.values]);
      case 'reduceByKeyAndWindow':
        return this.reduceByKeyAndWindow(info, op, t, what);
      case 'reduceByWindow':
        return this.reduceByWindow(info, op, t);
      case 'countByWindow':
        // DStream.countByWindow = map(_ => 1L).reduceByWindow(_ + _, _ - _, W, S), and
        // reduceByWindow with an inverse = map((1, _)).reduceByKeyAndWindow(f, inv, W, S).map(_._2).
        return [
          ...this.reducedWindowAt(
            {
              id: op.id,
              keyedParentAt: (u) => this.parentAt(op.from, u).map((): Value => [1, 1]),
              parentSlideMs: this.stream(op.from).slideMs,
              windowMs: op.windowMs,
              slideMs: info.slideMs,
              fn: resolveFn('reduce', 'sum'),
              inverseFn: resolveFn('inverse', 'subtract'),
              filterFn: undefined,
            },
            t,
          ).values(),
        ].map((e) => e.value);
      case 'countByValueAndWindow':
        // DStream.countByValueAndWindow = map((_, 1L)).reduceByKeyAndWindow(
        // _ + _, _ - _, W, S, numPartitions, (x: (T, Long)) => x._2 != 0L).
        return [
          ...this.reducedWindowAt(
            {
              id: op.id,
              keyedParentAt: (u) => this.parentAt(op.from, u).map((x): Value => [x, 1]),
              parentSlideMs: this.stream(op.from).slideMs,
              windowMs: op.windowMs,
              slideMs: info.slideMs,
              fn: resolveFn('reduce', 'sum'),
              inverseFn: resolveFn('inverse', 'subtract'),
              filterFn: resolveFn('filter', 'value-nonzero'),
            },
            t,
          ).values(),
        ].map((e) => [e.key, e.value]);
      case 'updateStateByKey':
        return [...this.updateStateAt(info, op, t).values()].map((e) => [e.key, e.value]);
      case 'mapWithState':
        return this.mapWithStateAt(info, op, t).emitted;
      case 'stateSnapshots': {
        // MapWithStateDStreamImpl.stateSnapshots: every (k, s) of the state map after the batch.
        const parent = this.stream(op.from);
        if (parent.operation?.op !== 'mapWithState') throw new ModelError(`${what}: its parent "${op.from}" is not a mapWithState stream`);
        return [...this.mapWithStateAt(parent, parent.operation, t).state.values()].map((s) => [s.key, s.state]);
      }
      case 'output':
        return this.parentAt(op.from, t);
      case 'transform':
        // TransformedDStream: the function over the parents' RDDs at t (DStream.transform).
        return resolveFn('rdd', op.fn)([this.parentAt(op.from, t)]);
      case 'transformWith':
        return resolveFn('rdd', op.fn)([this.parentAt(op.from, t), this.parentAt(op.with, t)]);
      case 'contextTransform':
        return resolveFn('rdd', op.fn)(op.from.map((p) => this.parentAt(p, t)));
      case 'glom':
      case 'mapPartitions':
      case 'repartition':
        return this.partitionsAt(op.id, t).flat(1);
      case 'slice': {
        // DStream.slice(t - fromAgo, t - toAgo): the parent's RDDs at those times, both ends included.
        const ps = this.stream(op.from).slideMs;
        return timesBetween(t - op.fromAgoMs, t - op.toAgoMs, ps).flatMap((u) => this.parentAt(op.from, u));
      }
      default: {
        const never: never = op;
        throw new ModelError(`unknown operation ${describeValue(never)}`);
      }
    }
  }

  /**
   * The stream's result at t as partitions (SEMANTICS.md "Partitions"): an input's records in
   * arrival order cut into 2 contiguous slices (TestSuiteBase's numInputPartitions, makeRDD);
   * map, flatMap, filter, mapValues, flatMapValues work partition by partition; union puts its
   * parents' partitions one after another; glom makes each partition one record; mapPartitions
   * applies its function to each partition; repartition redistributes as RDD.coalesce(n, shuffle);
   * every other stream is its records in canonical order cut into 2 contiguous slices.
   */
  private partitionsAt(id: string, t: number): Value[][] {
    const info = this.stream(id);
    const op = info.operation;
    if (op === undefined) return contiguousSlices(this.parentAt(id, t), 2);
    const perRecord = (f: (x: Value) => Value[]) => this.partitionsAt(op.from as string, t).map((p) => p.flatMap(f));
    switch (op.op) {
      case 'map': {
        const f = resolveFn('map', op.fn);
        return perRecord((x) => [f(x)]);
      }
      case 'flatMap':
        return perRecord(resolveFn('flatMap', op.fn));
      case 'filter': {
        const f = resolveFn('filter', op.fn);
        return perRecord((x) => (f(x) ? [x] : []));
      }
      case 'mapValues': {
        const f = resolveFn('map', op.fn);
        return perRecord((x) => pairs([x], `stream "${id}"`).map(([k, v]) => [k, f(v)]));
      }
      case 'flatMapValues': {
        const f = resolveFn('flatMap', op.fn);
        return perRecord((x) => pairs([x], `stream "${id}"`).flatMap(([k, v]) => f(v).map((w): Value => [k, w])));
      }
      case 'union':
        return op.from.flatMap((p) => this.partitionsAt(p, t));
      case 'glom':
        return this.partitionsAt(op.from, t).map((p) => [p]);
      case 'mapPartitions': {
        const f = resolveFn('partition', op.fn);
        return this.partitionsAt(op.from, t).map((p) => f(p));
      }
      case 'repartition':
        return sparkRepartition(this.partitionsAt(op.from, t), op.partitions);
      default:
        return contiguousSlices(sortCanonical(this.parentAt(id, t)), 2);
    }
  }

  /** Parent times in the window ending at t: t - W + ps, ..., t, skipping times <= zeroTime
   *  (WindowedDStream.compute: `parent.slice(currentWindow)`, currentWindow = [t - W + ps, t]). */
  private windowTimes(parentId: string, windowMs: number, t: number): number[] {
    const ps = this.stream(parentId).slideMs;
    return timesBetween(t - windowMs + ps, t, ps);
  }

  /** window(W, S) at t: literally the union of the parent's results over the window. */
  private window(parentId: string, windowMs: number, t: number): Value[] {
    return this.windowTimes(parentId, windowMs, t).flatMap((u) => this.parentAt(parentId, u));
  }

  private reduceByKeyAndWindow(info: StreamInfo, op: OpOf<'reduceByKeyAndWindow'>, t: number, what: string): Value[] {
    const fn = resolveFn('reduce', op.fn);
    if (op.inverseFn === undefined) {
      // PairDStreamFunctions: reduceByKey(f).window(W, S).reduceByKey(f).
      const perBatch = this.windowTimes(op.from, op.windowMs, t).flatMap((u) => reduceByKey(fn, this.parentAt(op.from, u), what));
      return reduceByKey(fn, perBatch, what);
    }
    const window = this.reducedWindowAt(
      {
        id: op.id,
        keyedParentAt: (u) => this.parentAt(op.from, u),
        parentSlideMs: this.stream(op.from).slideMs,
        windowMs: op.windowMs,
        slideMs: info.slideMs,
        fn,
        inverseFn: resolveFn('inverse', op.inverseFn),
        filterFn: op.filterFn === undefined ? undefined : resolveFn('filter', op.filterFn),
      },
      t,
    );
    return [...window.values()].map((e) => [e.key, e.value]);
  }

  private reduceByWindow(info: StreamInfo, op: OpOf<'reduceByWindow'>, t: number): Value[] {
    const fn = resolveFn('reduce', op.fn);
    if (op.inverseFn === undefined) {
      // DStream.reduceByWindow: reduce(f).window(W, S).reduce(f) — nothing for an empty window.
      const perBatch = this.windowTimes(op.from, op.windowMs, t).flatMap((u) => {
        const r = reduceAll(fn, this.parentAt(op.from, u));
        return r === undefined ? [] : [r];
      });
      const r = reduceAll(fn, perBatch);
      return r === undefined ? [] : [r];
    }
    // DStream.reduceByWindow with an inverse: map((1, _)).reduceByKeyAndWindow(f, inv, W, S).map(_._2).
    const window = this.reducedWindowAt(
      {
        id: op.id,
        keyedParentAt: (u) => this.parentAt(op.from, u).map((x): Value => [1, x]),
        parentSlideMs: this.stream(op.from).slideMs,
        windowMs: op.windowMs,
        slideMs: info.slideMs,
        fn,
        inverseFn: resolveFn('inverse', op.inverseFn),
        filterFn: undefined,
      },
      t,
    );
    return [...window.values()].map((e) => e.value);
  }

  /**
   * ReducedWindowedDStream at t (streaming/src/main/scala/org/apache/spark/streaming/dstream/
   * ReducedWindowedDStream.scala), per key, exactly as Spark's `mergeValues`:
   *   previous = this stream's own result at t - S (after the filter; empty when t - S <= 0),
   *   old      = the parent's per-batch reductions at t - S - W + ps, ..., t - W (batches leaving),
   *   new      = the parent's per-batch reductions at t - S + ps, ..., t       (batches entering);
   *   key in previous:      v = previous; if old: v = inv(v, reduce(old)); if new: v = f(v, reduce(new))
   *   key not in previous:  reduce(new), or Spark's exception when there are no new values;
   * then filterFn. With an exact inverse and S <= W and no filter that drops a key while it still has
   * values in the window, this equals SEMANTICS.md's per-key rule (f over the key's values in the
   * window, or the zero inv(v, v), for every key that was in the previous result). Where the two
   * differ (a filter that drops a key still in the window, S > W, concat's zero "" not being an
   * identity; see test/model.test.ts), Spark's rule is the specification, so it is the one used here.
   */
  private reducedWindowAt(spec: ReducedWindowSpec, t: number): Map<string, KeyedValue> {
    const memoKey = `${spec.id}@${t}`;
    const memo = this.reducedWindows.get(memoKey);
    if (memo !== undefined) return memo;

    const ps = spec.parentSlideMs;
    const what = `stream "${spec.id}" at ${t} ms`;
    const previous = t - spec.slideMs > 0 ? this.reducedWindowAt(spec, t - spec.slideMs) : new Map<string, KeyedValue>();
    const reducedBatch = (u: number): Map<string, KeyedValue> => {
      const out = new Map<string, KeyedValue>();
      for (const [k, g] of groupByKey(spec.keyedParentAt(u), what)) out.set(k, { key: g.key, value: reduceAll(spec.fn, g.values)! });
      return out;
    };
    const oldBatches = timesBetween(t - spec.slideMs - spec.windowMs + ps, t - spec.windowMs, ps).map(reducedBatch);
    const newBatches = timesBetween(t - spec.slideMs + ps, t, ps).map(reducedBatch);

    const keys = new Map<string, Value>();
    for (const m of [previous, ...oldBatches, ...newBatches]) for (const [k, e] of m) if (!keys.has(k)) keys.set(k, e.key);

    const result = new Map<string, KeyedValue>();
    for (const [k, key] of keys) {
      const oldValues = oldBatches.flatMap((m) => (m.has(k) ? [m.get(k)!.value] : []));
      const newValues = newBatches.flatMap((m) => (m.has(k) ? [m.get(k)!.value] : []));
      const prev = previous.get(k);
      let value: Value;
      if (prev === undefined) {
        if (newValues.length === 0) {
          throw new ModelError(`Neither previous window has value for key, nor new values found. (${what}, key ${describeValue(key)})`);
        }
        value = reduceInOrder(spec.fn, newValues);
      } else {
        value = prev.value;
        if (oldValues.length > 0) value = spec.inverseFn(value, reduceInOrder(spec.fn, oldValues));
        if (newValues.length > 0) value = spec.fn(value, reduceInOrder(spec.fn, newValues));
      }
      if (spec.filterFn === undefined || spec.filterFn([key, value])) result.set(k, { key, value });
    }
    this.reducedWindows.set(memoKey, result);
    return result;
  }

  /**
   * updateStateByKey at t: a fold over every batch so far (StateDStream.compute). At each valid time
   * u, every key in the previous state or in the batch gets fn(values of the key at u, sorted;
   * previous state or none); none removes the key. The first batch starts from no state.
   */
  private updateStateAt(info: StreamInfo, op: OpOf<'updateStateByKey'>, t: number): Map<string, KeyedValue> {
    const fn = resolveFn('update', op.fn);
    // StateDStream with an initialRDD: the first batch cogroups with it as if it were the previous state.
    let state = new Map<string, KeyedValue>((op.initialState ?? []).map(([key, value]) => [canonical(key as Value), { key: key as Value, value: value as Value }]));
    for (const u of timesBetween(info.slideMs, t, info.slideMs)) {
      const batch = groupByKey(this.parentAt(op.from, u), `stream "${op.id}" at ${u} ms`);
      const keys = new Map<string, Value>();
      for (const [k, e] of state) keys.set(k, e.key);
      for (const [k, g] of batch) if (!keys.has(k)) keys.set(k, g.key);
      const next = new Map<string, KeyedValue>();
      for (const [k, key] of keys) {
        const s = fn(batch.get(k)?.values ?? [], state.get(k)?.value, u);
        if (s !== undefined) next.set(k, { key, value: s });
      }
      state = next;
    }
    return state;
  }

  /** mapWithState at t: a fold of mapWithStateStep over every batch so far, where a batch is a full
   *  scan (timeouts processed) when it is data-checkpointed (DStream.getOrCompute calls
   *  rdd.checkpoint() when (u - zeroTime) is a multiple of the checkpoint interval). Only the
   *  mapWithState operation's own interval counts: Spark forwards it to the internal state stream,
   *  whereas a checkpoint on stateSnapshots (a plain flatMap of that stream) changes nothing. */
  private mapWithStateAt(info: StreamInfo, op: OpOf<'mapWithState'>, t: number): MapWithStateBatch {
    const memoKey = `${op.id}@${t}`;
    const memo = this.mapWithStateBatches.get(memoKey);
    if (memo !== undefined) return memo;
    const fn = resolveFn('stateMapping', op.fn);
    const interval = dataCheckpointIntervalMs(info)!;
    let batch: MapWithStateBatch | undefined;
    for (const u of timesBetween(info.slideMs, t, info.slideMs)) {
      // No previous state at the first batch: StateSpec.initialState, each key stamped with this
      // batch's time (MapWithStateRDD.createFromPairRDD(initialState, partitioner, validTime)).
      const initial: StateMap = new Map((op.initialState ?? []).map(([key, state]) => [canonical(key as Value), { key: key as Value, state: state as Value, updatedAtMs: u }]));
      batch = mapWithStateStep({
        fn,
        previous: batch === undefined ? initial : batch.state,
        data: sortCanonical(this.parentAt(op.from, u)),
        timeMs: u,
        timeoutMs: op.timeoutMs,
        fullScan: u % interval === 0,
        what: `stream "${op.id}" at ${u} ms`,
      });
    }
    const result = batch ?? { state: new Map(), emitted: [] };
    this.mapWithStateBatches.set(memoKey, result);
    return result;
  }
}

/** from, from + step, ..., to, keeping only times after zeroTime (DStream.slice skips the rest). */
function timesBetween(from: number, to: number, step: number): number[] {
  const times: number[] = [];
  for (let u = from; u <= to; u += step) if (u > 0) times.push(u);
  return times;
}

function pairs(records: Value[], what: string): [Value, Value][] {
  return records.map((r) => {
    if (!Array.isArray(r) || r.length !== 2) throw new ModelError(`${what}: expected a pair [key, value], received ${describeValue(r)}`);
    return r as [Value, Value];
  });
}

/** A reduction of values in canonical order (the functions are associative and commutative, so
 *  the order only fixes determinism), or undefined for no values. */
function reduceAll(fn: ReduceFn, values: readonly Value[]): Value | undefined {
  const sorted = sortCanonical(values);
  return sorted.length === 0 ? undefined : sorted.slice(1).reduce<Value>((a, b) => fn(a, b), sorted[0]!);
}

/** Spark's `Seq.reduce`: left to right in the order given (time order for window slices). */
function reduceInOrder(fn: ReduceFn, values: readonly Value[]): Value {
  return values.slice(1).reduce<Value>((a, b) => fn(a, b), values[0]!);
}

/** reduceByKey: [k, reduction of k's values]. */
function reduceByKey(fn: ReduceFn, records: readonly Value[], what: string): Value[] {
  return [...groupByKey(records, what).values()].map((g) => [g.key, reduceAll(fn, g.values)!]);
}
