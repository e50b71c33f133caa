// The regression corpus (issue 12 item 7): a failing case found by `run` is kept (table corpus and
// corpus.json), the next run against the same SUT replays it first and says so, and `corpus
// export/import` write and validate a JSON file a user can commit.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { variantManifest } from '../harness/selftest/variant-manifest.js';
import { corpusFileSchema, manifestHash, mergeCorpus, type CorpusEntry } from '../harness/store/corpus-file.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-corpus-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const entry = (over: Partial<CorpusEntry> = {}): CorpusEntry => ({ sut: 's', manifestHash: 'a'.repeat(64), scenario: 'word-count', seed: 1, path: '0', level: 'L2', killAtEvents: '1:4', anomaly: 'lost-batch', addedAt: '2026-01-01T00:00:00Z', ...over });

test('a corpus keeps a case once, whatever the order of merging', (t) => {
  const a = [entry(), entry({ seed: 2 })];
  const m = mergeCorpus(a, [entry({ seed: 2, addedAt: 'later' }), entry({ seed: 3 })]);
  t.is(m.added, 1);
  t.deepEqual(m.entries.map((e) => e.seed), [1, 2, 3]);
  t.is(manifestHash({ b: 1, a: [1, { d: 2, c: 3 }] }), manifestHash({ a: [1, { c: 3, d: 2 }], b: 1 }));
});

test.serial('run keeps its failures, the next run replays them first, and export/import move them', async (t) => {
  const { file: sut } = variantManifest('append-output-on-rerun', path.join(tmp, 'manifests'));
  const suiteDir = path.join(tmp, 'suite');
  const first = await execa('node', [cli, 'run', '--sut', sut, '--level', 'L2', '--cases', '12', '--seed', '5', '--workers', '2', '--no-shrink', '--db', path.join(suiteDir, 'first.sqlite')], { reject: false, timeout: 240_000 });
  t.is(first.exitCode, 1, first.stdout + first.stderr);
  const corpusFile = path.join(suiteDir, 'corpus.json');
  const corpus = corpusFileSchema.parse(JSON.parse(fs.readFileSync(corpusFile, 'utf8')));
  t.true(corpus.entries.length >= 1);
  t.regex(first.stdout, /corpus: \d+ new failure\(s\) added to/);
  const db = new Database(path.join(suiteDir, 'first.sqlite'), { readonly: true });
  const found = db.prepare("SELECT count(*) AS n FROM corpus WHERE role = 'found'").get() as { n: number };
  db.close();
  t.is(found.n, corpus.entries.length);
  for (const e of corpus.entries) t.like(e, { sut: 'streamcheck reference engine with bug append-output-on-rerun', level: 'L2' });

  // The next run against the same SUT replays the stored failures before its own cases.
  const second = await execa('node', [cli, 'run', '--sut', sut, '--level', 'L2', '--cases', '1', '--seed', '6', '--workers', '2', '--no-shrink', '--db', path.join(suiteDir, 'second.sqlite')], { reject: false, timeout: 240_000 });
  t.regex(second.stdout, new RegExp(`corpus: replaying ${corpus.entries.length} stored failure\\(s\\) of this SUT`));
  t.regex(second.stdout, new RegExp(`corpus: ${corpus.entries.length} stored failure\\(s\\) replayed, [1-9]\\d* failed again`));
  t.is(second.exitCode, 1);
  const db2 = new Database(path.join(suiteDir, 'second.sqlite'), { readonly: true });
  const replayed = db2.prepare("SELECT c.verdict, c.case_index FROM corpus k JOIN cases c ON c.id = k.case_id WHERE k.role = 'replayed'").all() as { verdict: string; case_index: number }[];
  db2.close();
  t.is(replayed.length, corpus.entries.length);
  t.true(replayed.every((r) => r.case_index >= 1), 'stored failures run as cases after the drawn ones\' indexes');

  // Another SUT's run replays none of them; --no-corpus neither replays nor adds.
  const other = await execa('node', [cli, 'run', '--level', 'L2', '--cases', '1', '--seed', '6', '--no-shrink', '--db', path.join(suiteDir, 'other.sqlite')], { reject: false, timeout: 240_000 });
  t.notRegex(other.stdout, /corpus: replaying/);

  // Export (from a database) and import (validated) round-trip.
  const exported = path.join(tmp, 'exported.json');
  const ex = await execa('node', [cli, 'corpus', 'export', exported, '--db', path.join(suiteDir, 'first.sqlite')], { reject: false });
  t.is(ex.exitCode, 0, ex.stderr);
  t.deepEqual(corpusFileSchema.parse(JSON.parse(fs.readFileSync(exported, 'utf8'))).entries, corpus.entries);
  const into = path.join(tmp, 'fresh', 'corpus.json');
  const im = await execa('node', [cli, 'corpus', 'import', exported, '--into', into], { reject: false });
  t.is(im.exitCode, 0, im.stderr);
  t.regex(im.stdout, new RegExp(`${corpus.entries.length} of ${corpus.entries.length} entr(y|ies) added`));
  const again = await execa('node', [cli, 'corpus', 'import', exported, '--into', into], { reject: false });
  t.regex(again.stdout, /^0 of \d+ entr(y|ies) added/);
});

test('a bad corpus file is refused with one line naming the field, exit 2', async (t) => {
  const bad = path.join(tmp, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ format: 'streamcheck-corpus', version: 1, entries: [{ ...entry(), seed: 'x' }] }));
  const r = await execa('node', [cli, 'corpus', 'import', bad, '--into', path.join(tmp, 'never.json')], { reject: false });
  t.is(r.exitCode, 2);
  t.regex(r.stderr, /^streamcheck: error: .*bad\.json: field entries\.0\.seed: [^\n]*$/);
  t.false(fs.existsSync(path.join(tmp, 'never.json')));
  fs.writeFileSync(bad, '{"format":"streamcheck-corpus","version":1,"entries":[],"extra":1}');
  const r2 = await execa('node', [cli, 'run', '--cases', '1', '--corpus', bad, '--db', path.join(tmp, 'x.sqlite')], { reject: false });
  t.is(r2.exitCode, 2);
  t.regex(r2.stderr, /bad\.json: field \(top level\)|bad\.json: field extra/);
});
