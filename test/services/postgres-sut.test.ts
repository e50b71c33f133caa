// examples/postgres-sut, a SUT whose offsets, state and outputs live in PostgreSQL (a service its
// manifest declares): it conforms to its highest claimed level, L4, with the database server
// SIGKILLed and restarted during its runs; the service-kill fault counts as landed only when the
// server's process is gone; and the SUT refuses (exit 3) a database that lost committed batches.
// Run by `npm run test:services` (not `npm test`: a few minutes); skipped, saying so, without
// Debian's PostgreSQL server binaries.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import pg from 'pg';
import { loadManifest } from '../../harness/protocol/manifest.js';
import { ServiceSet } from '../../harness/process/service-set.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const manifestFile = path.join(root, 'examples/postgres-sut/manifest.json');
const HOW_TO_ENABLE = 'install Debian\'s PostgreSQL with `bash tools/install-debian-packages.sh` (apt-get install postgresql, as root; CI does)';

function postgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')));
  return versions.length === 0 ? null : path.join(base, versions.sort((a, b) => Number(a) - Number(b)).at(-1)!, 'bin');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-postgres-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2)[0]!);
  } catch {
    return false;
  }
}
const serverPid = (dir: string): number => Number(fs.readFileSync(path.join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);

if (postgresBin() === null) {
  test.skip(`postgres-sut with database kills — SKIPPED: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; ${HOW_TO_ENABLE}`, () => {});
} else {
  test.serial('postgres-sut conforms to level L4 with its database server SIGKILLed at every level from L2', async (t) => {
    const db = path.join(tmp, 'conformance', 's.sqlite');
    const r = await execa('node', [cli, 'conformance', '--sut', manifestFile, '--cases-per-level', '6', '--seed', '5', '--level-budget', '3m', '--db', db], { cwd: root, reject: false });
    t.log(r.stdout);
    t.is(r.exitCode, 0, r.stdout + r.stderr);
    t.regex(r.stdout, /conforms to level L4 \(highest claimed: L4\)/);
    t.regex(r.stdout, /L5 .*not claimed: its state lives in services \(postgres\)/);
    const d = new Database(db, { readonly: true });
    try {
      t.deepEqual(d.prepare("SELECT level, outcome FROM conformance_results WHERE outcome != 'not-claimed' ORDER BY id").all(), ['L1', 'L2', 'L3', 'L4'].map((level) => ({ level, outcome: 'pass' })));
      const landed = d
        .prepare(
          `SELECT r.level AS level, f.kind AS kind, sum(f.injected) AS landed FROM conformance_results r
           JOIN cases c ON c.suite_id = r.suite_id AND c.role = 'case' JOIN faults f ON f.case_id = c.id GROUP BY r.level, f.kind`,
        )
        .all() as { level: string; kind: string; landed: number }[];
      const at = (level: string, kind: string) => landed.find((x) => x.level === level && x.kind === kind)?.landed ?? 0;
      for (const level of ['L2', 'L3', 'L4']) t.true(at(level, 'service-kill') >= 1, `${level}: a database kill landed`);
      t.true(at('L4', 'corrupt-checkpoint') >= 1);
      // Kills in the middle of a run landed (not only between runs).
      t.true((d.prepare("SELECT count(*) AS n FROM faults WHERE kind = 'service-kill' AND injected = 1 AND json_extract(fault_json, '$.delayMs') IS NOT NULL").get() as { n: number }).n >= 1);
      // A landed kill says what it killed.
      const detail = d.prepare("SELECT json_extract(fault_json, '$.detail') AS d FROM faults WHERE kind = 'service-kill' AND injected = 1 LIMIT 1").get() as { d: string };
      t.regex(detail.d, /^(between runs: )?SIGKILLed server pid \d+ and \d+ process\(es\) below it; restarted$/);
    } finally {
      d.close();
    }
  });

  test.serial('a service kill lands only when the server process is gone, and the server comes back', async (t) => {
    const { manifest, cwd } = loadManifest(manifestFile);
    const services = await ServiceSet.start(manifest, cwd);
    t.not(services, null);
    const dir = services!.env().STREAMCHECK_SERVICE_POSTGRES!;
    try {
      const before = serverPid(dir);
      t.true(alive(before));
      const killed = await services!.kill('postgres');
      t.true(killed.landed, killed.detail);
      t.false(alive(before), 'the SIGKILLed server is gone');
      const after = serverPid(dir);
      t.not(after, before);
      t.true(alive(after), 'restarted');
      // A server that is already down cannot be killed: not landed, and the fault still brings it back.
      await execa('bash', ['examples/postgres-sut/postgres-service.sh', 'stop'], { cwd: root, env: { STREAMCHECK_SERVICE_DIR: dir } });
      const missed = await services!.kill('postgres');
      t.false(missed.landed);
      t.regex(missed.detail, /no pid in data\/postmaster\.pid|was not running/);
      t.true(alive(serverPid(dir)));
    } finally {
      await services!.stop();
    }
    t.false(fs.existsSync(dir), 'the service directory is removed');
  });

  test.serial('postgres-sut refuses (exit 3) a database that lost batches its checkpoint directory saw committed', async (t) => {
    const { manifest, cwd } = loadManifest(manifestFile);
    const services = await ServiceSet.start(manifest, cwd);
    const dir = services!.env().STREAMCHECK_SERVICE_POSTGRES!;
    try {
      const run = path.join(tmp, 'refuse');
      for (const d of ['ck', 'out', 'scratch']) fs.mkdirSync(path.join(run, d), { recursive: true });
      const env = {
        ...services!.env(),
        STREAMCHECK_PROGRAM: path.join(root, 'examples/postgres-sut/tests/words.program.json'),
        STREAMCHECK_INPUT: path.join(root, 'examples/postgres-sut/tests/words.input.json'),
        STREAMCHECK_CHECKPOINT_DIR: path.join(run, 'ck'),
        STREAMCHECK_OUTPUT_DIR: path.join(run, 'out'),
        STREAMCHECK_SCRATCH_DIR: path.join(run, 'scratch'),
      };
      const sut = () => execa('node', ['examples/postgres-sut/sut.mjs'], { cwd: root, env, reject: false });
      const first = await sut();
      t.is(first.exitCode, 0, first.stderr);
      // Exactly as the reference engine commits them.
      const ref = path.join(tmp, 'refuse-ref');
      const r = await execa('node', ['dist/reference/cli/engine.js', '--program', env.STREAMCHECK_PROGRAM, '--input', env.STREAMCHECK_INPUT, '--checkpoint-dir', path.join(ref, 'ck'), '--output-dir', path.join(ref, 'out'), '--events', 'none'], { cwd: root, reject: false });
      t.is(r.exitCode, 0, r.stderr);
      for (const f of fs.readdirSync(path.join(ref, 'out'), { recursive: true }) as string[]) {
        if (fs.statSync(path.join(ref, 'out', f)).isFile()) t.deepEqual(fs.readFileSync(path.join(run, 'out', f)), fs.readFileSync(path.join(ref, 'out', f)), f);
      }
      // Roll the database back three batches, as a server that lost committed transactions would be.
      const client = new pg.Client({ host: path.join(dir, 'socket'), user: 'streamcheck', database: 'postgres' });
      await client.connect();
      await client.query('UPDATE sc_jobs SET batch_time_ms = batch_time_ms - 3000');
      await client.end();
      const again = await sut();
      t.is(again.exitCode, 3, again.stderr);
      t.regex(again.stderr, /lost committed transactions/);
    } finally {
      await services!.stop();
    }
  });
}
