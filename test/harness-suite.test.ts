// The streamcheck command end to end: a passing suite against the reference engine; a broken SUT
// (the engine with a checkpoint bug switched on) caught, shrunk, and replayed from its printed line
// to the same failure; a suite killed with SIGKILL resumed without losing or repeating a case.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const referenceManifest = JSON.parse(fs.readFileSync(path.join(root, 'harness/protocol/reference-engine.manifest.json'), 'utf8')) as Record<string, unknown>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-suite-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

function buggyManifest(bug: string): string {
  const file = path.join(tmp, `${bug}.manifest.json`);
  fs.writeFileSync(file, JSON.stringify({ ...referenceManifest, name: `reference engine with ${bug}`, cwd: root, env: { STREAMCHECK_REFERENCE_BUG: bug } }));
  return file;
}

const streamcheck = (args: string[]) => execa('node', [cli, ...args], { cwd: root, reject: false, env: { CI: '1' } });

test('a suite against the reference engine passes, and every case, fault and exit is in SQLite', async (t) => {
  const db = path.join(tmp, 'pass', 'suite.sqlite');
  const r = await streamcheck(['run', '--cases', '10', '--seed', '3', '--workers', '2', '--db', db]);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /PASS: 10 cases, 0 failed, 0 unknown; \d+ faults landed, \d+ recovered/);
  const d = new Database(db, { readonly: true });
  const verdicts = d.prepare("SELECT verdict, COUNT(*) AS n FROM cases WHERE role = 'case' GROUP BY verdict").all();
  t.deepEqual(verdicts, [{ verdict: 'pass', n: 10 }]);
  const injected = (d.prepare("SELECT COUNT(*) AS n FROM faults WHERE injected = 1 AND kind != 'wipe-scratch'").get() as { n: number }).n;
  t.true(injected >= 5, `only ${injected} crashes injected`);
  const signals = (d.prepare("SELECT COUNT(*) AS n FROM process_exits WHERE type IN ('signal', 'killed-by-harness')").get() as { n: number }).n;
  t.true(signals >= 5, 'real SIGKILLs ended runs');
  d.close();
  t.true(fs.readFileSync(path.join(tmp, 'pass', 'report.md'), 'utf8').includes('PASS'));
});

test('a SUT that forgets pending batches on recovery is caught, shrunk, and replayed to the same failure', async (t) => {
  const sut = buggyManifest('forget-pending-batches');
  const db = path.join(tmp, 'bug', 'suite.sqlite');
  const r = await streamcheck(['run', '--sut', sut, '--scenarios', 'stateful-word-count', '--cases', '6', '--seed', '14', '--workers', '2', '--shrink-budget', '20s', '--db', db]);
  t.is(r.exitCode, 1, r.stdout + r.stderr);
  const fail = /^FAIL scenario=(\S+) seed=(\d+) path=(\S+): (\S+)/m.exec(r.stdout);
  t.truthy(fail, r.stdout);
  const replay = /^ {2}replay: npx streamcheck (replay .*)$/m.exec(r.stdout);
  t.truthy(replay, r.stdout);
  // The printed replay line, taken as it is.
  const args = replay![1]!.match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"(.*)"$/, '$1'));
  const again = await streamcheck(args);
  t.is(again.exitCode, 1, again.stdout + again.stderr);
  t.true(again.stdout.startsWith(`FAIL scenario=${fail![1]} seed=${fail![2]} path=${fail![3]}: ${fail![4]}`), again.stdout.slice(0, 400));
  t.regex(again.stdout, /timeline \(SUT events and injected faults on one clock\)/);
  const d = new Database(db, { readonly: true });
  t.true((d.prepare("SELECT COUNT(*) AS n FROM counterexamples").get() as { n: number }).n >= 1);
  t.true((d.prepare("SELECT COUNT(*) AS n FROM cases WHERE role = 'shrink'").get() as { n: number }).n >= 1, 'shrink candidates are stored');
  d.close();
});

test('a suite killed with SIGKILL resumes without losing or repeating a case', async (t) => {
  const db = path.join(tmp, 'resume', 'suite.sqlite');
  const first = execa('node', [cli, 'run', '--cases', '10', '--seed', '5', '--workers', '2', '--no-shrink', '--db', db], { cwd: root, reject: false });
  const finished = () => {
    if (!fs.existsSync(db)) return 0;
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (d.prepare("SELECT COUNT(*) AS n FROM cases WHERE role = 'case' AND verdict IS NOT NULL").get() as { n: number }).n;
    } catch {
      return 0;
    } finally {
      d.close();
    }
  };
  const pollMs = 200;
  const waitMaxMs = 120_000;
  for (let waited = 0; finished() < 3 && waited < waitMaxMs; waited += pollMs) await new Promise((r) => setTimeout(r, pollMs));
  first.kill('SIGKILL');
  const killed = await first;
  t.is(killed.signal, 'SIGKILL');
  const d1 = new Database(db, { readonly: true });
  const before = d1.prepare("SELECT id, case_index, verdict FROM cases WHERE role = 'case' AND verdict IS NOT NULL ORDER BY case_index").all() as { id: number; case_index: number }[];
  d1.close();
  t.true(before.length >= 3 && before.length < 10, `${before.length} cases finished before the kill`);

  const resumed = await streamcheck(['run', '--resume', '--db', db]);
  t.is(resumed.exitCode, 0, resumed.stdout + resumed.stderr);
  t.regex(resumed.stdout, new RegExp(`resuming suite 1: ${before.length} of 10 cases already done`));
  const d2 = new Database(db, { readonly: true });
  const after = d2.prepare("SELECT id, case_index, verdict FROM cases WHERE role = 'case' ORDER BY case_index").all() as { id: number; case_index: number; verdict: string }[];
  d2.close();
  t.deepEqual(after.map((c) => c.case_index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'every case exactly once');
  t.true(after.every((c) => c.verdict === 'pass'));
  for (const b of before) t.is(after.find((c) => c.case_index === b.case_index)?.id, b.id, `case ${b.case_index} was not run again`);
});

test('bad arguments get one line naming them', async (t) => {
  const r = await streamcheck(['run', '--time-budget', 'soon']);
  t.is(r.exitCode, 2);
  t.regex(r.stderr, /--time-budget must be a duration like 500ms, 90s, 2m or 1h, received "soon"/);
  const s = await streamcheck(['run', '--scenarios', 'word-count,nope']);
  t.is(s.exitCode, 2);
  t.regex(s.stderr, /unknown scenario "nope"/);
  const m = await streamcheck(['run', '--sut', '/nonexistent/manifest.json']);
  t.is(m.exitCode, 2);
  t.regex(m.stderr, /no manifest file \/nonexistent\/manifest.json/);
});
