// One machine's part of a suite: `--shard i/n` runs the cases whose index is i-1 modulo n, so n
// machines given the same seed and options run every case of the one suite exactly once, each case
// drawn from the same per-index seed as without sharding (`streamcheck merge` joins them again).

import { InvalidArgumentError } from 'commander';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The most shards a suite splits into: more than its cases would leave shards empty anyway. */
export const SHARD_COUNT_MAX = 10_000;

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || count > SHARD_COUNT_MAX || index < 1 || index > count) {
    throw new InvalidArgumentError(`--shard must be i/n with 1 <= i <= n <= ${SHARD_COUNT_MAX} (e.g. 2/4), received ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** Does case `caseIndex` belong to this shard (every case does when there is none)? */
export function inShard(caseIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || caseIndex % shard.count === shard.index - 1;
}
