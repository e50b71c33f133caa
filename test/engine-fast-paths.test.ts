// The engine's fast paths give exactly what the definitions they replace give: canonical's
// hand-written text is what the recursive definition writes (so sortCanonical orders as the
// definition does), output files are built from those texts, split-words splits as s.split(/\s+/)
// without empties does, and pipelined element-wise chains compute what step-by-step batches do.

import test from 'ava';
import fc from 'fast-check';
import { canonical, canonicalByDefinition, sortCanonical, sortCanonicalWithTexts, type Value } from '../reference/program/value.js';
import { foldOfOnes, resolveFn, type FnRef } from '../reference/program/functions.js';
import { OUTPUT_FORMAT, outputFileText, outputFileTextOfJoined } from '../reference/sink/output-sink.js';
import { PipelinedRdd, type ElementStep } from '../reference/engine/pipelined-rdd.js';
import { Rdd } from '../reference/engine/rdd.js';
import { filterStep, flatMapStep, flatMapValuesStep, mapStep, mapValuesStep } from '../reference/operators/element-wise.js';
import { countByValueCombine, countCombine, reduceByKeyCombine, type CombineFn } from '../reference/operators/aggregations.js';
import { asPair } from '../reference/operators/keyed.js';
import { StringKeyDictionary } from '../reference/operators/string-key-dictionary.js';

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

test('canonical writes strings as JSON.stringify does, on the characters it escapes or could mis-order', (t) => {
  // Random binary strings rarely hold a quote, a backslash or a control character: draw from them.
  const special = fc.constantFrom('"', '\\', '\u0000', '\n', '\u001f', ' ', '!', '#', 'a', '\u007f', '\u00e9', '\u2028', '\ud800', '\udc00', '\ud83d\ude00', '\uffff');
  const text = fc.array(special, { maxLength: 6 }).map((cs) => cs.join(''));
  const record = fc.oneof(text, fc.tuple(text, fc.oneof(fc.integer(), fc.double(), text)));
  fc.assert(fc.property(fc.array(record, { maxLength: 8 }), (records) => {
    for (const r of records) t.is(canonical(r), canonicalByDefinition(r));
  }));
});

test('sortCanonicalWithTexts gives the records\' canonical texts joined, and sorted input (the check path) stays as it is', (t) => {
  fc.assert(
    fc.property(fc.array(value, { maxLength: 40 }), (records) => {
      const once = sortCanonicalWithTexts(records);
      t.is(once.joinedTexts, once.records.map(canonicalByDefinition).join(','));
      const twice = sortCanonicalWithTexts(once.records);
      t.is(twice.joinedTexts, once.joinedTexts);
      twice.records.forEach((r, i) => t.is(r, once.records[i]!));
    }),
  );
});

test('the output file text built from the records\' texts is the canonical text of the output object', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.nat(), fc.array(value, { maxLength: 10 }), (output, batchTimeMs, records) => {
      const expected = `${canonicalByDefinition({ format: OUTPUT_FORMAT, version: 1, output, batchTimeMs, records })}\n`;
      t.is(outputFileTextOfJoined(output, batchTimeMs, records.map(canonicalByDefinition).join(',')), expected);
      t.is(outputFileText(output, batchTimeMs, records), expected);
    }),
  );
});

// Pipelining: a chain of element-wise steps read by an aggregation in one pass gives what computing
// each step over its whole batch, one after another, gives: the same records, or the same error
// (the first failing step in chain order, at its first failing record), and a batch marked for a data
// checkpoint is computed with the records its step gives.
type StepSpec = { op: 'map' | 'flatMap' | 'filter' | 'mapValues' | 'flatMapValues'; fn: FnRef };
const stepSpec: fc.Arbitrary<StepSpec> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), fn: fc.constantFrom<FnRef>('identity', 'pair-with-one', 'length', 'to-upper', 'key', 'value', 'swap', 'negate', { name: 'add', arg: 1 }) }),
  fc.record({ op: fc.constant('flatMap' as const), fn: fc.constantFrom<FnRef>('split-words', 'duplicate', 'split-chars', 'digits') }),
  fc.record({ op: fc.constant('filter' as const), fn: fc.constantFrom<FnRef>('is-even', 'non-empty', { name: 'value-gt', arg: 0 }) }),
  fc.record({ op: fc.constant('mapValues' as const), fn: fc.constantFrom<FnRef>('negate', 'length', 'pair-with-one') }),
  fc.record({ op: fc.constant('flatMapValues' as const), fn: fc.constantFrom<FnRef>('duplicate', 'digits') }),
);
const record: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -30, max: 30 }),
  fc.constantFrom('a b', ' c  a', 'b', '', 'ab c'),
  fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: -3, max: 12 })),
);

