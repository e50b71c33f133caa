// Per-batch aggregations: count, reduce, countByValue, reduceByKey, groupByKey (Spark's
// DStream.count/reduce/countByValue and PairDStreamFunctions' ShuffledDStream).

import { resolveFn, FunctionError, type FnRef } from '../program/functions.js';
import type { Value } from '../program/value.js';
import type { BatchFn } from './element-wise.js';
import { asPair, groupByKey, keyString, sortedValues, type KeyId } from './keyed.js';

/** Reads a parent batch in one pass, in its order (see BatchOp's combine). */
export type CombineFn = (forEach: (visit: (x: Value) => void) => void) => Value[];

/** DStream.count unions a (null, 0L) record before reducing, so an empty batch counts 0. */
export const countCombine: CombineFn = (forEach) => {
  let n = 0;
  forEach(() => void (n += 1));
  return [n];
};

/** Reduces in canonical order (the functions are associative and commutative, as Spark needs). */
export function reduceValues(f: (a: Value, b: Value) => Value, values: readonly Value[]): Value {
  if (values.length === 0) throw new FunctionError('reduce of no values');
  let acc = values[0] as Value;
  for (let i = 1; i < values.length; i++) acc = f(acc, values[i] as Value);
  return acc;
}

/** Folds the records in the batch's order, as reduceValues over the whole batch does. */
export function reduceCombine(ref: FnRef): CombineFn {
  const f = resolveFn('reduce', ref);
  return (forEach) => {
    let first = true;
    let acc: Value = null;
    forEach((x) => {
      if (first) {
        acc = x;
        first = false;
      } else acc = f(acc, x);
    });
    return first ? [] : [acc];
  };
}

export const countByValueCombine: CombineFn = (forEach) => {
  const counts = new Map<KeyId, [Value, number]>();
  forEach((r) => {
    const ks = keyString(r);
    const c = counts.get(ks);
    if (c === undefined) counts.set(ks, [r, 1]);
    else c[1] += 1;
  });
  return [...counts.values()];
};

export function reduceByKeyCombine(ref: FnRef): CombineFn {
  const f = resolveFn('reduce', ref);
  return (forEach) => {
    // Fold each key's values as they come (a combiner), instead of grouping them first.
    const acc = new Map<KeyId, [Value, Value]>();
    forEach((r) => {
      const pair = asPair(r, 'reduceByKey');
      const k = pair[0];
      const id = keyString(k);
      const e = acc.get(id);
      if (e === undefined) acc.set(id, [k, pair[1]]);
      else e[1] = f(e[1], pair[1]);
    });
    return Array.from(acc.values());
  };
}

export const groupByKeyBatch: BatchFn = ([records]) => {
  const out: Value[] = [];
  for (const g of groupByKey(records!, 'groupByKey').values()) out.push([g.key, sortedValues(g.values)]);
  return out;
};
