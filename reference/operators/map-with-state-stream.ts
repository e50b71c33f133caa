// mapWithState (Spark's InternalMapWithStateDStream, MapWithStateRDD, MapWithStateDStreamImpl): per
// batch, the mapping function runs for each record of the batch; it emits mapped records and updates
// or removes its key's state. Timeouts are only processed when the state RDD is data-checkpointed
// (MapWithStateRDD.checkpoint() sets doFullScan), as in Spark. The default checkpoint interval is
// 10 x the batch interval (MapWithStateSuite "checkpoint durations"). StateSpec.initialState seeds
// the state map where there is no previous state RDD (the first batch), every key stamped with that
// batch's time (MapWithStateRDD.createFromPairRDD(initialState, partitioner, validTime)).

import { resolveFn, type FnRef } from '../program/functions.js';
import { compareValues, describeValue, sortCanonical, type Value } from '../program/value.js';
import { DStream, EngineError } from '../engine/dstream.js';
import { Rdd } from '../engine/rdd.js';
import { asPair, keyString, type KeyId } from './keyed.js';

export interface StateEntry {
  key: Value;
  state: Value;
  updatedMs: number;
}

export interface MapWithStateRecord {
  states: Map<KeyId, StateEntry>;
  mapped: Value[];
}

export class InternalMapWithStateDStream extends DStream<MapWithStateRecord> {
  private readonly mapping: ReturnType<typeof resolveFn<'stateMapping'>>;

  constructor(id: string, private readonly parent: DStream<Value[]>, fn: FnRef, private readonly timeoutMs: number | undefined, private readonly initialState: readonly [Value, Value][] | undefined) {
    super(id, parent.slideMs, [parent as DStream<unknown>]);
    this.mapping = resolveFn('stateMapping', fn);
    this.mustCheckpoint = true;
  }

  override defaultCheckpointDurationMs(): number {
    return this.slideMs * 10;
  }

  protected compute(t: number): Rdd<MapWithStateRecord> {
    const prev = this.getOrCompute(t - this.slideMs);
    const batch = this.parent.getOrCompute(t);
    const threshold = this.timeoutMs === undefined ? undefined : t - this.timeoutMs;
    // getOrCompute marks the RDD for checkpointing after compute returns; read the mark when forced.
    const rdd: Rdd<MapWithStateRecord> = new Rdd(() => {
      const states = prev !== undefined ? new Map(prev.force().states) : this.initialStates(t);
      const mapped: Value[] = [];
      const records = sortCanonical(batch?.force() ?? []);
      for (const r of records) {
        const [k, v] = asPair(r, 'mapWithState');
        const ks = keyString(k);
        const existing = states.get(ks);
        const result = this.mapping(k, v, existing?.state, false, t);
        if (result.emit !== undefined) mapped.push(result.emit);
        if (result.state === 'remove') states.delete(ks);
        else if (result.state !== 'keep') states.set(ks, { key: k, state: result.state, updatedMs: t });
        else if (existing !== undefined && threshold !== undefined) states.set(ks, { ...existing, updatedMs: t });
      }
      if (rdd.markedForCheckpoint && threshold !== undefined) {
        for (const [ks, e] of [...states].sort((a, b) => compareValues(a[1].key, b[1].key))) {
          if (e.updatedMs < threshold) {
            const result = this.mapping(e.key, undefined, e.state, true, t);
            if (result.emit !== undefined) mapped.push(result.emit);
            states.delete(ks);
          }
        }
      }
      return { states, mapped };
    });
    return rdd;
  }

  private initialStates(t: number): Map<KeyId, StateEntry> {
    const states = new Map<KeyId, StateEntry>();
    for (const [key, state] of this.initialState ?? []) states.set(keyString(key), { key, state, updatedMs: t });
    return states;
  }

  /** Like Spark's checkpointed MapWithStateRDDRecord: the state map and the batch's mapped data, so a
   *  batch re-run from its own data checkpoint emits the same mapped records again. */
  override toCheckpointData(data: MapWithStateRecord): Value {
    return { states: sortCanonical([...data.states.values()].map((e) => [e.key, e.state, e.updatedMs])), mapped: data.mapped };
  }

  /** Takes { states, mapped }, or a bare list of state entries (no mapped data). */
  override fromCheckpointData(json: Value): MapWithStateRecord {
    const entries = Array.isArray(json) ? json : json !== null && typeof json === 'object' && Array.isArray(json.states) ? json.states : undefined;
    const mapped = Array.isArray(json) ? [] : json !== null && typeof json === 'object' && Array.isArray(json.mapped) ? json.mapped : undefined;
    if (entries === undefined || mapped === undefined) throw new EngineError(`stream ${this.id}: data checkpoint holds ${describeValue(json)}, expected { states, mapped }`);
    const states = new Map<KeyId, StateEntry>();
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 3 || typeof e[2] !== 'number') throw new EngineError(`stream ${this.id}: bad state entry ${describeValue(e)}`);
      states.set(keyString(e[0]!), { key: e[0]!, state: e[1]!, updatedMs: e[2] });
    }
    return { states, mapped };
  }
}

/** The user-facing streams of mapWithState: the mapped records, or the state snapshots. */
export class MapWithStateOutputDStream extends DStream<Value[]> {
  constructor(id: string, private readonly internal: InternalMapWithStateDStream, private readonly view: 'mapped' | 'snapshots') {
    super(id, internal.slideMs, [internal as DStream<unknown>]);
  }

  protected compute(t: number): Rdd<Value[]> | undefined {
    const rdd = this.internal.getOrCompute(t);
    if (rdd === undefined) return undefined;
    return new Rdd(() => {
      const record = rdd.force();
      return this.view === 'mapped' ? record.mapped : [...record.states.values()].map((e) => [e.key, e.state]);
    });
  }
}
