// Records are JSON values. Pairs (the keyed records of Spark's PairDStreamFunctions) are two-element
// arrays [key, value]. Every comparison and every output order goes through the canonical JSON text
// defined here, so that two runs, the model and a third-party engine agree byte for byte.

export type Value = number | string | boolean | null | Value[] | { [key: string]: Value };
export type Pair = [Value, Value];

/** True when no plain object occurs in the value: then JSON.stringify is its canonical text. */
function objectFree(value: Value): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const x = value[i]!;
    if (x !== null && typeof x === 'object' && !objectFree(x)) return false;
  }
  return true;
}

/** The definition: JSON text with object keys sorted and no white space. */
export function canonicalByDefinition(value: Value): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] as Value)}`).join(',')}}`;
}

/** JSON text with object keys sorted and no white space: the identity of a value. Values without
 *  objects (nearly every record) take JSON.stringify directly: every output is sorted by this. */
export function canonical(value: Value): string {
  return objectFree(value) ? JSON.stringify(value) : canonicalByDefinition(value);
}

/** Total order on values: by canonical text, compared as strings (code units). */
export function compareValues(a: Value, b: Value): number {
  const x = canonical(a);
  const y = canonical(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A copy of the records in canonical order (the order every committed output uses); equal texts
 *  keep their order. Each record's text is computed once. */
export function sortCanonical(records: readonly Value[]): Value[] {
  const n = records.length;
  if (n < 2) return records.slice();
  const keyed: { text: string; record: Value }[] = new Array(n);
  for (let i = 0; i < n; i++) keyed[i] = { text: canonical(records[i]!), record: records[i]! };
  keyed.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = keyed[i]!.record;
  return out;
}

export function isPair(value: Value): value is Pair {
  return Array.isArray(value) && value.length === 2;
}

/** Describes a value for an error message: its type and a short rendering. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${text} (${type})`;
}
