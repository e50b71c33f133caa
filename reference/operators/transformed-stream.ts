// A stream whose batch is a function of its parents' batches at the same time: every per-batch
// operation (map, filter, reduceByKey, join, union, ...). Spark has one class per operation; they
// differ only in that function, which lives in element-wise.ts, aggregations.ts and joins.ts.

import type { Value } from '../program/value.js';
import { DStream, EngineError } from '../engine/dstream.js';
import { Rdd } from '../engine/rdd.js';
import type { BatchFn } from './element-wise.js';

export class TransformedDStream extends DStream<Value[]> {
  constructor(id: string, parents: DStream<Value[]>[], private readonly fn: BatchFn) {
    const slide = parents[0]!.slideMs;
    if (parents.some((p) => p.slideMs !== slide)) throw new EngineError(`stream ${id}: some of the DStreams have different slide durations`);
    super(id, slide, parents as DStream<unknown>[]);
  }

  protected compute(t: number): Rdd<Value[]> | undefined {
    const parents = (this.dependencies as DStream<Value[]>[]).map((p) => p.getOrCompute(t));
    if (parents.some((p) => p === undefined)) return undefined;
    return new Rdd(() => this.fn(parents.map((p) => p!.force())));
  }
}
