// The partition-dependent operations: glom (Spark's GlommedDStream / RDD.glom), mapPartitions
// (MapPartitionedDStream) and repartition (DStream.repartition = RDD.coalesce(N, shuffle = true)).
// Each computes its batch partition by partition from its parent's partitions (DStream.partitionsAt),
// and keeps its own partitions for operations after it; its flat batch is the partitions in order.

import { resolveFn, type FnRef, type PartitionFn } from '../program/functions.js';
import type { Value } from '../program/value.js';
import { DStream, EngineError } from '../engine/dstream.js';
import { Rdd } from '../engine/rdd.js';
import { shuffleRepartition } from '../engine/shuffle-repartition.js';

/** What is done to the parent's partitions. */
export type PartitionOp =
  | { kind: 'glom' }
  | { kind: 'mapPartitions'; fn: FnRef }
  | { kind: 'repartition'; partitions: number };

export class PartitionedDStream extends DStream<Value[]> {
  /** The partitions of each remembered batch (forgotten with the batch). */
  private readonly partitioned = new Map<number, Rdd<Value[][]>>();
  private readonly apply: (parts: Value[][]) => Value[][];

  constructor(id: string, private readonly parent: DStream<Value[]>, op: PartitionOp) {
    super(id, parent.slideMs, [parent as DStream<unknown>]);
    switch (op.kind) {
      case 'glom':
        // RDD.glom: one record per partition, the partition's records as a list (empty ones too).
        this.apply = (parts) => parts.map((p) => [p]);
        break;
      case 'mapPartitions': {
        const f: PartitionFn = resolveFn('partition', op.fn);
        this.apply = (parts) => parts.map((p) => f(p));
        break;
      }
      case 'repartition': {
        const n = op.partitions;
        this.apply = (parts) => shuffleRepartition(parts, n);
        break;
      }
      default:
        throw new EngineError(`unknown partition operation ${JSON.stringify(op satisfies never)}`);
    }
  }

  override partitionsAt(t: number): Rdd<Value[][]> | undefined {
    const known = this.partitioned.get(t);
    if (known !== undefined) return known;
    if (!this.isTimeValid(t)) return undefined;
    const parent = this.parent.partitionsAt(t);
    if (parent === undefined) return undefined;
    const rdd = new Rdd(() => this.apply(parent.force()));
    this.partitioned.set(t, rdd);
    return rdd;
  }

  protected compute(t: number): Rdd<Value[]> | undefined {
    const parts = this.partitionsAt(t);
    if (parts === undefined) return undefined;
    return new Rdd(() => parts.force().flat(1));
  }

  override clearMetadata(t: number): void {
    for (const time of [...this.partitioned.keys()]) {
      if (time <= t - this.rememberDurationMs!) this.partitioned.delete(time);
    }
    super.clearMetadata(t);
  }
}
