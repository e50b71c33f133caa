// updateStateByKey (Spark's StateDStream): the state at T is the update function applied, for every
// key in the previous state or in the batch, to the batch's values and the previous state; a result
// of none removes the key. The state at T depends on the state at T - slide, so lineage grows every
// batch and the stream must be data-checkpointed. An initial state (Spark's initialRDD) stands in
// for the previous state where there is none: at the first batch, and only there, since every later
// batch has a previous state (restored from a data checkpoint after recovery, or recomputed).

import { resolveFn, type FnRef } from '../program/functions.js';
import type { Value } from '../program/value.js';
import { DStream } from '../engine/dstream.js';
import { Rdd } from '../engine/rdd.js';
import { asPair, groupByKey, keyString, sortedValues, type KeyId } from './keyed.js';

export class StateDStream extends DStream<Value[]> {
  private readonly update: ReturnType<typeof resolveFn<'update'>>;

  constructor(id: string, private readonly parent: DStream<Value[]>, fn: FnRef, private readonly initialState: readonly [Value, Value][] | undefined) {
    super(id, parent.slideMs, [parent as DStream<unknown>]);
    this.update = resolveFn('update', fn);
    this.mustCheckpoint = true;
  }

  protected compute(t: number): Rdd<Value[]> | undefined {
    const prev = this.getOrCompute(t - this.slideMs);
    const batch = this.parent.getOrCompute(t);
    if (prev === undefined && batch === undefined) return undefined;
    // StateDStream.compute, no previous state RDD and a parent RDD: with an initialRDD, cogroup the
    // batch with it as if it were the previous state (computeUsingPreviousRDD).
    const initial = prev === undefined ? this.initialState : undefined;
    return new Rdd(() => {
      const groups = batch === undefined ? new Map() : groupByKey(batch.force(), 'updateStateByKey');
      const out: Value[] = [];
      const seen = new Set<KeyId>();
      for (const r of initial ?? prev?.force() ?? []) {
        const [k, s] = asPair(r, 'updateStateByKey');
        const ks = keyString(k);
        seen.add(ks);
        const next = this.update(sortedValues(groups.get(ks)?.values ?? []), s, t);
        if (next !== undefined) out.push([k, next]);
      }
      for (const [ks, g] of groups) {
        if (seen.has(ks)) continue;
        const next = this.update(sortedValues(g.values), undefined, t);
        if (next !== undefined) out.push([g.key, next]);
      }
      return out;
    });
  }
}
