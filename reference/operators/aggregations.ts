// Per-batch aggregations: count, reduce, countByValue, reduceByKey, groupByKey (Spark's
// DStream.count/reduce/countByValue and PairDStreamFunctions' ShuffledDStream).

import { resolveFn, FunctionError, type FnRef } from '../program/functions.js';
import type { Value } from '../program/value.js';
import type { BatchFn } from './element-wise.js';
import { asPair, groupByKey, keyString, sortedValues, type KeyId } from './keyed.js';

/** DStream.count unions a (null, 0L) record before reducing, so an empty batch counts 0. */
export const countBatch: BatchFn = ([records]) => [records!.length];

/** Reduces in canonical order (the functions are associative and commutative, as Spark needs). */
export function reduceValues(f: (a: Value, b: Value) => Value, values: readonly Value[]): Value {
  if (values.length === 0) throw new FunctionError('reduce of no values');
  let acc = values[0] as Value;
  for (let i = 1; i < values.length; i++) acc = f(acc, values[i] as Value);
  return acc;
}

export function reduceBatch(ref: FnRef): BatchFn {
  const f = resolveFn('reduce', ref);
  return ([records]) => (records!.length === 0 ? [] : [reduceValues(f, records!)]);
}

export const countByValueBatch: BatchFn = ([records]) => {
  const counts = new Map<KeyId, [Value, number]>();
  for (const r of records!) {
    const ks = keyString(r);
    const c = counts.get(ks);
    if (c === undefined) counts.set(ks, [r, 1]);
    else c[1] += 1;
  }
  return [...counts.values()];
};

export function reduceByKeyBatch(ref: FnRef): BatchFn {
  const f = resolveFn('reduce', ref);
  return ([records]) => {
    // Fold each key's values as they come (a combiner), instead of grouping them first.
    const acc = new Map<KeyId, [Value, Value]>();
    const rs = records!;
    for (let i = 0; i < rs.length; i++) {
      const pair = asPair(rs[i]!, 'reduceByKey');
      const k = pair[0];
      const id = keyString(k);
      const e = acc.get(id);
      if (e === undefined) acc.set(id, [k, pair[1]]);
      else e[1] = f(e[1], pair[1]);
    }
    return Array.from(acc.values());
  };
}

export const groupByKeyBatch: BatchFn = ([records]) => {
  const out: Value[] = [];
  for (const g of groupByKey(records!, 'groupByKey').values()) out.push([g.key, sortedValues(g.values)]);
  return out;
};