function stepOf(s: StepSpec): ElementStep {
  switch (s.op) {
    case 'map': return mapStep(s.fn);
    case 'flatMap': return flatMapStep(s.fn);
    case 'filter': return filterStep(s.fn);
    case 'mapValues': return mapValuesStep(s.fn);
    case 'flatMapValues': return flatMapValuesStep(s.fn);
    default: throw new Error(`unknown step ${JSON.stringify(s.op satisfies never)}`);
  }
}

/** One step over a whole batch, as the engine computed it before pipelining. */
function wholeBatch(s: StepSpec, records: Value[]): Value[] {
  switch (s.op) {
    case 'map': return records.map(resolveFn('map', s.fn));
    case 'flatMap': return records.flatMap(resolveFn('flatMap', s.fn));
    case 'filter': return records.filter(resolveFn('filter', s.fn));
    case 'mapValues': { const f = resolveFn('map', s.fn); return records.map((r) => { const [k, v] = asPair(r, 'mapValues'); return [k, f(v)]; }); }
    case 'flatMapValues': { const f = resolveFn('flatMap', s.fn); return records.flatMap((r) => { const [k, v] = asPair(r, 'flatMapValues'); return f(v).map((x) => [k, x] as Value); }); }
    default: throw new Error(`unknown step ${JSON.stringify(s.op satisfies never)}`);
  }
}

