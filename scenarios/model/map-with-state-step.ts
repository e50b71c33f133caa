// One batch of mapWithState, transcribed from Spark's MapWithStateRDDRecord.updateRecordWithData
// (streaming/src/main/scala/org/apache/spark/streaming/rdd/MapWithStateRDD.scala): the mapping
// function runs on every record of the batch, then, only on a full-scan (checkpointed) batch, on
// every key whose state was last updated strictly before T - timeout, which is then removed.

import type { StateMappingFn } from '../../reference/program/functions.js';
import { canonical, compareValues, describeValue, type Value } from '../../reference/program/value.js';
import { ModelError } from './model-error.js';

export interface KeyedState {
  key: Value;
  state: Value;
  /** Batch time of the last `put` (StateMap's updateTime). */
  updatedAtMs: number;
}

/** Canonical key text -> state. */
export type StateMap = Map<string, KeyedState>;

export interface MapWithStateBatch {
  state: StateMap;
  /** Everything the mapping function emitted in this batch. */
  emitted: Value[];
}

export interface MapWithStateStepArgs {
  fn: StateMappingFn;
  previous: StateMap;
  /** The parent's records [k, v] at T, in the order the function sees them (canonical). */
  data: readonly Value[];
  timeMs: number;
  timeoutMs: number | undefined;
  /** MapWithStateRDD.doFullScan: set by checkpoint(), i.e. T is a data-checkpoint time. */
  fullScan: boolean;
  /** Names the stream and time in error messages. */
  what: string;
}

export function mapWithStateStep(args: MapWithStateStepArgs): MapWithStateBatch {
  const { fn, data, timeMs, timeoutMs, fullScan, what } = args;
  const state: StateMap = new Map(args.previous);
  const emitted: Value[] = [];

  for (const record of data) {
    if (!Array.isArray(record) || record.length !== 2) {
      throw new ModelError(`${what}: mapWithState expected a pair [key, value], received ${describeValue(record)}`);
    }
    const [key, value] = record as [Value, Value];
    const k = canonical(key);
    const before = state.get(k);
    const result = fn(key, value, before?.state, false, timeMs);
    if (result.state === 'remove') {
      state.delete(k);
    } else if (result.state !== 'keep') {
      state.set(k, { key, state: result.state, updatedAtMs: timeMs });
    } else if (before !== undefined && timeoutMs !== undefined) {
      // `wrappedState.exists && timeoutThresholdTime.isDefined`: with a timeout, touching a key
      // refreshes its update time even when the function leaves the state as it was.
      state.set(k, { ...before, updatedAtMs: timeMs });
    }
    if (result.emit !== undefined) emitted.push(result.emit);
  }

  if (fullScan && timeoutMs !== undefined) {
    const threshold = timeMs - timeoutMs;
    const timingOut = [...state.values()].filter((s) => s.updatedAtMs < threshold).sort((a, b) => compareValues(a.key, b.key));
    for (const s of timingOut) {
      const result = fn(s.key, undefined, s.state, true, timeMs);
      // StateImpl.update/remove `require(!timingOut, ...)`: a timing-out state cannot be changed.
      if (result.state !== 'keep') {
        throw new ModelError(`${what}: Cannot ${result.state === 'remove' ? 'remove' : 'update'} the state that is timing out (key ${describeValue(s.key)})`);
      }
      if (result.emit !== undefined) emitted.push(result.emit);
      state.delete(canonical(s.key));
    }
  }
  return { state, emitted };
}
