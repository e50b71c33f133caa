// The engine's fast paths give exactly what the definitions they replace give: canonical's
// JSON.stringify shortcut writes what the recursive definition writes (so sortCanonical orders as
// the definition does), and split-words splits as s.split(/\s+/) without empties does.

import test from 'ava';
import fc from 'fast-check';
import { canonical, canonicalByDefinition, sortCanonical, type Value } from '../reference/program/value.js';
import { resolveFn } from '../reference/program/functions.js';

const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.double(),
    fc.string({ unit: 'binary' }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.string(), tie('v'), { maxKeys: 3 }),
  ),
})).v;

test('sortCanonical orders records exactly as the canonical definition does, ties kept in order', (t) => {
  fc.assert(
    fc.property(fc.array(value, { maxLength: 40 }), (records) => {
      t.true(records.every((r) => canonical(r) === canonicalByDefinition(r)));
      const expected = records
        .map((r, i) => ({ text: canonicalByDefinition(r), r, i }))
        .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.i - b.i))
        .map((x) => x.r);
      const actual = sortCanonical(records);
      t.is(actual.length, expected.length);
      actual.forEach((r, i) => t.is(r, expected[i]!));
    }),
  );
});

test('split-words splits on every white space character /\\s/ knows, dropping empty words', (t) => {
  const split = resolveFn('flatMap', 'split-words');
  const spaces = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
  const text = fc.array(fc.oneof(fc.constantFrom(...spaces), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join(''));
  fc.assert(fc.property(text, (s) => t.deepEqual(split(s), s.split(/\s+/).filter((w) => w.length > 0))));
});
