// RDD.repartition(n) = coalesce(n, shuffle = true), transcribed from Spark's RDD.scala for the
// model: the records of input partition `index` get keys start + 1, start + 2, ... where start =
// new java.util.Random(scala.util.hashing.byteswap32(index)).nextInt(n), and HashPartitioner(n)
// puts key k in partition k mod n. Within an output partition, records keep the order (input
// partition, position) — SEMANTICS.md fixes it, Spark leaves it to the shuffle.

import type { Value } from '../../reference/program/value.js';

/** java.util.Random, the parts nextInt(bound) needs (java/util/Random.java). */
class JavaRandom {
  private seed: bigint;
  constructor(seed: bigint) {
    this.seed = (seed ^ 0x5deece66dn) & 0xffffffffffffn;
  }
  private next(bits: number): number {
    this.seed = (this.seed * 0x5deece66dn + 0xbn) & 0xffffffffffffn;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextInt(bound: number): number {
    let r = this.next(31);
    const m = bound - 1;
    if ((bound & m) === 0) return Number(BigInt.asIntN(32, (BigInt(bound) * BigInt(r)) >> 31n));
    let u = r;
    for (;;) {
      r = u % bound;
      if (((u - r + m) | 0) >= 0) return r;
      u = this.next(31);
    }
  }
}

/** scala.util.hashing.byteswap32: multiply, reverse the bytes, multiply (all in 32-bit ints). */
function byteswap32(v: number): number {
  const h = Math.imul(v, -1640532531); // 0x9e3775cd as a signed int
  const bytes = [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, (h >>> 24) & 0xff];
  const reversed = (bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  return Math.imul(reversed, -1640532531);
}

export function sparkRepartition(partitions: readonly (readonly Value[])[], n: number): Value[][] {
  const out: Value[][] = Array.from({ length: n }, () => []);
  for (let index = 0; index < partitions.length; index++) {
    const start = new JavaRandom(BigInt(byteswap32(index))).nextInt(n);
    partitions[index]!.forEach((record, i) => {
      const key = start + 1 + i;
      out[((key % n) + n) % n]!.push(record);
    });
  }
  return out;
}