type Outcome = { ok: Value[]; marked: Value[][] } | { error: string };
const outcome = (run: () => { ok: Value[]; marked: Value[][] }): Outcome => {
  try {
    return run();
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
};

/** reduceByKey as its definition says, written independently of the engine's combiners. */
function reduceByKeyReference(fn: FnRef, records: Value[]): Value[] {
  const f = resolveFn('reduce', fn);
  const acc = new Map<string, [Value, Value]>();
  for (const r of records) {
    const [k, v] = asPair(r, 'reduceByKey');
    const e = acc.get(canonicalByDefinition(k));
    if (e === undefined) acc.set(canonicalByDefinition(k), [k, v]);
    else e[1] = f(e[1], v);
  }
  return [...acc.values()];
}

const collect: CombineFn = (parent) => {
  const out: Value[] = [];
  PipelinedRdd.forEachRecord(parent, (x) => void out.push(x));
  return out;
};

test('a pipelined chain of element-wise steps gives the records, or the error, of computing each step over its whole batch', (t) => {
  // One reduceByKey for every run, as one stream sees batch after batch (its key cache carries over).
  const consumers: Record<string, { engine: CombineFn; reference: (records: Value[]) => Value[] }> = {
    reduceByKey: { engine: reduceByKeyCombine('sum'), reference: (records) => reduceByKeyReference('sum', records) },
    countByValue: { engine: countByValueCombine, reference: (records) => countByValueCombine(Rdd.of(records)) },
    count: { engine: countCombine, reference: (records) => [records.length] },
    collect: { engine: collect, reference: (records) => records },
  };
  fc.assert(
    fc.property(fc.array(record, { maxLength: 30 }), fc.array(fc.tuple(stepSpec, fc.boolean()), { minLength: 1, maxLength: 4 }), fc.constantFrom(...Object.keys(consumers)), (input, chain, consumer) => {
      const { engine, reference } = consumers[consumer]!;
      // The order of records inside a batch is not part of the contract: reduceByKey's is compared sorted.
      const order = (records: Value[]) => (consumer === 'reduceByKey' ? sortCanonical(records) : records);
      const expected = outcome(() => {
        let records = input;
        const marked: Value[][] = [];
        for (const [s, mark] of chain) {
          records = wholeBatch(s, records);
          if (mark) marked.push(records);
        }
        return { ok: order(reference(records)), marked };
      });
      const actual = outcome(() => {
        let rdd: Rdd<Value[]> = Rdd.of(input);
        const rdds: Rdd<Value[]>[] = [];
        for (const [s, mark] of chain) {
          rdd = new PipelinedRdd(rdd, stepOf(s));
          rdd.markedForCheckpoint = mark;
          if (mark) rdds.push(rdd);
        }
        const ok = order(engine(rdd));
        if (rdds.some((r) => !r.isComputed)) throw new Error('a batch marked for checkpointing was not computed');
        return { ok, marked: rdds.map((r) => r.force()) };
      });
      t.deepEqual(actual, expected, `chain ${JSON.stringify(chain)}, consumer ${consumer}`);
    }),
  );
});

// reduceByKey's string-key dictionary and word-count stage: batch after batch through one stream,
// the records (in canonical order, which the dictionary promises) or the error of the definition:
// split on /\s+/, pair with one, reduce, for lines of words over a small alphabet with every kind of
// white space, now and then a record that is not a line, and reduce functions that fail on ints.
const spaces = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
const line: fc.Arbitrary<Value> = fc.oneof(
  { weight: 20, arbitrary: fc.array(fc.oneof(fc.constantFrom(...spaces), fc.constantFrom('a', 'b', 'ab', 'ba', 'a!', '"', '\\', 'é', '\ud800', 'aaaaaaaaaaaaaaaa')), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.tuple(fc.constant('a'), fc.integer())) },
);

test('reduceByKey over split-words and pair-with-one counts as the definition does, batch after batch, in canonical order', (t) => {
  for (const fn of ['sum', 'max', 'concat'] as const) {
    const combine = reduceByKeyCombine(fn);
    const byPairs = reduceByKeyCombine(fn);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const expected = outcome(() => {
          const words = lines.flatMap((l) => resolveFn('flatMap', 'split-words')(l));
          return { ok: sortCanonical(reduceByKeyReference(fn, words.map((w) => [w, 1]))), marked: [] };
        });
        const chain = (): Rdd<Value[]> => new PipelinedRdd(new PipelinedRdd(Rdd.of(lines), flatMapStep('split-words')), mapStep('pair-with-one'));
        // The word-count stage (the chain recognised) and the dictionary fed pairs (a materialised chain).
        const stage = outcome(() => ({ ok: combine(chain()), marked: [] }));
        const dictionary = outcome(() => {
          const pairs = chain();
          pairs.force();
          return { ok: byPairs(pairs), marked: [] };
        });
        t.deepEqual(stage, expected, `${fn} over ${JSON.stringify(lines)}`);
        t.deepEqual(dictionary, expected, `${fn} over ${JSON.stringify(lines)}, pairs`);
      }),
    );
  }
});

// The dictionary on its own, over many batches of a vocabulary that keeps growing: a large first
// batch, then batches of a few keys or of many, so that new keys wait in the pool and are merged into
// ranked ones by binary search, the pool is ranked (and every key renumbered) when it grows, and
// ranked keys are picked by the dense scan and by the sparse sort. Batches of pairs and batches of
// lines share the dictionary, as one stream's batches do when some come materialised. Each batch
// gives [key, fold of its values] for every key it folded, in canonical order (keys with escapes
// included, whose texts order differently from the strings themselves), and their texts joined.
// The keys include ones the dictionary's table keeps apart by their characters alone: pairs of
// strings of one length with one FNV-1a hash (packed in the bucket, or compared with the kept
// characters when longer than eight or past U+00FF), a NUL, which the packing pads with.
const collisions = ['eynbvx', 'dxpdjf', 'ctwpup', 'jkidqr', 'eynbvx-longer', 'dxpdjf-longer', 'eynbvx\u20ac', 'dxpdjf\u20ac'];
const special = ['"', '\\', 'a"', 'a\\', '\u0001', 'a\u001f', '\ud800', '\ud83d\ude00', '\u00e9', '\u20ac', 'a\u0000', 'a\u0000\u0000', 'aaaaaaaaaaaaaaaaaaa', ...collisions];

