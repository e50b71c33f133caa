// Records in canonical order, as program/value.ts's sortCanonical orders them, but faster on the hot
// path (every committed output is sorted): a value that holds no JSON object has JSON.stringify as
// its canonical text, so only values with objects pay for the recursive canonical().

import { canonical, type Value } from '../program/value.js';

/** True when no plain object occurs in the value (then JSON.stringify is its canonical text). */
function objectFree(value: Value): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const x = value[i]!;
    if (x !== null && typeof x === 'object' && !objectFree(x)) return false;
  }
  return true;
}

export function canonicalText(value: Value): string {
  return objectFree(value) ? JSON.stringify(value) : canonical(value);
}

/** A copy of the records sorted by canonical text; equal texts keep their order (a stable sort). */
export function sortRecords(records: readonly Value[]): Value[] {
  const n = records.length;
  if (n < 2) return records.slice();
  const keyed: { text: string; record: Value }[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const record = records[i]!;
    keyed[i] = { text: canonicalText(record), record };
  }
  keyed.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = keyed[i]!.record;
  return out;
}
