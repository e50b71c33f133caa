// The deliberately broken durability SUTs of test/fixtures/durability-suts/ (issue 11, item 8): each
// variant passes level L3 (SIGKILLs and crash points cannot see a missing fsync or an in-place write),
// and an strace of one run shows it really writes the way its header says.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const fixtures = path.join(root, 'test/fixtures/durability-suts');
const VARIANTS = ['in-place', 'rename-no-fsync', 'no-dir-fsync', 'torn-accepted'] as const;
type Variant = (typeof VARIANTS)[number];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-durability-suts-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Level L3. Seed 5, 3 cases, stateful-word-count and running-totals: its L3 fault plans hold crash
// points in mid-run, crash points during recovery (n = 1 of a restart), timed SIGKILLs and scratch
// wipes (asserted below from the database), in both scenarios. `conformance` has no --level flag and
// would also run L1 and L2 (3x the time); `run --level L3` is the L3 suite conformance runs.
const L3_SEED = 5;
const L3_CASES = 3;

for (const variant of VARIANTS) {
  test(`${variant}: passes level L3 (crash points and SIGKILLs cannot catch it)`, async (t) => {
    const db = path.join(tmp, `l3-${variant}`, 's.sqlite');
    const args = [cli, 'run', '--sut', path.join(fixtures, `${variant}.manifest.json`), '--level', 'L3', '--scenarios', 'stateful-word-count,running-totals', '--cases', String(L3_CASES), '--seed', String(L3_SEED), '--workers', '1', '--no-shrink', '--db', db];
    const started = Date.now();
    const r = await execa('node', args, { cwd: root, reject: false });
    t.log(`${variant}: L3, seed ${L3_SEED}, ${L3_CASES} cases: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    t.is(r.exitCode, 0, r.stdout + r.stderr);
    t.regex(r.stdout, new RegExp(`PASS: ${L3_CASES} cases, 0 failed, 0 unknown`));
    const d = new Database(db, { readonly: true });
    const faults = d.prepare('SELECT f.kind, f.attempt, f.fault_json FROM faults f WHERE f.injected = 1').all() as { kind: string; attempt: number; fault_json: string }[];
    const scenarios = d.prepare('SELECT DISTINCT scenario FROM cases').all() as { scenario: string }[];
    d.close();
    const crashPoints = faults.filter((f) => f.kind === 'crash-point').map((f) => ({ attempt: f.attempt, n: (JSON.parse(f.fault_json) as { n: number }).n }));
    t.true(crashPoints.some((c) => c.n > 4), 'a crash point in mid-run');
    t.true(crashPoints.some((c) => c.attempt > 1 && c.n <= 4), 'a crash point during recovery');
    t.true(faults.some((f) => f.kind === 'kill-after'), 'a timed SIGKILL');
    t.true(faults.some((f) => f.kind === 'wipe-scratch'), 'a scratch wipe');
    t.deepEqual(scenarios.map((s) => s.scenario).sort(), ['running-totals', 'stateful-word-count']);
  });
}

// ---------------------------------------------------------------------------------------------
// One run under strace (-y prints the path of every fd), on a program with data checkpoints.

interface Syscalls {
  /** openat for writing: path and flags. */
  opens: { path: string; flags: string }[];
  renames: { from: string; to: string }[];
  fsyncs: string[];
  /** Every traced call in order, for "before" checks. */
  order: { call: string; path: string; to?: string }[];
}

function parseTrace(text: string, under: string): Syscalls {
  const s: Syscalls = { opens: [], renames: [], fsyncs: [], order: [] };
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^\d+ +openat\([^,]*, "([^"]*)", ([A-Z_|]+)[^)]*\) = \d+/.exec(line)) !== null) {
      if (m[1]!.startsWith(under) && /O_WRONLY|O_RDWR/.test(m[2]!)) {
        s.opens.push({ path: m[1]!, flags: m[2]! });
        s.order.push({ call: 'open', path: m[1]! });
      }
    } else if ((m = /^\d+ +rename(?:at2?)?\((?:[^,]*, )?"([^"]*)", (?:[^,]*, )?"([^"]*)"[^)]*\) = 0/.exec(line)) !== null) {
      if (m[1]!.startsWith(under)) {
        s.renames.push({ from: m[1]!, to: m[2]! });
        s.order.push({ call: 'rename', path: m[1]!, to: m[2]! });
      }
    } else if ((m = /^\d+ +f(?:data)?sync\(\d+<([^>]*)>\) = 0/.exec(line)) !== null) {
      if (m[1]!.startsWith(under)) {
        s.fsyncs.push(m[1]!);
        s.order.push({ call: 'fsync', path: m[1]! });
      }
    }
  }
  return s;
}

const strace = spawnSync('strace', ['-V']).status === 0;

async function traced(variant: Variant | 'correct'): Promise<{ base: string; s: Syscalls; stdout: string }> {
  const base = fs.mkdtempSync(path.join(tmp, `strace-${variant}-`));
  for (const d of ['ck', 'out', 'scratch']) fs.mkdirSync(path.join(base, d));
  const tests = path.join(root, 'examples/python-sut/tests');
  const cmd = variant === 'correct' ? ['python3', 'examples/python-sut/sut.py'] : ['python3', 'test/fixtures/durability-suts/naive_sut.py', variant];
  const traceFile = path.join(base, 'trace');
  const r = await execa('strace', ['-f', '-y', '-e', 'trace=openat,rename,renameat,renameat2,fsync,fdatasync', '-o', traceFile, ...cmd], {
    cwd: root,
    reject: false,
    env: {
      STREAMCHECK_PROGRAM: path.join(tests, 'state.program.json'),
      STREAMCHECK_INPUT: path.join(tests, 'state.input.json'),
      STREAMCHECK_CHECKPOINT_DIR: path.join(base, 'ck'),
      STREAMCHECK_OUTPUT_DIR: path.join(base, 'out'),
      STREAMCHECK_SCRATCH_DIR: path.join(base, 'scratch'),
      STREAMCHECK_EVENTS: 'no-crash-points',
    },
  });
  if (r.exitCode !== 0) throw new Error(`${variant} under strace: exit ${r.exitCode}\n${r.stderr}`);
  return { base, s: parseTrace(fs.readFileSync(traceFile, 'utf8'), base + path.sep), stdout: r.stdout };
}

const isTemp = (p: string) => path.basename(p).startsWith('.') && p.endsWith('.tmp');
const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

/** Each rename's source was fsynced before it; each rename was followed by an fsync of its directory. */
function renameChecks(s: Syscalls) {
  const syncedBefore: boolean[] = [];
  const dirSyncedAfter: boolean[] = [];
  s.order.forEach((c, i) => {
    if (c.call !== 'rename') return;
    syncedBefore.push(s.order.slice(0, i).some((p) => p.call === 'fsync' && p.path === c.path));
    const next = s.order.slice(i + 1).find((p) => p.call !== 'fsync' || p.path !== c.path);
    dirSyncedAfter.push(next !== undefined && next.call === 'fsync' && next.path === path.dirname(c.to!));
  });
  return { syncedBefore, dirSyncedAfter };
}

const straceTest = strace ? test : test.skip;
if (!strace) test('strace checks need strace', (t) => t.log('strace not found: the syscall checks are skipped (install it: apt-get install strace)'));

straceTest('control: the correct SUT fsyncs every temp file before its rename and the directory after it', async (t) => {
  const { s } = await traced('correct');
  t.true(s.renames.length > 50);
  const { syncedBefore, dirSyncedAfter } = renameChecks(s);
  t.true(syncedBefore.every(Boolean));
  t.true(dirSyncedAfter.every(Boolean));
  t.true(s.renames.every((r) => isTemp(r.from)));
});

straceTest('in-place: one checkpoint.json truncated and rewritten, no temp file, no rename, no fsync', async (t) => {
  const { base, s } = await traced('in-place');
  const meta = path.join(base, 'ck', 'checkpoint.json');
  const metaOpens = s.opens.filter((o) => o.path === meta);
  t.true(metaOpens.length > 20, `checkpoint.json opened ${metaOpens.length} times`);
  t.true(metaOpens.every((o) => o.flags.includes('O_TRUNC')));
  t.is(s.renames.length, 0);
  t.deepEqual(s.fsyncs, []);
  t.false(s.opens.some((o) => isTemp(o.path)));
  t.true(s.opens.some((o) => o.path.includes(`${path.sep}data${path.sep}`)), 'data checkpoints written');
  t.true(s.opens.some((o) => o.path.startsWith(path.join(base, 'out'))), 'outputs written');
  t.deepEqual(fs.readdirSync(path.join(base, 'ck')).sort(), ['checkpoint.json', 'data']);
});

straceTest('rename-no-fsync: temp files renamed into place without an fsync; directories still fsynced', async (t) => {
  const { s } = await traced('rename-no-fsync');
  t.true(s.renames.length > 50);
  t.true(s.renames.every((r) => isTemp(r.from)));
  const { syncedBefore, dirSyncedAfter } = renameChecks(s);
  t.true(syncedBefore.every((x) => !x), 'no temp file fsynced before its rename');
  t.false(s.fsyncs.some(isTemp));
  t.true(dirSyncedAfter.every(Boolean), 'the directory fsynced after every rename');
});

straceTest('no-dir-fsync: temp files fsynced and renamed, no directory ever fsynced', async (t) => {
  const { s } = await traced('no-dir-fsync');
  t.true(s.renames.length > 50);
  const { syncedBefore } = renameChecks(s);
  t.true(syncedBefore.every(Boolean), 'every temp file fsynced before its rename');
  t.deepEqual(s.fsyncs.filter(isDir), []);
  t.true(s.fsyncs.every(isTemp));
});

straceTest('torn-accepted: state.jsonl truncated, rewritten and fsynced in place; everything else as the correct SUT', async (t) => {
  const { s } = await traced('torn-accepted');
  const stateOpens = s.opens.filter((o) => path.basename(o.path) === 'state.jsonl');
  t.true(stateOpens.length >= 3);
  t.true(stateOpens.every((o) => o.flags.includes('O_TRUNC')));
  t.false(s.renames.some((r) => r.to.endsWith('state.jsonl') || r.to.includes(`${path.sep}data${path.sep}`)));
  // every state.jsonl write is followed by its fsync and its directory's before the next write
  s.order.forEach((c, i) => {
    if (c.call !== 'open' || path.basename(c.path) !== 'state.jsonl') return;
    t.deepEqual(s.order.slice(i + 1, i + 3), [
      { call: 'fsync', path: c.path },
      { call: 'fsync', path: path.dirname(c.path) },
    ]);
  });
  const { syncedBefore, dirSyncedAfter } = renameChecks(s);
  t.true(s.renames.length > 50);
  t.true(syncedBefore.every(Boolean));
  t.true(dirSyncedAfter.every(Boolean));
});

// ---------------------------------------------------------------------------------------------
// The states a power loss can leave, made by hand: what the variant then does (no strace needed).

async function runPlain(variant: Variant, base: string) {
  const tests = path.join(root, 'examples/python-sut/tests');
  return execa('python3', ['test/fixtures/durability-suts/naive_sut.py', variant], {
    cwd: root,
    reject: false,
    env: {
      STREAMCHECK_PROGRAM: path.join(tests, 'state.program.json'),
      STREAMCHECK_INPUT: path.join(tests, 'state.input.json'),
      STREAMCHECK_CHECKPOINT_DIR: path.join(base, 'ck'),
      STREAMCHECK_OUTPUT_DIR: path.join(base, 'out'),
      STREAMCHECK_SCRATCH_DIR: path.join(base, 'scratch'),
      STREAMCHECK_EVENTS: 'none',
    },
  });
}

function freshDirs(name: string) {
  const base = fs.mkdtempSync(path.join(tmp, `${name}-`));
  for (const d of ['ck', 'out', 'scratch']) fs.mkdirSync(path.join(base, d));
  return base;
}

test('in-place: an empty checkpoint.json (truncate durable, write not) makes it exit 3', async (t) => {
  const base = freshDirs('in-place-empty');
  t.is((await runPlain('in-place', base)).exitCode, 0);
  fs.truncateSync(path.join(base, 'ck', 'checkpoint.json'), 0);
  const r = await runPlain('in-place', base);
  t.is(r.exitCode, 3, r.stderr);
  t.regex(r.stderr, /checkpoint\.json is unusable/);
});

test('torn-accepted: a state.jsonl torn after its header is restored silently as a partial state', async (t) => {
  const base = freshDirs('torn');
  t.is((await runPlain('torn-accepted', base)).exitCode, 0);
  const finalFile = path.join(base, 'out', '_state', 'final.json');
  const expected = fs.readFileSync(finalFile, 'utf8');
  // the live state file of updateStateByKey(running-count), cut in the middle of its third line
  const file = path.join(base, 'ck', 'data', 'rc', 'state.jsonl');
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  t.true(lines.length > 3, text);
  const cut = lines[0]!.length + 1 + lines[1]!.length + 1 + Math.floor(lines[2]!.length / 2);
  fs.truncateSync(file, cut);
  // a restart after the last batch recomputes the final state from the restored data checkpoint
  const r = await runPlain('torn-accepted', base);
  t.is(r.exitCode, 0, r.stderr);
  t.notRegex(r.stderr, /skipping invalid checkpoint/);
  t.not(fs.readFileSync(finalFile, 'utf8'), expected, 'the final state was computed from the partial state');
});

// ---------------------------------------------------------------------------------------------
// Level L5 catches what L3 cannot: a failing case with a durability lint finding, and a printed
// replay line that fails again the same way.

// Each variant with the suite (scenarios, cases, seed) whose drawn power loss catches it, the lint
// findings its trace must give, and the anomaly expected (any, for the first two: an early power
// loss gives exit 3, a later one a malformed or lost output). Measured detection rates per case
// are in test/fixtures/durability-suts/README.md.
const L5_SUITES = [
  { variant: 'in-place', lint: ['in-place-rewrite', 'recovery-read-unsynced'], scenarios: 'stateful-word-count', cases: 5, seed: 4, anomaly: /[a-z-]+/ },
  { variant: 'rename-no-fsync', lint: ['rename-unsynced-data', 'recovery-read-unsynced'], scenarios: 'stateful-word-count', cases: 5, seed: 4, anomaly: /[a-z-]+/ },
  { variant: 'no-dir-fsync', lint: ['unsynced-directory-entry', 'recovery-read-unsynced'], scenarios: 'stateful-word-count', cases: 2, seed: 2, anomaly: /^lost-batch$/ },
  { variant: 'torn-accepted', lint: ['in-place-rewrite'], scenarios: 'checkpoint-every-batch,stateful-word-count', cases: 3, seed: 9, anomaly: /^(state-differs|output-differs)$/ },
] as const;

for (const s of L5_SUITES) {
  test(`${s.variant}: fails level L5 (${s.lint.join(', ')} in the lint), and its replay line fails the same way`, async (t) => {
    if (spawnSync('strace', ['-V']).status !== 0) return t.log('SKIPPED: strace is not installed (bash tools/install-debian-packages.sh)'), t.pass();
    const db = path.join(tmp, `l5-${s.variant}`, 's.sqlite');
    const manifest = path.join(fixtures, `${s.variant}.manifest.json`);
    const r = await execa('node', [cli, 'run', '--sut', manifest, '--level', 'L5', '--scenarios', s.scenarios, '--cases', String(s.cases), '--seed', String(s.seed), '--workers', '2', '--shrink-budget', '15s', '--run-timeout', '3m', '--case-timeout', '6m', '--db', db], { cwd: root, reject: false });
    t.is(r.exitCode, 1, r.stdout + r.stderr);
    const fail = /^FAIL scenario=(\S+) seed=(\d+) path=(\S+): ([a-z-]+)/m.exec(r.stdout);
    t.truthy(fail, r.stdout);
    t.regex(fail![4]!, s.anomaly);
    const replay = /^ {2}replay: npx streamcheck (replay .*)$/m.exec(r.stdout);
    t.truthy(replay, r.stdout);
    t.regex(replay![1]!, / --level L5 /);
    const d = new Database(db, { readonly: true });
    const kinds = (d.prepare('SELECT DISTINCT kind FROM durability_findings').all() as { kind: string }[]).map((x) => x.kind);
    const landed = d.prepare("SELECT count(*) AS n FROM faults WHERE kind IN ('power-loss', 'syscall-kill') AND injected = 1").get() as { n: number };
    d.close();
    for (const k of s.lint) t.true(kinds.includes(k), `lint kinds: ${kinds.join(', ')}`);
    t.true(landed.n > 0);
    // The printed line, pasted back (the CLI instead of `streamcheck` on PATH), fails with the same anomaly.
    const args = [...replay![1]!.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const again = await execa('node', [cli, ...args, '--keep', path.join(tmp, `l5-${s.variant}-replay`)], { cwd: root, reject: false });
    t.is(again.exitCode, 1, again.stdout + again.stderr);
    t.regex(again.stdout, new RegExp(`\\b${fail![4]}\\b`));
  });
}
