// Records are JSON values. Pairs (the keyed records of Spark's PairDStreamFunctions) are two-element
// arrays [key, value]. Every comparison and every output order goes through the canonical JSON text
// defined here, so that two runs, the model and a third-party engine agree byte for byte.

export type Value = number | string | boolean | null | Value[] | { [key: string]: Value };
export type Pair = [Value, Value];

/** True when JSON.stringify writes s as '"' + s + '"': no control character, quote, backslash or
 *  surrogate (JSON.stringify escapes a lone surrogate; paired ones are left to it too). */
function isPlainString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** The canonical text of a value without plain objects, written by hand (JSON.stringify's generic
 *  serializer costs several times more on the short records every output is made of); undefined when
 *  a plain object occurs, whose keys need sorting. Writes exactly what JSON.stringify writes: strings
 *  with escapes go to it, numbers print as String does (JSON's Number::toString) and non-finite ones
 *  as null. */
function objectFreeText(value: Value): string | undefined {
  switch (typeof value) {
    case 'string':
      return isPlainString(value) ? `"${value}"` : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default: {
      if (value === null) return 'null';
      if (!Array.isArray(value)) return undefined;
      let text = '[';
      for (let i = 0; i < value.length; i++) {
        const x = objectFreeText(value[i]!);
        if (x === undefined) return undefined;
        text += i === 0 ? x : `,${x}`;
      }
      return `${text}]`;
    }
  }
}

/** The definition: JSON text with object keys sorted and no white space. */
export function canonicalByDefinition(value: Value): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalByDefinition).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalByDefinition(value[k] as Value)}`).join(',')}}`;
}

/** JSON text with object keys sorted and no white space: the identity of a value. Values without
 *  objects (nearly every record) are written directly: every output is sorted by this. */
export function canonical(value: Value): string {
  return objectFreeText(value) ?? canonicalByDefinition(value);
}

/** Total order on values: by canonical text, compared as strings (code units). */
export function compareValues(a: Value, b: Value): number {
  const x = canonical(a);
  const y = canonical(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Records in canonical order together with their canonical texts joined by ',' (what an output
 *  file holds between the brackets of its records), so that whoever writes them out does not
 *  compute the texts a second time. */
export interface CanonicalRecords {
  records: Value[];
  joinedTexts: string;
}

/** Batches their maker put in canonical order and wrote the joined texts of (reduceByKey's
 *  string-key dictionary), so that the output neither checks, sorts nor writes them again. A batch
 *  is never changed once made (every operation makes a new array), so what is noted stays true. */
const inCanonicalOrder = new WeakMap<readonly Value[], string>();

/** Notes that batch.records are in canonical order and that batch.joinedTexts are their joined
 *  texts; returns the records. */
export function markCanonical(batch: CanonicalRecords): Value[] {
  inCanonicalOrder.set(batch.records, batch.joinedTexts);
  return batch.records;
}

/** A copy of the records in canonical order (the order every committed output uses), with their
 *  joined texts; equal texts keep their order. Each record's text is computed once, and records that
 *  are already in order (state, re-sorted lists) are only checked, not sorted; records markCanonical
 *  noted are taken as they are. */
export function sortCanonicalWithTexts(records: readonly Value[]): CanonicalRecords {
  const known = inCanonicalOrder.get(records);
  if (known !== undefined) return { records: records.slice(), joinedTexts: known };
  const n = records.length;
  const texts: string[] = new Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    texts[i] = canonical(records[i]!);
    if (sorted && i > 0 && texts[i - 1]! > texts[i]!) sorted = false;
  }
  if (sorted) return { records: records.slice(), joinedTexts: texts.join(',') };
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Ties fall back to the index, so the order does not depend on the sort being stable.
  order.sort((a, b) => {
    const x = texts[a]!;
    const y = texts[b]!;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const outRecords: Value[] = new Array(n);
  const outTexts: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    outRecords[i] = records[order[i]!]!;
    outTexts[i] = texts[order[i]!]!;
  }
  return { records: outRecords, joinedTexts: outTexts.join(',') };
}

/** A copy of the records in canonical order; equal texts keep their order. */
export function sortCanonical(records: readonly Value[]): Value[] {
  return sortCanonicalWithTexts(records).records;
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
