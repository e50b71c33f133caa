// Per-batch aggregations: count, reduce, countByValue, reduceByKey, groupByKey (Spark's
// DStream.count/reduce/countByValue and PairDStreamFunctions' ShuffledDStream).

import { foldOfOnes, resolveFn, FunctionError, type FnRef } from '../program/functions.js';
import { markCanonical, type Value } from '../program/value.js';
import { stepName, type BatchFn } from './element-wise.js';
import { PipelinedRdd } from '../engine/pipelined-rdd.js';
import type { Rdd } from '../engine/rdd.js';
import { StringKeyDictionary } from './string-key-dictionary.js';
import { asPair, groupByKey, keyString, sortedValues, type KeyId } from './keyed.js';

/** Reads a parent batch in one pass, in its order (see BatchOp's combine). */
export type CombineFn = (parent: Rdd<Value[]>) => Value[];
const forEachRecord = PipelinedRdd.forEachRecord;

/** DStream.count unions a (null, 0L) record before reducing, so an empty batch counts 0. */
export const countCombine: CombineFn = (parent) => {
  let n = 0;
  forEachRecord(parent, () => void (n += 1));
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
  return (parent) => {
    let first = true;
    let acc: Value = null;
    forEachRecord(parent, (x) => {
      if (first) {
        acc = x;
        first = false;
      } else acc = f(acc, x);
    });
    return first ? [] : [acc];
  };
}

export const countByValueCombine: CombineFn = (parent) => {
  const counts = new Map<KeyId, [Value, number]>();
  forEachRecord(parent, (r) => {
    const ks = keyString(r);
    const c = counts.get(ks);
    if (c === undefined) counts.set(ks, [r, 1]);
    else c[1] += 1;
  });
  return [...counts.values()];
};

/** Not a failure: the batch leaves the string-key dictionary for the general path. */
const notStringKeyed = new Error('reduceByKey: a record whose key is not a string');
const notLines = new Error('reduceByKey: a record split-words cannot take');

/** The batch of lines when `parent` is pair-with-one over split-words, both streamed: word count. */
function wordCountLines(parent: Rdd<Value[]>): Rdd<Value[]> | undefined {
  const ones = PipelinedRdd.streamable(parent);
  if (ones === undefined || stepName(ones.step) !== 'map pair-with-one') return undefined;
  const words = PipelinedRdd.streamable(ones.parent);
  if (words === undefined || stepName(words.step) !== 'flatMap split-words') return undefined;
  return words.parent;
}

export function reduceByKeyCombine(ref: FnRef): CombineFn {
  const f = resolveFn('reduce', ref);
  const general: CombineFn = (parent) => {
    // Fold each key's values as they come (a combiner), instead of grouping them first.
    const acc = new Map<KeyId, [Value, Value]>();
    forEachRecord(parent, (r) => {
      const pair = asPair(r, 'reduceByKey');
      const k = pair[0];
      const id = keyString(k);
      const e = acc.get(id);
      if (e === undefined) acc.set(id, [k, pair[1]]);
      else e[1] = f(e[1], pair[1]);
    });
    return Array.from(acc.values());
  };
  // String keys (words, names) go through a dictionary that hands the results back in canonical
  // order with their texts joined, which markCanonical notes for the output (neither sorted nor
  // written again there). Semantic note: the order of records inside a batch is not part of the
  // contract (every output, grouped list and updateStateByKey / mapWithState input is sorted; reduce
  // functions are associative and commutative), so the general path's first-seen order and this
  // canonical order are interchangeable. The dictionary folds each key's values in the same order as
  // the general path (word count counts its ones and folds them at the end, the same calls of f). A
  // key of another type sends this stream to the general path for good; any other failure recomputes
  // the batch by the general path, which throws the error the general path throws.
  const dictionary = new StringKeyDictionary(f, foldOfOnes(ref));
  let stringKeys = true;
  return (parent) => {
    if (!stringKeys) return general(parent);
    try {
      dictionary.begin();
      const lines = wordCountLines(parent);
      if (lines !== undefined) {
        forEachRecord(lines, (line) => {
          if (typeof line !== 'string') throw notLines;
          dictionary.foldWords(line);
        });
      } else {
        forEachRecord(parent, (r) => {
          const pair = asPair(r, 'reduceByKey');
          const k = pair[0];
          if (typeof k !== 'string') throw notStringKeyed;
          dictionary.fold(k, pair[1]);
        });
      }
      return markCanonical(dictionary.end());
    } catch (error) {
      if (error === notStringKeyed) stringKeys = false;
      return general(parent);
    }
  };
}

export const groupByKeyBatch: BatchFn = ([records]) => {
  const out: Value[] = [];
  for (const g of groupByKey(records!, 'groupByKey').values()) out.push([g.key, sortedValues(g.values)]);
  return out;
};
