// Issue 12: a verdict says what it rests on. A failure that does not reproduce on re-runs is FLAKY,
// apart from FAIL everywhere it is shown; a nondeterministic SUT is NONDETERMINISTIC under
// --check-determinism, not a false FAIL; --resume refuses a changed manifest and conflicting
// options; shrinking prints only a case re-run and seen failing, with a path that draws that very
// case, says when it may not be minimal, and an interrupted shrink resumes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { drawnAtPath } from '../harness/case/drawn-at-path.js';
import { faultProfile, type Level } from '../harness/case/conformance-level.js';
import { loadManifest } from '../harness/protocol/manifest.js';
import { scenarioNamed } from '../scenarios/catalog.js';
import { junit10Problems } from './helpers/junit10-problems.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const referenceFile = path.join(root, 'harness/protocol/reference-engine.manifest.json');
const referenceManifest = JSON.parse(fs.readFileSync(referenceFile, 'utf8')) as Record<string, unknown>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-verdicts-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const streamcheck = (args: string[]) => execa('node', [cli, ...args], { cwd: root, reject: false, env: { CI: '1' } });

function manifest(name: string, m: Record<string, unknown>): string {
  const file = path.join(tmp, `${name}.manifest.json`);
  fs.writeFileSync(file, JSON.stringify({ ...m, cwd: root }));
  return file;
}

test('a nondeterministic SUT is NONDETERMINISTIC under --check-determinism, and a false FAIL without it', async (t) => {
  const sut = path.join(root, 'test/fixtures/nondeterministic-engine.manifest.json');
  const checked = await streamcheck(['run', '--sut', sut, '--scenarios', 'word-count', '--level', 'L1', '--cases', '2', '--seed', '5', '--workers', '2', '--check-determinism', '--db', path.join(tmp, 'nd', 'a.sqlite')]);
  t.is(checked.exitCode, 1, checked.stdout + checked.stderr);
  t.regex(checked.stdout, /^NONDETERMINISTIC: 2 cases, 0 failed, 0 unknown, 2 nondeterministic;/m, checked.stdout);
  t.notRegex(checked.stdout, /^FAIL /m);
  const d = new Database(path.join(tmp, 'nd', 'a.sqlite'), { readonly: true });
  t.deepEqual(d.prepare('SELECT outcome, COUNT(*) AS n FROM case_outcomes GROUP BY outcome').all(), [{ outcome: 'nondeterministic', n: 2 }]);
  d.close();
  t.regex(fs.readFileSync(path.join(tmp, 'nd', 'report.md'), 'utf8'), /## Nondeterministic/);

  const unchecked = await streamcheck(['run', '--sut', sut, '--scenarios', 'word-count', '--level', 'L1', '--cases', '1', '--seed', '5', '--no-shrink', '--reruns', '0', '--db', path.join(tmp, 'nd', 'b.sqlite')]);
  t.is(unchecked.exitCode, 1);
  t.regex(unchecked.stdout, /^FAIL: 1 case, 1 failed/m, 'without the check the same SUT looks like a failure');
});

test('the reference engine is deterministic: --check-determinism passes it', async (t) => {
  const r = await streamcheck(['run', '--scenarios', 'word-count', '--level', 'L1', '--cases', '2', '--seed', '5', '--workers', '2', '--check-determinism', '--db', path.join(tmp, 'det', 'a.sqlite')]);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /^PASS: 2 cases, 0 failed, 0 unknown;/m);
});

