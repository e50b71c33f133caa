// Services in the manifest (PROTOCOL.md §11), without PostgreSQL: the field is validated with one clear
// line per mistake; a manifest with services is offered L1–L4 (never L5) and draws service-kill from L2;
// and the service-kill machinery SIGKILLs a server and every process below it, counts the kill as
// landed only when the server's process is gone, and restarts it — shown on a stand-in server made
// of `sleep` processes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { execa } from 'execa';
import fc from 'fast-check';
import { faultProfile, highestLevel, levelUnsupported } from '../harness/case/conformance-level.js';
import { faultPlanDraw, resolveFaultPlan } from '../harness/case/fault-plan-draw.js';
import { ManifestError, loadManifest, validateManifest, type Manifest } from '../harness/protocol/manifest.js';
import { ServiceSet } from '../harness/process/service-set.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-services-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const postgresManifest = (): Manifest => loadManifest(path.join(root, 'examples/postgres-sut/manifest.json')).manifest;

test('a manifest with services validates; bad names, duplicates and missing fields are one line naming the field', (t) => {
  const m = postgresManifest();
  t.is(m.services?.[0]?.name, 'postgres');
  const bad = (services: unknown) => t.throws(() => validateManifest({ ...m, services }, 'm.json', root), { instanceOf: ManifestError });
  t.regex(bad([{ ...m.services![0], name: 'Postgres DB' }]).message, /^m\.json: services\.0\.name: .*received "Postgres DB"/);
  t.regex(bad([m.services![0], m.services![0]]).message, /^m\.json: services: service names must be unique/);
  const { pidFile: _, ...noPid } = m.services![0]!;
  t.regex(bad([noPid]).message, /^m\.json: services\.0\.pidFile: /);
  t.regex(bad([{ ...m.services![0], start: 'pg_ctl start' }]).message, /^m\.json: services\.0\.start: /);
  t.regex(bad([]).message, /^m\.json: services: /);
});

test('the CLI refuses a bad services field with one line and exit 2', async (t) => {
  const file = path.join(tmp, 'bad.manifest.json');
  fs.writeFileSync(file, JSON.stringify({ ...postgresManifest(), cwd: root, services: [{ name: 'db', start: ['true'], stop: ['true'] }] }));
  const r = await execa('node', [path.join(root, 'dist/harness/cli/streamcheck.js'), 'run', '--sut', file, '--cases', '1'], { cwd: root, reject: false });
  t.is(r.exitCode, 2);
  t.regex(r.stderr, /services\.0\.pidFile/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
});

test('a SUT with services claims at most L4, and draws service kills from L2 on', (t) => {
  const m = postgresManifest();
  t.is(highestLevel(m), 'L4');
  t.regex(levelUnsupported(m, 'L5')!, /state lives in services \(postgres\)/);
  t.deepEqual(faultProfile('L1', m).serviceKills, []);
  for (const level of ['L2', 'L3', 'L4'] as const) t.deepEqual(faultProfile(level, m).serviceKills, ['postgres']);
  // Without services nothing changes.
  const { services: _, ...plain } = m;
  t.deepEqual(faultProfile('L3', plain).serviceKills, []);
  t.is(highestLevel(plain), 'L5');

  fc.assert(
    fc.property(faultPlanDraw(faultProfile('L2', m)), (draw) => {
      const plan = resolveFaultPlan(draw, { crashPoints: 100, durationMs: 2000 });
      for (const f of plan.faults) {
        if (f.kind !== 'service-kill') continue;
        if (f.service !== 'postgres' || (f.delayMs !== null && (f.delayMs < 0 || f.delayMs > 2000))) return false;
      }
      return plan.faults.every((f) => f.kind === 'kill-after' || f.kind === 'service-kill');
    }),
  );
  // Kills during starts and between runs (before a restart) are both drawn; never between runs before the first start.
  const draws = fc.sample(faultPlanDraw(faultProfile('L2', m)), { seed: 1, numRuns: 300 });
  const kills = draws.flatMap((d) => d.faults.flatMap((f, i) => (f.kind === 'service-kill' ? [{ i, between: f.fraction === null }] : [])));
  t.true(kills.some((k) => !k.between));
  t.true(kills.some((k) => k.between));
  t.false(kills.some((k) => k.between && k.i === 0));
});

/** A stand-in server: `start` runs a sleeping "server" with a sleeping child in the background and writes its pid. */
function standIn(dir: string): Manifest {
  const script = path.join(dir, 'stand-in.sh');
  fs.writeFileSync(
    script,
    `#!/usr/bin/env bash
set -eu
case $1 in
  start) rm -f "$STREAMCHECK_SERVICE_DIR/pid"; setsid bash -c 'sleep 1000 & echo $$ > "$STREAMCHECK_SERVICE_DIR/pid"; wait' </dev/null >/dev/null 2>&1 &
         for i in $(seq 1 100); do [ -s "$STREAMCHECK_SERVICE_DIR/pid" ] && exit 0; sleep 0.05; done; exit 1 ;;
  stop) [ -s "$STREAMCHECK_SERVICE_DIR/pid" ] && pkill -KILL -P "$(cat "$STREAMCHECK_SERVICE_DIR/pid")" sleep; kill -KILL "$(cat "$STREAMCHECK_SERVICE_DIR/pid")" 2>/dev/null; rm -f "$STREAMCHECK_SERVICE_DIR/pid"; exit 0 ;;
  ready) [ -s "$STREAMCHECK_SERVICE_DIR/pid" ] ;;
esac
`,
  );
  return { ...postgresManifest(), services: [{ name: 'stand-in', start: ['bash', script, 'start'], stop: ['bash', script, 'stop'], ready: ['bash', script, 'ready'], pidFile: 'pid' }] };
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2)[0]!);
  } catch {
    return false;
  }
}
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(e)] : [];
      } catch {
        return [];
      }
    });
}

test('service-kill SIGKILLs the server and its children, lands only when the server is gone, and restarts it', async (t) => {
  const services = await ServiceSet.start(standIn(tmp), tmp);
  const dir = services!.env().STREAMCHECK_SERVICE_STAND_IN!;
  t.truthy(dir);
  const pidOf = () => Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
  try {
    const server = pidOf();
    const children = childrenOf(server);
    t.true(alive(server) && children.length === 1);
    const r = await services!.kill('stand-in');
    t.true(r.landed, r.detail);
    t.regex(r.detail, new RegExp(`^SIGKILLed server pid ${server} and 1 process\\(es\\) below it; restarted$`));
    t.false(alive(server));
    t.false(alive(children[0]!), 'its child died too');
    t.not(pidOf(), server);
    t.true(alive(pidOf()), 'restarted');
    // A pid file naming a process that is not running: nothing killed, not landed (and it still restarts).
    const dead = server;
    await execa('bash', [path.join(tmp, 'stand-in.sh'), 'stop'], { env: { STREAMCHECK_SERVICE_DIR: dir } });
    fs.writeFileSync(path.join(dir, 'pid'), `${dead}\n`);
    const missed = await services!.kill('stand-in');
    t.false(missed.landed);
    t.regex(missed.detail, new RegExp(`server pid ${dead} was not running`));
    t.true(alive(pidOf()));
  } finally {
    await services!.stop();
  }
  t.false(fs.existsSync(dir));
});
