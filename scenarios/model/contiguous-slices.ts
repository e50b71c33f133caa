// Cuts a list into p contiguous slices the way Spark's ParallelCollectionRDD.slice positions them
// (core/src/main/scala/org/apache/spark/rdd/ParallelCollectionRDD.scala, `positions`): slice i is
// start = i * n / p until end = (i + 1) * n / p, integer division. The model's own copy.

import type { Value } from '../../reference/program/value.js';

export function contiguousSlices(records: readonly Value[], p: number): Value[][] {
  const slices: Value[][] = [];
  for (let i = 0; i < p; i++) {
    const start = Math.trunc((i * records.length) / p);
    const end = Math.trunc(((i + 1) * records.length) / p);
    slices.push(records.slice(start, end));
  }
  return slices;
}
