// The registry functions added with the rest of the DStream API, against their Spark/Scala
// definitions: String.toInt, a pair built from two functions, a record and a derived record, a list
// element, the per-batch RDD functions (distinct, takeOrdered, sortBy + zipWithIndex, union,
// intersection, subtract, join, map), the partition functions, and the time-aware update and
// mapping functions (one of which returns Spark's None).

import test from 'ava';
import fc from 'fast-check';
import { FunctionError, resolveFn } from '../reference/program/functions.js';
import { canonical, type Value } from '../reference/program/value.js';

const texts = (xs: readonly Value[]) => xs.map(canonical).sort();
const smallValue = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', 'c'));

test('parse-int: the integer a decimal text spells (Integer.parseInt), and a FunctionError for anything else', (t) => {
  const parse = resolveFn('map', 'parse-int');
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => parse(String(n)) === n && (Math.abs(n) > 2 ** 31 - 1 || parse(`+${Math.abs(n)}`) === Math.abs(n))));
  for (const bad of ['', ' 1', '1.5', '0x10', '1e3', 'one', '2147483648', '-']) t.throws(() => parse(bad), { instanceOf: FunctionError }, bad);
  t.throws(() => parse(7), { instanceOf: FunctionError });
  t.is(Object.is(parse('-0'), -0), false, '-0 parses to 0 (Java has no negative zero int)');
});

test('pair-of: [F(x), G(x)]; with-derived: x then F(x); element: list(N) or a FunctionError outside it', (t) => {
  const pairOf = resolveFn('map', { name: 'pair-of', arg: ['first-char', 'length'] });
  const derived = resolveFn('flatMap', { name: 'with-derived', arg: { name: 'add', arg: 3 } });
  const second = resolveFn('map', { name: 'element', arg: 1 });
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: -1000, max: 1000 }), fc.array(fc.integer(), { maxLength: 4 }), (s, n, list) => {
      if (canonical(pairOf(s)) !== canonical([s.slice(0, 1), s.length])) return false;
      if (canonical(derived(n)) !== canonical([n, n + 3])) return false;
      if (list.length > 1) return second(list) === list[1];
      try {
        second(list);
        return false;
      } catch (error) {
        return error instanceof FunctionError;
      }
    }),
  );
  t.pass();
});

test('property: the RDD functions meet their definitions over drawn batches', (t) => {
  const batch = fc.array(smallValue, { maxLength: 12 });
  fc.assert(
    fc.property(batch, batch, fc.integer({ min: 1, max: 6 }), (a, b, n) => {
      const inB = new Set(b.map(canonical));
      const distinct = [...new Set(a.map(canonical))].sort();
      const checks: [string, Value[], string[]][] = [
        ['distinct', resolveFn('rdd', 'distinct')([a]), distinct],
        ['take-ordered', resolveFn('rdd', { name: 'take-ordered', arg: n })([a]), a.map(canonical).sort().slice(0, n)],
        ['union', resolveFn('rdd', 'union')([a, b, a]), [...a, ...b, ...a].map(canonical).sort()],
        ['intersection', resolveFn('rdd', 'intersection')([a, b]), distinct.filter((x) => inB.has(x))],
        ['subtract', resolveFn('rdd', 'subtract')([a, b]), a.map(canonical).filter((x) => !inB.has(x)).sort()],
        ['map', resolveFn('rdd', { name: 'map', arg: 'to-string' })([a]), a.map((x) => canonical(typeof x === 'string' ? x : String(x))).sort()],
      ];
      for (const [name, got, want] of checks) {
        if (JSON.stringify(texts(got)) !== JSON.stringify(want)) throw new Error(`${name}: got ${JSON.stringify(texts(got))}, want ${JSON.stringify(want)}`);
      }
      const ranked = resolveFn('rdd', 'sort-with-index')([a]) as [Value, number][];
      if (ranked.some(([, i], k) => i !== k) || JSON.stringify(ranked.map(([x]) => canonical(x))) !== JSON.stringify(a.map(canonical).sort())) throw new Error('sort-with-index');
    }),
  );
  t.pass();
});

test('property: rdd join pairs every value of a key on the left with every value of it on the right', (t) => {
  const pairs = fc.array(fc.tuple(fc.constantFrom('k', 'l', 'm'), fc.integer({ min: 0, max: 3 })), { maxLength: 8 });
  fc.assert(
    fc.property(pairs, pairs, (a, b) => {
      const want: Value[] = [];
      for (const [k, v] of a) for (const [k2, w] of b) if (k === k2) want.push([k, [v, w]]);
      return JSON.stringify(texts(resolveFn('rdd', 'join')([a, b]))) === JSON.stringify(texts(want));
    }),
  );
  t.pass();
});

test('partition functions: Iterator(x.sum), Iterator(x.size), and the maximum or nothing', (t) => {
  t.deepEqual(resolveFn('partition', 'partition-sum')([1, 2, 3]), [6]);
  t.deepEqual(resolveFn('partition', 'partition-sum')([]), [0]);
  t.deepEqual(resolveFn('partition', 'partition-count')(['a', 'b']), [2]);
  t.deepEqual(resolveFn('partition', 'partition-max')([-4, -2]), [-2]);
  t.deepEqual(resolveFn('partition', 'partition-max')([]), []);
});

test('time-aware functions: add-batch-time adds the time only with values; first-seen-time emits once, then None', (t) => {
  const add = resolveFn('update', 'add-batch-time');
  t.is(add([1], undefined, 3000), 3000);
  t.is(add([], 3000, 4000), 3000);
  t.is(add([1, 1], 3000, 5000), 8000);
  t.is(add([], undefined, 5000), 0);
  const first = resolveFn('stateMapping', 'first-seen-time');
  t.deepEqual(first('k', 1, undefined, false, 2000), { emit: ['k', 2000], state: 2000 });
  t.deepEqual(first('k', 1, 2000, false, 3000), { emit: undefined, state: 'keep' });
  t.deepEqual(first('k', undefined, 2000, true, 9000), { emit: undefined, state: 'keep' });
  const silent = resolveFn('stateMapping', 'silent-sum');
  t.deepEqual(silent('k', 4, 5, false, 1000), { emit: undefined, state: 9 });
});
