// Where two record lists first differ: for keyed records ([key, value] pairs) the first key, in
// canonical order, whose values differ; otherwise the first record present in one list only.

import { canonical, isPair, type Value } from '../../reference/program/value.js';

export interface Difference {
  /** Canonical text of the key (or of the whole record, for unkeyed records). */
  key: string;
  expected: Value[];
  received: Value[];
}

function byKey(records: readonly Value[]): Map<string, Value[]> {
  const m = new Map<string, Value[]>();
  for (const r of records) {
    const [k, v] = r as [Value, Value];
    const key = canonical(k);
    m.set(key, [...(m.get(key) ?? []), v]);
  }
  return m;
}

const sameValues = (a: readonly Value[], b: readonly Value[]): boolean =>
  a.length === b.length && a.map(canonical).sort().join('\n') === b.map(canonical).sort().join('\n');

/** The first difference, or null when both lists hold the same records (as multisets). */
export function firstDifference(expected: readonly Value[], received: readonly Value[]): Difference | null {
  if (expected.every(isPair) && received.every(isPair)) {
    const e = byKey(expected);
    const r = byKey(received);
    const keys = [...new Set([...e.keys(), ...r.keys()])].sort();
    for (const key of keys) {
      const ev = e.get(key) ?? [];
      const rv = r.get(key) ?? [];
      if (!sameValues(ev, rv)) return { key, expected: ev, received: rv };
    }
    return null;
  }
  const count = (records: readonly Value[]) => {
    const m = new Map<string, number>();
    for (const x of records) m.set(canonical(x), (m.get(canonical(x)) ?? 0) + 1);
    return m;
  };
  const e = count(expected);
  const r = count(received);
  const texts = [...new Set([...e.keys(), ...r.keys()])].sort();
  for (const t of texts) {
    const ne = e.get(t) ?? 0;
    const nr = r.get(t) ?? 0;
    if (ne !== nr) {
      const v = JSON.parse(t) as Value;
      return { key: t, expected: Array(ne).fill(v), received: Array(nr).fill(v) };
    }
  }
  return null;
}