test('a failure that does not reproduce on re-runs is FLAKY with its rate, apart from FAIL, and fails the exit status unless --allow-flaky', async (t) => {
  const run = async (name: string, extra: string[]) => {
    const once = path.join(tmp, `${name}.once`);
    const sut = manifest(name, { ...JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/lossy-engine.manifest.json'), 'utf8')), command: ['node', 'dist/test/fixtures/flaky-engine.js'], env: { NODE_EXTRA_CA_CERTS: '', FLAKY_ENGINE_ONCE_FILE: once } });
    const dir = path.join(tmp, name);
    const r = await streamcheck(['run', '--sut', sut, '--scenarios', 'word-count', '--level', 'L3', '--cases', '2', '--seed', '7', '--workers', '1', '--reruns', '3', '--db', path.join(dir, 's.sqlite'), '--report', path.join(dir, 'report.md'), '--junit', path.join(dir, 'junit.xml'), ...extra]);
    return { r, dir, landed: fs.existsSync(once) };
  };
  const { r, dir, landed } = await run('flaky', []);
  t.true(landed, 'the fixture misbehaved once (a case restarted)');
  t.is(r.exitCode, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /FLAKY: reproduced in 1 of 4 runs; not shrunk/);
  t.regex(r.stdout, /^FLAKY: 2 cases, 0 failed, 1 flaky, 0 unknown;/m, r.stdout);
  t.regex(r.stdout, /^ {2}FLAKY \S+ found by \S+ in word-count: 1 case/m);
  const d = new Database(path.join(dir, 's.sqlite'), { readonly: true });
  t.deepEqual(d.prepare('SELECT outcome, reruns, reproduced FROM case_outcomes').all(), [{ outcome: 'flaky', reruns: 3, reproduced: 0 }]);
  t.is((d.prepare('SELECT COUNT(*) AS n FROM counterexamples').get() as { n: number }).n, 0, 'a flaky case is no counterexample');
  d.close();
  t.regex(fs.readFileSync(path.join(dir, 'report.md'), 'utf8'), /## Flaky failures[^\n]*\n[\s\S]*\*\*FLAKY\*\*: reproduced in 1 of 4 runs/);
  t.regex(fs.readFileSync(path.join(dir, 'report.html'), 'utf8'), /class="t-flaky">FLAKY/);
  const junit = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
  t.regex(junit, /<failure type="flaky" message="flaky: FLAKY \(reproduced in 1 of 4 runs\)/);
  t.deepEqual(junit10Problems(junit), [], 'still junit-10');

  const allowed = await run('flaky-allowed', ['--allow-flaky']);
  t.is(allowed.r.exitCode, 0, allowed.r.stdout + allowed.r.stderr);
  t.regex(allowed.r.stdout, /1 flaky case allowed by --allow-flaky/);
});

test('--resume refuses a changed manifest and options that conflict with the stored ones, one line each, exit 2', async (t) => {
  const sut = manifest('resume', { ...referenceManifest, name: 'reference engine, resumed' });
  const db = path.join(tmp, 'resume', 's.sqlite');
  const first = await streamcheck(['run', '--sut', sut, '--scenarios', 'word-count', '--level', 'L1', '--cases', '1', '--seed', '3', '--db', db]);
  t.is(first.exitCode, 0, first.stdout + first.stderr);

  const again = await streamcheck(['run', '--resume', '--db', db]);
  t.is(again.exitCode, 0, again.stdout + again.stderr);
  const conflicting = await streamcheck(['run', '--resume', '--db', db, '--no-shrink', '--seed', '4', '--level', 'L1']);
  t.is(conflicting.exitCode, 2, conflicting.stdout + conflicting.stderr);
  const lines = conflicting.stderr.trim().split('\n');
  t.deepEqual(lines, [
    'streamcheck: error: --seed conflicts with suite 1, which started with --seed 3: resume without it, or start a new suite',
    'streamcheck: error: --no-shrink conflicts with suite 1, which started with shrinking on: resume without it, or start a new suite',
  ]);

  fs.writeFileSync(sut, JSON.stringify({ ...referenceManifest, cwd: root, name: 'reference engine, edited' }));
  const edited = await streamcheck(['run', '--resume', '--db', db]);
  t.is(edited.exitCode, 2, edited.stdout + edited.stderr);
  t.regex(edited.stderr, /^streamcheck: error: --resume: the manifest \S+ changed since suite 1 started \(sha256 [0-9a-f]{12} then, [0-9a-f]{12} now\); start a new suite$/);
  t.notRegex(edited.stderr, /\n\s+at /, 'no stack trace');
});

test('shrinking prints a case re-run and seen failing whose path draws it, says when it may not be minimal, and resumes', async (t) => {
  const sut = manifest('bug', { ...referenceManifest, name: 'reference engine with forget-pending-batches', env: { STREAMCHECK_REFERENCE_BUG: 'forget-pending-batches' } });
  const db = path.join(tmp, 'shrink', 's.sqlite');
  const r = await streamcheck(['run', '--sut', sut, '--scenarios', 'stateful-word-count', '--level', 'L3', '--cases', '6', '--seed', '14', '--workers', '2', '--reruns', '1', '--max-failures', '1', '--shrink-budget', '4s', '--db', db]);
  t.is(r.exitCode, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /stopped early: \d+ failing cases reached --max-failures/);
  t.regex(r.stdout, /shrinking stopped at its budget after \d+ candidates: this case was re-run and seen failing, but it may not be minimal/);
  const fail = /^FAIL scenario=(\S+) seed=(\d+) path=(\S+): (\S+)/m.exec(r.stdout);
  t.truthy(fail, r.stdout);

  const d = new Database(db, { readonly: true });
  const progress = d.prepare('SELECT path, state, verified_path FROM shrink_progress').get() as { path: string; state: string; verified_path: string | null };
  t.is(progress.state, 'budget-ended');
  t.is(progress.verified_path, fail![3]!);
  // Every candidate stored as failing draws, from its path, exactly the case that was run.
  const caps = faultProfile('L3' as Level, loadManifest(sut).manifest);
  const failing = d.prepare("SELECT seed, path, case_json FROM cases WHERE role = 'shrink' AND verdict = 'fail'").all() as { seed: number; path: string; case_json: string }[];
  t.true(failing.length >= 1);
  for (const f of failing) t.deepEqual(drawnAtPath(scenarioNamed('stateful-word-count'), caps, f.seed, f.path)?.scenarioCase, JSON.parse(f.case_json), `path ${f.path}`);
  d.close();

  // The printed replay line gives the same failure.
  const replay = /^ {2}replay: npx streamcheck (replay .*)$/m.exec(r.stdout)!;
  const again = await streamcheck(replay[1]!.match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"(.*)"$/, '$1')));
  t.is(again.exitCode, 1, again.stdout);
  t.true(again.stdout.startsWith(`FAIL scenario=${fail![1]} seed=${fail![2]} path=${fail![3]}: ${fail![4]}`), again.stdout.slice(0, 300));

  // --resume continues the shrink from the stored path.
  const resumed = await streamcheck(['run', '--resume', '--db', db, '--shrink-budget', '2s', '--max-failures', '1']);
  t.regex(resumed.stdout, new RegExp(`resuming the shrink of case \\d+ \\(scenario=stateful-word-count seed=\\d+\\) from path ${progress.path.replace(/:/g, ':')}`), resumed.stdout + resumed.stderr);
});
