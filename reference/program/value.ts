// Records are JSON values. Pairs (the keyed records of Spark's PairDStreamFunctions) are two-element
// arrays [key, value]. Every comparison and every output order goes through the canonical JSON text
// defined here, so that two runs, the model and a third-party engine agree byte for byte.

export type Value = number | string | boolean | null | Value[] | { [key: string]: Value };
export type Pair = [Value, Value];

/** JSON text with object keys sorted and no white space: the identity of a value. */
export function canonical(value: Value): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] as Value)}`).join(',')}}`;
}

/** Total order on values: by canonical text, compared as strings (code units). */
export function compareValues(a: Value, b: Value): number {
  const x = canonical(a);
  const y = canonical(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A copy of the records in canonical order (the order every committed output uses). */
export function sortCanonical(records: readonly Value[]): Value[] {
  return records
    .map((r) => [canonical(r), r] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((x) => x[1]);
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
