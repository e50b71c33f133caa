// Record values for the three input types, with the skew real streams have: a few hot keys take
// most records, the rest form a long tail. Vocabularies are small so that keys repeat within a
// batch and across batches (joins match, state accumulates, windows overlap).

import * as fc from 'fast-check';
import type { InputType } from '../../reference/program/schema.js';
import type { Value } from '../../reference/program/value.js';

export const WORDS = ['spark', 'stream', 'batch', 'window', 'state', 'key', 'offset', 'replay', 'crash', 'late', 'sink', 'driver'] as const;
export const KEYS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'] as const;

/** Hot values first: the first `hot` entries are drawn three times as often as the whole list. */
function skewed<T>(values: readonly T[], hot: number): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values.slice(0, hot)) }, { weight: 2, arbitrary: fc.constantFrom(...values) });
}

export const word = skewed(WORDS, 3);
export const key = skewed(KEYS, 2);

/** A line of 1..5 words; now and then an empty line or one with extra white space. */
export const line: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' ')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '  spark   stream ', 'crash\tlate') },
);

/** Mostly small non-negative ints, some negative, a few larger. */
export const smallInt: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: -1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 21, max: 999 }) },
);

/** A pair [key, int] (input type "pair"). */
export const keyedInt: fc.Arbitrary<[string, number]> = fc.tuple(key, smallInt);

/** A JSON object (input type "json"): {key, n}. */
export const keyedObject: fc.Arbitrary<Value> = fc.record({ key, n: smallInt });

export function valueOf(type: InputType): fc.Arbitrary<Value> {
  switch (type) {
    case 'string':
      return line;
    case 'int':
      return smallInt;
    case 'pair':
      return keyedInt;
    case 'json':
      return keyedObject;
    default:
      return assertNever(type);
  }
}

function assertNever(x: never): never {
  throw new Error(`unknown input type ${JSON.stringify(x)}`);
}
