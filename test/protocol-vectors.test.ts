// The language-neutral spec stays true: harness/protocol/vectors/*.json are exactly what the registry
// and the canonical JSON compute now (regenerate with `node dist/tools/write-protocol-vectors.js`),
// they carry the JavaScript edge cases a SUT in another language gets wrong, and PROTOCOL.md's
// statement about RFC 8785 (JCS) holds: the canonical text equals JCS's for every value of the
// vectors except strings with a lone surrogate, which JCS rejects; record order is ours alone.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import canonicalize from 'canonicalize';
import { protocolVectorFiles } from '../harness/protocol/protocol-vectors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'harness/protocol/vectors');
const files = protocolVectorFiles();

for (const [name, expected] of Object.entries(files)) {
  test(`vectors/${name} is current`, (t) => {
    const actual = fs.readFileSync(path.join(dir, name), 'utf8');
    t.true(actual === expected, `harness/protocol/vectors/${name} differs from what the code computes: run node dist/tools/write-protocol-vectors.js and commit it`);
  });
}

interface FnEntry { kind: string; name: string; vectors: Record<string, unknown>[] }
const fns = JSON.parse(files['functions.json']!) as { functions: FnEntry[] };
const vector = (kind: string, name: string, x: unknown) => fns.functions.find((f) => f.kind === kind && f.name === name)!.vectors.find((v) => JSON.stringify(v['x']) === JSON.stringify(x));

test('the function vectors carry JavaScript edge cases: UTF-16 lengths, \\s, toUpperCase, safe integers', (t) => {
  t.is(vector('map', 'length', '\u{1F600}x')?.['out'], 3);
  t.deepEqual(vector('flatMap', 'split-words', 'nbsp\u00a0x')?.['out'], ['nbsp', 'x']);
  t.deepEqual(vector('flatMap', 'split-words', 'bom\ufeffx')?.['out'], ['bom', 'x']);
  t.deepEqual(vector('flatMap', 'split-words', 'nel\u0085x')?.['out'], ['nel\u0085x']);
  t.is(vector('map', 'to-upper', 'ß')?.['out'], 'SS');
  t.is(vector('map', 'to-upper', 'ﬁ')?.['out'], 'FI');
  t.is(vector('map', 'first-char', '\u{1F600}x')?.['out'], '\ud83d');
  t.true(vector('map', 'parse-int', '2147483648')?.['error'] === true);
  t.is(vector('map', 'negate', -Number.MAX_SAFE_INTEGER)?.['out'], Number.MAX_SAFE_INTEGER);
  const kinds = new Set(fns.functions.map((f) => f.kind));
  t.deepEqual([...kinds].sort(), ['filter', 'flatMap', 'inverse', 'map', 'partition', 'rdd', 'reduce', 'stateMapping', 'update']);
  for (const f of fns.functions) t.true(f.vectors.length > 0, `${f.kind} ${f.name} has no vector`);
});

test('canonical JSON agrees with RFC 8785 (JCS) except on lone surrogates, which JCS rejects', (t) => {
  const cj = JSON.parse(files['canonical-json.json']!) as { values: { value: unknown; canonical: string }[] };
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  let compared = 0;
  for (const { value, canonical } of cj.values) {
    if (typeof value === 'string' && lone.test(value)) {
      t.throws(() => canonicalize(value), undefined, `JCS takes ${canonical}`);
      continue;
    }
    t.is(canonicalize(value) ?? "(undefined)", canonical, `value ${canonical}`);
    compared++;
  }
  t.true(compared >= 20);
});
