// Groups pair records [k, v] by key (keys are equal when their canonical texts are equal), the
// building block of every keyed operation in the model. Values come back in canonical order, the
// order SEMANTICS.md fixes for grouped values.

import { canonical, describeValue, isPair, sortCanonical, type Value } from '../../reference/program/value.js';
import { ModelError } from './model-error.js';

export interface KeyGroup {
  key: Value;
  values: Value[];
}

/** Canonical key text -> the key and its values (sorted canonically). `what` names the stream for errors. */
export function groupByKey(records: readonly Value[], what: string): Map<string, KeyGroup> {
  const groups = new Map<string, KeyGroup>();
  for (const record of records) {
    if (!isPair(record)) throw new ModelError(`${what}: expected a pair [key, value], received ${describeValue(record)}`);
    const [key, value] = record;
    const k = canonical(key);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, { key, values: [value] });
    else group.values.push(value);
  }
  for (const group of groups.values()) group.values = sortCanonical(group.values);
  return groups;
}
