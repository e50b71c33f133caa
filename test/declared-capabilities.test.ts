// Declared functions and workloads (PROTOCOL.md §1), and the "unsupported" answer (§3, exit 4): a
// SUT that declares two workloads, six operations and five functions is given exactly those (the
// fixture declines anything else with exit 4, so a program outside them would show as skipped); a
// SUT that claims more than it runs gets its declined cases counted as skipped, never failed; a
// suite whose every case was declined is inconclusive.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import fc from 'fast-check';
import { supportedScenarios } from '../harness/case/supported-scenarios.js';
import { loadManifest } from '../harness/protocol/manifest.js';
import { programVocabulary } from '../scenarios/program-vocabulary.js';
import { DECLARED_FUNCTIONS, DECLARED_OPERATIONS } from './fixtures/declared-sut-vocabulary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const fixture = path.join(root, 'test/fixtures/declared-sut.manifest.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-declared-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));
const streamcheck = (args: string[]) => execa('node', [cli, ...args], { cwd: root, reject: false, env: { CI: '1' } });

/** The fixture under another manifest: claiming every operation and function, as a SUT that says too much. */
function overclaiming(): string {
  const m = JSON.parse(fs.readFileSync(fixture, 'utf8')) as Record<string, unknown>;
  const reference = loadManifest(path.join(root, 'harness/protocol/reference-engine.manifest.json')).manifest;
  const { workloads: _w, functions: _f, ...rest } = m;
  const file = path.join(tmp, 'overclaiming.manifest.json');
  fs.writeFileSync(file, JSON.stringify({ ...rest, name: 'declared SUT claiming everything', cwd: root, operations: reference.operations }));
  return file;
}

test('the plan runs the two workloads and random programs within the declared vocabulary, and says why each other scenario cannot run', (t) => {
  const { choices, scenarios } = supportedScenarios(loadManifest(fixture).manifest);
  t.deepEqual(scenarios.map((s) => s.name).sort(), ['random', 'running-totals', 'word-count']);
  for (const c of choices.filter((x) => !x.runs)) t.regex(c.why, /^the SUT does not implement (operations? |functions? )/, c.name);
  t.regex(choices.find((c) => c.name === 'join')!.why, /operations? .*join/);
  t.regex(choices.find((c) => c.name === 'word-count')!.why, /workload/);
});

test('random programs for the fixture use only its operations and functions, and more than outputs', (t) => {
  const random = supportedScenarios(loadManifest(fixture).manifest).scenarios.find((s) => s.name === 'random')!;
  const used = new Set<string>();
  fc.assert(
    fc.property(random.config.chain((c) => random.program(c)), (program) => {
      const v = programVocabulary(program);
      for (const op of v.operations) {
        used.add(op);
        if (!DECLARED_OPERATIONS.includes(op)) return false;
      }
      for (const f of v.functions) if (!DECLARED_FUNCTIONS.includes(f)) return false;
      return true;
    }),
    { seed: 7, numRuns: 300 },
  );
  t.true(used.size >= 4, `operations drawn: ${[...used].join(', ')}`);
});

test('streamcheck scenarios lists what runs and one line per scenario that cannot, naming what is missing', async (t) => {
  const r = await streamcheck(['scenarios', '--sut', fixture]);
  t.is(r.exitCode, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.deepEqual(lines.filter((l) => l.startsWith('runs ')).map((l) => l.split(/\s+/)[1]).sort(), ['random', 'running-totals', 'word-count']);
  t.is(lines.filter((l) => l.startsWith('skips')).length, 10);
  t.regex(r.stdout, /skips\s+windowed-sums\s+the SUT does not implement operation reduceByKeyAndWindow and functions add, mod, subtract, value-nonzero$/m);
  t.regex(lines.at(-1)!, /3 of 13 scenarios run/);
});

test('a suite against the fixture draws only its workloads and programs within its vocabulary: nothing declined, everything passes', async (t) => {
  const db = path.join(tmp, 'declared', 'suite.sqlite');
  const r = await streamcheck(['run', '--sut', fixture, '--cases', '9', '--seed', '5', '--workers', '2', '--level', 'L2', '--db', db, '--no-shrink']);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /skipping scenario join: the SUT does not implement/);
  const d = new Database(db, { readonly: true });
  const rows = d.prepare("SELECT scenario, verdict, count(*) AS n FROM cases WHERE role = 'case' GROUP BY scenario, verdict ORDER BY scenario").all();
  d.close();
  t.deepEqual(rows, [
    { scenario: 'random', verdict: 'pass', n: 3 },
    { scenario: 'running-totals', verdict: 'pass', n: 3 },
    { scenario: 'word-count', verdict: 'pass', n: 3 },
  ]);
});

