// Suites across machines: `run --shard i/n` splits a suite's cases so that every case runs on exactly
// one shard, and `merge` joins the shards into one suite equal to the unsharded suite of the same
// seed (same cases, fault plans and verdicts); shards of different suites are refused with one line.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { inShard, parseShard } from '../harness/run/shard.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-shard-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const streamcheck = (args: string[]) => execa('node', [cli, ...args], { cwd: tmp, reject: false, env: { CI: '1' } });
const suiteArgs = (seed: number) => ['run', '--cases', '7', '--seed', String(seed), '--level', 'L3', '--workers', '2'];

test('every case index belongs to exactly one shard', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(1000), (n, index) => {
      const owners = Array.from({ length: n }, (_, i) => parseShard(`${i + 1}/${n}`)).filter((s) => inShard(index, s));
      return owners.length === 1;
    }),
  );
  for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '1/3/4']) t.throws(() => parseShard(bad), undefined, bad);
});

/** A suite's cases as drawn (a timed kill's delay is resolved from the failure-free run's wall time, so only the drawn plan is compared). */
function caseRows(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  const rows = d.prepare("SELECT case_index, scenario, seed, path, case_json, fault_plan_json, verdict FROM cases WHERE role = 'case' ORDER BY case_index").all() as { fault_plan_json: string }[];
  d.close();
  return rows.map(({ fault_plan_json, ...r }) => ({ ...r, drawnPlan: (JSON.parse(fault_plan_json) as { drawn: unknown }).drawn }));
}

let shardFiles: Promise<string[]> | undefined;
/** Three shards of seed 21, run once for the tests below. */
function shards(): Promise<string[]> {
  shardFiles ??= (async () => {
    const files: string[] = [];
    for (const i of [1, 2, 3]) {
      const db = path.join(tmp, `shard-${i}.sqlite`);
      const r = await streamcheck([...suiteArgs(21), '--shard', `${i}/3`, '--db', db]);
      if (r.exitCode !== 0) throw new Error(`shard ${i}: ${r.stdout}${r.stderr}`);
      files.push(db);
    }
    return files;
  })();
  return shardFiles;
}

test('three shards merged equal the unsharded suite with the same seed', async (t) => {
  const files = await shards();
  const sizes = files.map((f) => caseRows(f).length);
  t.deepEqual(sizes, [3, 2, 2]);
  const whole = path.join(tmp, 'whole.sqlite');
  const w = await streamcheck([...suiteArgs(21), '--db', whole]);
  t.is(w.exitCode, 0, w.stdout + w.stderr);
  const merged = path.join(tmp, 'merged', 'all.sqlite');
  fs.mkdirSync(path.dirname(merged));
  const m = await streamcheck(['merge', ...[...files].reverse(), '--db', merged]);
  t.is(m.exitCode, 0, m.stdout + m.stderr);
  t.regex(m.stdout, /merged 3 shards, 7 cases/);
  t.deepEqual(caseRows(merged), caseRows(whole));
  t.true(fs.existsSync(path.join(tmp, 'merged', 'report.html')));
  const d = new Database(merged, { readonly: true });
  t.deepEqual(d.pragma('foreign_key_check'), []);
  const suites = d.prepare('SELECT seed, options_json FROM suites').all() as { seed: number; options_json: string }[];
  t.is(suites.length, 1);
  t.false('shard' in JSON.parse(suites[0]!.options_json));
  // Every row of every shard arrived, with its references moved along (faults hang off their runs' cases).
  for (const table of ['cases', 'runs', 'faults', 'process_exits', 'events']) {
    const sum = files.reduce((n, f) => {
      const s = new Database(f, { readonly: true });
      const c = (s.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      s.close();
      return n + c;
    }, 0);
    t.is((d.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n, sum, table);
  }
  const misplaced = d.prepare('SELECT COUNT(*) AS n FROM faults f JOIN runs r ON r.id = f.run_id WHERE r.case_id != f.case_id').get() as { n: number };
  t.is(misplaced.n, 0);
  d.close();
});

test('shards of different suites, a missing or repeated shard and an existing --db are refused with one line, writing nothing', async (t) => {
  const files = await shards();
  const other = path.join(tmp, 'other-seed.sqlite');
  const r = await streamcheck([...suiteArgs(22), '--shard', '3/3', '--db', other]);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  const target = path.join(tmp, 'refused.sqlite');
  const attempts: [string[], RegExp][] = [
    [[files[0]!, files[1]!, other], /not a shard of the suite .*: seed 22 against 21/],
    [[files[0]!, files[1]!], /shards 3\/3 missing/],
    [[files[0]!, files[1]!, files[1]!, files[2]!], /shard 2\/3 given twice/],
    [[files[0]!, path.join(tmp, 'nope.sqlite')], /no database/],
  ];
  for (const [args, message] of attempts) {
    const m = await streamcheck(['merge', ...args, '--db', target]);
    t.is(m.exitCode, 2, m.stderr);
    t.regex(m.stderr, message);
    t.is(m.stderr.trim().split('\n').length, 1, m.stderr);
    t.false(fs.existsSync(target));
  }
  const exists = await streamcheck(['merge', ...files, '--db', files[0]!]);
  t.is(exists.exitCode, 2);
  t.regex(exists.stderr, /exists/);
});
