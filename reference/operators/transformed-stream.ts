// A stream whose batch is a function of its parents' batches at the same time: every per-batch
// operation (map, filter, reduceByKey, join, union, ...). Spark has one class per operation; they
// differ only in that function, which lives in element-wise.ts, aggregations.ts and joins.ts.

import type { Value } from '../program/value.js';
import { DStream, EngineError } from '../engine/dstream.js';
import { PipelinedRdd, type ElementStep } from '../engine/pipelined-rdd.js';
import { Rdd } from '../engine/rdd.js';
import type { BatchFn } from './element-wise.js';

/** How the batch is made from the parents' batches:
 *  - batch: a function of the parents' whole batches (joins, union, groupByKey);
 *  - element: one parent, record by record; the batch is pipelined (PipelinedRdd);
 *  - combine: one parent, read in one pass in its order (count, reduce, reduceByKey, countByValue),
 *    so an element-wise chain before it runs as one pass too, as a Spark stage does. */
export type BatchOp =
  | { kind: 'batch'; fn: BatchFn }
  | { kind: 'element'; step: ElementStep }
  | { kind: 'combine'; fn: (parent: Rdd<Value[]>) => Value[] };

/** How the batch's partitions follow from the parents' (SEMANTICS.md "Partitions"):
 *  - per-partition: the step applied to each parent partition (Spark's MapPartitionsRDD of map,
 *    flatMap, filter, mapValues, flatMapValues);
 *  - concat: the parents' partitions one after another (UnionRDD);
 *  - default: DStream's default (canonical order, contiguous slices). */
export type Partitioning = 'per-partition' | 'concat' | 'default';

export class TransformedDStream extends DStream<Value[]> {
  constructor(id: string, parents: DStream<Value[]>[], private readonly op: BatchOp, private readonly partitioning: Partitioning = 'default') {
    const slide = parents[0]!.slideMs;
    if (parents.some((p) => p.slideMs !== slide)) throw new EngineError(`stream ${id}: some of the DStreams have different slide durations`);
    if (op.kind !== 'batch' && parents.length !== 1) throw new EngineError(`stream ${id}: a ${op.kind} operation has one parent, received ${parents.length}`);
    super(id, slide, parents as DStream<unknown>[]);
  }

  override partitionsAt(t: number): Rdd<Value[][]> | undefined {
    const mode = this.partitioning;
    switch (mode) {
      case 'default':
        return super.partitionsAt(t);
      case 'concat': {
        const parents = (this.dependencies as DStream<Value[]>[]).map((p) => p.partitionsAt(t));
        if (parents.some((p) => p === undefined)) return undefined;
        return new Rdd(() => parents.flatMap((p) => p!.force()));
      }
      case 'per-partition': {
        const op = this.op;
        if (op.kind !== 'element') throw new EngineError(`stream ${this.id}: per-partition partitioning needs an element-wise operation, not ${op.kind}`);
        const parent = (this.dependencies[0] as DStream<Value[]>).partitionsAt(t);
        if (parent === undefined) return undefined;
        return new Rdd(() =>
          parent.force().map((records) => {
            const out: Value[] = [];
            const push = (y: Value) => void out.push(y);
            for (const x of records) op.step(x, push);
            return out;
          }),
        );
      }
      default:
        throw new EngineError(`unknown partitioning ${JSON.stringify(mode satisfies never)}`);
    }
  }

  protected compute(t: number): Rdd<Value[]> | undefined {
    const parents = (this.dependencies as DStream<Value[]>[]).map((p) => p.getOrCompute(t));
    if (parents.some((p) => p === undefined)) return undefined;
    const op = this.op;
    switch (op.kind) {
      case 'batch':
        return new Rdd(() => op.fn(parents.map((p) => p!.force())));
      case 'element':
        return new PipelinedRdd(parents[0]!, op.step);
      case 'combine': {
        const parent = parents[0]!;
        return new Rdd(() => op.fn(parent));
      }
      default:
        throw new EngineError(`unknown batch operation ${JSON.stringify(op satisfies never)}`);
    }
  }
}