test('cases the SUT declines with exit 4 are skipped, never failed, in the terminal, report.md and JUnit', async (t) => {
  const db = path.join(tmp, 'declines', 'suite.sqlite');
  const junit = path.join(tmp, 'declines', 'junit.xml');
  const r = await streamcheck(['run', '--sut', overclaiming(), '--scenarios', 'word-count,join', '--cases', '4', '--seed', '2', '--workers', '2', '--level', 'L1', '--db', db, '--junit', junit]);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /^PASS: 4 cases, 0 failed, 0 unknown, 2 skipped \(declined by the SUT\)/m);
  t.regex(r.stdout, /skipped 2 join: declared-sut: cannot run program "join": no join, leftOuterJoin, window/);
  const d = new Database(db, { readonly: true });
  t.deepEqual(d.prepare("SELECT scenario, verdict FROM cases WHERE role = 'case' ORDER BY case_index").all(), [
    { scenario: 'word-count', verdict: 'pass' },
    { scenario: 'join', verdict: 'skipped' },
    { scenario: 'word-count', verdict: 'pass' },
    { scenario: 'join', verdict: 'skipped' },
  ]);
  d.close();
  const md = fs.readFileSync(path.join(tmp, 'declines', 'report.md'), 'utf8');
  t.regex(md, /## Skipped: declined by the SUT \(2\)/);
  const xml = fs.readFileSync(junit, 'utf8');
  t.regex(xml, /skipped="2"/);
  t.is(xml.match(/<skipped message="declined by the SUT \(exit 4\): declared-sut: cannot run program/g)?.length, 2);
  t.false(xml.includes('<failure'));
});

test('a suite whose every case was declined is inconclusive, not a pass', async (t) => {
  const db = path.join(tmp, 'all-declined', 'suite.sqlite');
  const r = await streamcheck(['run', '--sut', overclaiming(), '--scenarios', 'join', '--cases', '2', '--seed', '2', '--workers', '2', '--level', 'L1', '--db', db]);
  t.is(r.exitCode, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /^UNKNOWN: 2 cases, 0 failed, 0 unknown, 2 skipped \(declined by the SUT: every case, so nothing was tested\)/m);
});

test('--time-budget alone runs until the budget and ends the suite as finished', async (t) => {
  const db = path.join(tmp, 'budget', 'suite.sqlite');
  const r = await streamcheck(['run', '--sut', fixture, '--scenarios', 'word-count', '--time-budget', '3s', '--seed', '1', '--workers', '2', '--level', 'L1', '--db', db]);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /cases until the time budget \(3 s\)/);
  t.false(r.stdout.includes('resume with --resume'));
  const d = new Database(db, { readonly: true });
  const suite = d.prepare('SELECT finished_at, options_json FROM suites').get() as { finished_at: string | null; options_json: string };
  d.close();
  t.not(suite.finished_at, null);
  t.true((JSON.parse(suite.options_json) as { cases: number }).cases > 100);
});

test('a manifest naming an unknown workload or function is one line naming the field, exit 2', async (t) => {
  for (const [field, value, where] of [['workloads', ['word-count', 'no-such'], 'workloads.1'], ['functions', ['sum', 'no-such-fn'], 'functions.1']] as const) {
    const m = { ...(JSON.parse(fs.readFileSync(fixture, 'utf8')) as Record<string, unknown>), cwd: root, [field]: value };
    const file = path.join(tmp, `bad-${field}.manifest.json`);
    fs.writeFileSync(file, JSON.stringify(m));
    const r = await streamcheck(['scenarios', '--sut', file]);
    t.is(r.exitCode, 2, r.stdout + r.stderr);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.true(r.stderr.includes(`${where}:`), r.stderr);
  }
});
