// Grouping records by key: the hash-partitioning step of Spark's shuffles, done in one process.
// Keys are compared by identity of their canonical JSON text; primitives take a fast path.

import { canonical, isPair, describeValue, sortCanonical, type Value } from '../program/value.js';
import { EngineError } from '../engine/dstream.js';

/** A Map key for a record key: primitives stand for themselves (a JS Map tells 1 from "1"); lists,
 *  objects and null become their canonical text behind a NUL, and a string that starts with NUL is
 *  escaped the same way, so no two different keys meet. */
export type KeyId = string | number | boolean;
export function keyString(key: Value): KeyId {
  switch (typeof key) {
    case 'string':
      return key.charCodeAt(0) === 0 ? `\u0000s${key}` : key;
    case 'number':
    case 'boolean':
      return key;
    default:
      return `\u0000j${canonical(key)}`;
  }
}

export interface KeyGroup {
  key: Value;
  values: Value[];
}

export function asPair(record: Value, op: string): [Value, Value] {
  if (!isPair(record)) throw new EngineError(`${op} expected a pair [key, value], received ${describeValue(record)}`);
  return record;
}

/** Groups pairs by key, keeping values in arrival order. */
export function groupByKey(records: readonly Value[], op: string): Map<KeyId, KeyGroup> {
  const groups = new Map<KeyId, KeyGroup>();
  for (const r of records) {
    const pair = asPair(r, op);
    const k = pair[0];
    const v = pair[1];
    const ks = keyString(k);
    const g = groups.get(ks);
    if (g === undefined) groups.set(ks, { key: k, values: [v] });
    else g.values.push(v);
  }
  return groups;
}

/** Values in canonical order: the order we fix where Spark's is up to partitioning. */
export function sortedValues(values: readonly Value[]): Value[] {
  return sortCanonical(values);
}
