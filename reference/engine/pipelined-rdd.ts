// The batch of an element-wise stream (map, flatMap, filter, ...): Spark's MapPartitionsRDD. Spark
// pipelines the narrow transformations of a stage, each record passing through flatMap, map and the
// map side of reduceByKey before the next is read; `forEachRecord` does the same, so a chain of
// element-wise streams feeding an aggregation never materialises its intermediate batches.

import type { Value } from '../program/value.js';
import { Rdd } from './rdd.js';

/** One record in, its results (zero or more) handed to `emit` in order. */
export type ElementStep = (x: Value, emit: (y: Value) => void) => void;

export class PipelinedRdd extends Rdd<Value[]> {
  /** The parent batch and the step, until this batch is computed (then the lineage is dropped). */
  private lineage: { parent: Rdd<Value[]>; step: ElementStep } | undefined;

  constructor(parent: Rdd<Value[]>, step: ElementStep) {
    super(() => {
      const out: Value[] = [];
      const push = (y: Value) => void out.push(y);
      PipelinedRdd.forEachRecord(parent, (x) => step(x, push));
      return out;
    });
    this.lineage = { parent, step };
  }

  override force(): Value[] {
    const value = super.force();
    this.lineage = undefined;
    return value;
  }

  /** The parent batch and step of a batch that forEachRecord would stream, else undefined. */
  static streamable(rdd: Rdd<Value[]>): { parent: Rdd<Value[]>; step: ElementStep } | undefined {
    return rdd instanceof PipelinedRdd && !rdd.isComputed && !rdd.markedForCheckpoint ? rdd.lineage : undefined;
  }

  /** Hands every record of a batch to `visit`, in the batch's order. A pipelined batch that is not
   *  computed is streamed from its parent instead (nothing is memoised, as in Spark, where an RDD
   *  that is not cached is recomputed by each job that reads it), unless it is marked for a data
   *  checkpoint, which needs the computed data.
   *
   *  Errors: streaming interleaves the steps, so the first failing record could be another than the
   *  one the step-by-step computation fails on. When streaming throws, the batch is computed step by
   *  step (each step over its whole parent batch before the next step starts, each step's batch
   *  computed the same way), which throws that computation's error; if it does not throw, the error
   *  came from `visit`, which saw the same records in the same order either way, so it is rethrown. */
  static forEachRecord(rdd: Rdd<Value[]>, visit: (x: Value) => void): void {
    const lineage = PipelinedRdd.streamable(rdd);
    if (lineage === undefined) {
      const records = rdd.force();
      for (let i = 0; i < records.length; i++) visit(records[i]!);
      return;
    }
    const { parent, step } = lineage;
    try {
      PipelinedRdd.forEachRecord(parent, (x) => step(x, visit));
    } catch (error) {
      rdd.force();
      throw error;
    }
  }
}
