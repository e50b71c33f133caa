// How a batch is cut into partitions where nothing else decides it: contiguous slices, as Spark's
// ParallelCollectionRDD.slice cuts a collection (core/src/main/scala/org/apache/spark/rdd/
// ParallelCollectionRDD.scala: slice i holds positions [i * n / p, (i + 1) * n / p)).

/** The records cut into `partitions` contiguous slices, in order; slices may be empty. */
export function parallelSlices<T>(records: readonly T[], partitions: number): T[][] {
  const n = records.length;
  const out: T[][] = new Array(partitions);
  for (let i = 0; i < partitions; i++) out[i] = records.slice(Math.floor((i * n) / partitions), Math.floor(((i + 1) * n) / partitions));
  return out;
}
