// An input stream over one stream of the replayable log, like Spark's DirectKafkaInputDStream: the
// offset range of batch T is fixed when T is generated (allocate), remembered per batch time, and
// saved in every metadata checkpoint, so a recovered engine re-reads exactly the same records.

import { readRange, untilOffsetAt, type InputRecord, type OffsetRange } from '../source/input-log.js';
import type { Value } from '../program/value.js';
import { DEFAULT_PARTITIONS, DStream, EngineError } from '../engine/dstream.js';
import { parallelSlices } from '../engine/parallel-slices.js';
import { Rdd } from '../engine/rdd.js';

export class InputDStream extends DStream<Value[]> {
  /** Offset ranges of generated batches (Spark's batchForTime). */
  readonly batchForTime = new Map<number, OffsetRange>();
  /** The first offset not yet given to a batch (Spark's currentOffsets). */
  currentOffset = 0;
  /** How many batches this process has read from the log (recovery cost, counted by tests). */
  reads = 0;

  constructor(id: string, batchIntervalMs: number, private readonly records: readonly InputRecord[]) {
    super(id, batchIntervalMs, []);
  }

  /** Fixes the offset range of batch t unless it already has one (a rescheduled batch). */
  allocate(t: number): OffsetRange {
    const known = this.batchForTime.get(t);
    if (known !== undefined) return known;
    const until = Math.max(this.currentOffset, untilOffsetAt(this.records, t));
    const range = { fromOffset: this.currentOffset, untilOffset: until };
    this.batchForTime.set(t, range);
    this.currentOffset = until;
    return range;
  }

  protected compute(t: number): Rdd<Value[]> {
    const range = this.batchForTime.get(t);
    if (range === undefined) throw new EngineError(`input ${this.id}: no offset range for batch ${t} ms (it was never generated, or was forgotten)`);
    return this.reader(range);
  }

  /** TestInputStream's makeRDD(batch, numInputPartitions = 2): the records in offset order, cut
   *  into contiguous slices (ParallelCollectionRDD.slice). */
  override partitionsAt(t: number): Rdd<Value[][]> | undefined {
    const rdd = this.getOrCompute(t);
    if (rdd === undefined) return undefined;
    return new Rdd(() => parallelSlices(rdd.force(), DEFAULT_PARTITIONS));
  }

  private reader(range: OffsetRange): Rdd<Value[]> {
    return new Rdd(() => {
      this.reads += 1;
      return readRange(this.records, range);
    });
  }

  override clearMetadata(t: number): void {
    super.clearMetadata(t);
    for (const time of [...this.batchForTime.keys()]) {
      if (time <= t - this.rememberDurationMs!) this.batchForTime.delete(time);
    }
  }

  /** Restores ranges from a checkpoint (Spark's DirectKafkaInputDStream checkpoint data restore). */
  restore(ranges: ReadonlyMap<number, OffsetRange>, currentOffset: number): void {
    for (const [t, r] of [...ranges].sort((a, b) => a[0] - b[0])) {
      if (r.untilOffset > this.records.length) {
        throw new EngineError(`input ${this.id}: checkpointed offset range [${r.fromOffset}, ${r.untilOffset}) of batch ${t} ms is past the end of the log (${this.records.length} records)`);
      }
      this.batchForTime.set(t, r);
      this.generatedRDDs.set(t, this.reader(r));
    }
    this.currentOffset = currentOffset;
  }
}