test('the keys of the dictionary\'s collision cases collide: one length, one FNV-1a hash', (t) => {
  const fnv = (s: string) => [...s].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 0x01000193), 0x811c9dc5 | 0);
  for (let i = 0; i < collisions.length; i += 2) {
    t.is(collisions[i]!.length, collisions[i + 1]!.length);
    t.is(fnv(collisions[i]!), fnv(collisions[i + 1]!), `${collisions[i]} and ${collisions[i + 1]}`);
  }
});

test('the string-key dictionary gives each batch its keys\' folds in canonical order, with their texts, as the vocabulary grows', (t) => {
  const word = fc.oneof({ weight: 6, arbitrary: fc.nat(400).map((n) => `w${n}`) }, { weight: 1, arbitrary: fc.constantFrom(...special) });
  const key = fc.oneof({ weight: 12, arbitrary: word }, { weight: 1, arbitrary: fc.constantFrom('', 'a b') });
  const pair = fc.tuple(key, fc.integer({ min: -3, max: 9 }));
  const pairs = fc.oneof(fc.array(pair, { maxLength: 4 }), fc.array(pair, { minLength: 20, maxLength: 120 }));
  const line = fc.array(fc.tuple(word, fc.constantFrom(...spaces)), { maxLength: 5 }).map((ws) => ws.map(([w, space]) => `${w}${space}`).join(''));
  const lines = fc.oneof(fc.array(line, { maxLength: 3 }), fc.array(line, { minLength: 10, maxLength: 40 }));
  const batch = fc.oneof(pairs.map((p) => ({ kind: 'pairs' as const, pairs: p })), lines.map((l) => ({ kind: 'lines' as const, lines: l })));
  const f = resolveFn('reduce', 'sum');
  const split = resolveFn('flatMap', 'split-words');
  let pooledBatches = 0;
  let lineBatches = 0;
  fc.assert(
    fc.property(fc.array(pair, { minLength: 100, maxLength: 300 }), fc.array(batch, { maxLength: 30 }), fc.boolean(), (first, rest, closedForm) => {
      const dictionary = new StringKeyDictionary(f, closedForm ? foldOfOnes('sum') : undefined);
      const seen = new Set<string>();
      for (const b of [{ kind: 'pairs' as const, pairs: first }, ...rest]) {
        const folded: [string, number][] = b.kind === 'pairs' ? b.pairs : b.lines.flatMap((l) => split(l).map((w) => [w as string, 1] as [string, number]));
        if (folded.some(([k]) => !seen.has(k)) && seen.size > 0) pooledBatches += 1;
        for (const [k] of folded) seen.add(k);
        dictionary.begin();
        if (b.kind === 'pairs') for (const [k, v] of b.pairs) dictionary.fold(k, v);
        else {
          lineBatches += 1;
          for (const l of b.lines) dictionary.foldWords(l);
        }
        const { records, joinedTexts } = dictionary.end();
        t.deepEqual(records, sortCanonical(reduceByKeyReference('sum', folded)));
        t.is(joinedTexts, records.map(canonicalByDefinition).join(','));
      }
    }),
    { numRuns: 150 },
  );
  t.true(pooledBatches > 100, `only ${pooledBatches} batches brought new keys to a known vocabulary`);
  t.true(lineBatches > 100, `only ${lineBatches} batches of lines`);
});

test('foldOfOnes gives what folding its ones one by one gives', (t) => {
  const sum = resolveFn('reduce', 'sum');
  const ones = foldOfOnes('sum')!;
  let acc: Value = 1;
  for (let n = 1; n <= 1000; n++) {
    t.is(ones(n), acc);
    acc = sum(acc, 1);
  }
  t.is(foldOfOnes('max'), undefined);
});
