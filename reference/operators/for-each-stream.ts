// An output operation (Spark's ForEachDStream): at every valid time it yields a job that computes the
// parent's batch and commits it, in canonical order, through the sink.

import { sortCanonicalWithTexts, type CanonicalRecords, type Value } from '../program/value.js';
import { DStream } from '../engine/dstream.js';
import type { Rdd } from '../engine/rdd.js';

export interface Job {
  output: string;
  batchTimeMs: number;
  rdd: Rdd<Value[]>;
}

export class ForEachDStream extends DStream<Value[]> {
  constructor(id: string, readonly parent: DStream<Value[]>) {
    super(id, parent.slideMs, [parent as DStream<unknown>]);
  }

  protected compute(t: number): Rdd<Value[]> | undefined {
    return this.parent.getOrCompute(t);
  }

  generateJob(t: number): Job | undefined {
    const rdd = this.parent.getOrCompute(t);
    return rdd === undefined ? undefined : { output: this.id, batchTimeMs: t, rdd };
  }

  static records(job: Job): CanonicalRecords {
    return sortCanonicalWithTexts(job.rdd.force());
  }
}
