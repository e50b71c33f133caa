// repartition(N) as Spark's RDD.coalesce(N, shuffle = true) distributes records
// (core/src/main/scala/org/apache/spark/rdd/RDD.scala): input partition `index` starts at
// position new java.util.Random(byteswap32(index)).nextInt(N), each record takes position + 1, and
// HashPartitioner(N) sends it to position mod N. Spark's order inside an output partition depends
// on the order shuffle blocks arrive; we fix it: by input partition, then by position in it.

/** scala.util.hashing.byteswap32. */
function byteswap32(v: number): number {
  const hc = Math.imul(v, 0x9e3775cd);
  const swapped = ((hc & 0xff) << 24) | ((hc >>> 8) & 0xff) << 16 | ((hc >>> 16) & 0xff) << 8 | (hc >>> 24);
  return Math.imul(swapped, 0x9e3775cd);
}

const MULTIPLIER = 0x5deece66dn;
const MASK = (1n << 48n) - 1n;

/** java.util.Random(seed).nextInt(bound), for the first draw of a new generator. */
function javaRandomFirstInt(seed: number, bound: number): number {
  let state = (BigInt(seed) ^ MULTIPLIER) & MASK;
  const next31 = (): number => {
    state = (state * MULTIPLIER + 0xbn) & MASK;
    return Number(state >> 17n);
  };
  let r = next31();
  const m = bound - 1;
  if ((bound & m) === 0) return Number((BigInt(bound) * BigInt(r)) >> 31n);
  // Java: for (int u = r; u - (r = u % bound) + m < 0; u = next(31)); in 32-bit arithmetic.
  for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = next31());
  return r;
}

/** Spark's start position for input partition `index` of a repartition into `partitions`. */
export function repartitionStart(index: number, partitions: number): number {
  return javaRandomFirstInt(byteswap32(index), partitions);
}

/** The parent's partitions redistributed into `partitions` output partitions. */
export function shuffleRepartition<T>(parents: readonly (readonly T[])[], partitions: number): T[][] {
  const out: T[][] = Array.from({ length: partitions }, () => []);
  parents.forEach((records, index) => {
    let position = repartitionStart(index, partitions);
    for (const r of records) {
      position += 1;
      out[position % partitions]!.push(r);
    }
  });
  return out;
}
