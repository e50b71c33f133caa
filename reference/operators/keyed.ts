// Grouping records by key: the hash-partitioning step of Spark's shuffles, done in one process.
// Keys are compared by identity of their canonical JSON text; primitives take a fast path.

import { canonical, isPair, sortCanonical, describeValue, type Value } from '../program/value.js';
import { EngineError } from '../engine/dstream.js';

/** An injective text for a key, cheap for strings and numbers. */
export function keyString(key: Value): string {
  switch (typeof key) {
    case 'string':
      return `s${key}`;
    case 'number':
      return `n${key}`;
    case 'boolean':
      return key ? 'T' : 'F';
    default:
      return `j${canonical(key)}`;
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
export function groupByKey(records: readonly Value[], op: string): Map<string, KeyGroup> {
  const groups = new Map<string, KeyGroup>();
  for (const r of records) {
    const [k, v] = asPair(r, op);
    const ks = keyString(k);
    const g = groups.get(ks);
    if (g === undefined) groups.set(ks, { key: k, values: [v] });
    else g.values.push(v);
  }
  return groups;
}

/** Values in canonical order: the order we fix where Spark's is up to partitioning. */
export function sortedValues(values: readonly Value[]): Value[] {
  return values.length < 2 ? [...values] : sortCanonical(values);
}
