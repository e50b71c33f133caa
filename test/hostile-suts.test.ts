// Hostile and broken systems under test (issue 13): one small fixture per way a third party's SUT (or
// an operator's mistake) used to take the harness down or mislead it. Each must end in a clear verdict
// or one clear error line, with no SUT process left running, no work root left behind and no case lost.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import fc from 'fast-check';
import { readBoundedLines } from '../harness/process/bounded-lines.js';
import { SutProcess } from '../harness/process/sut-process.js';
import { DEFAULT_OUTPUT_BOUNDS, type OutputBounds } from '../harness/process/output-bounds.js';
import { liveGroupCount, survivorSweep, SUT_MARKER_VARIABLE } from '../harness/process/process-group.js';
import { loadManifest, ManifestError } from '../harness/protocol/manifest.js';
import { OPERATION_NAMES } from '../harness/protocol/operation-names.js';
import type { RunBounds } from '../harness/run/run-bounds.js';
import { runSuite, type SuiteResult } from '../harness/run/run-suite.js';
import { sweepDeadWorkRoots } from '../harness/run/suite-work-root.js';
import { Store, StoreError } from '../harness/store/store.js';
import { PassThrough } from 'node:stream';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(root, 'test/fixtures/hostile-suts');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-hostile-'));
// Work roots go here, so "none left" can be checked exactly (other suites may run on this machine).
const workTmp = path.join(tmp, 'work');
fs.mkdirSync(workTmp);
// The engine-edge test runs the engine as nobody (as root, permissions stop no write): it must read its files.
fs.chmodSync(tmp, 0o755);
process.env.STREAMCHECK_TMPDIR = workTmp;
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const BOUNDS: RunBounds = { runTimeoutMs: 15_000, restartsMax: 2, caseTimeoutMs: 30_000 };

/** A manifest for a fixture script, in a folder of its own that is also the SUT's cwd. */
function fixtureManifest(name: string, script: string, extra: Record<string, unknown> = {}): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(tmp, `${script.replace(/\W/g, '-')}-`));
  const file = path.join(dir, 'manifest.json');
  const manifest = {
    name,
    protocolVersion: 1,
    command: ['sh', path.join(fixtures, script)],
    cwd: '.',
    env: { STREAMCHECK_REPO: root, NODE_EXTRA_CA_CERTS: '', ...((extra.env as object | undefined) ?? {}) },
    crashMechanisms: ['crash-points', 'sigkill'],
    operations: [...OPERATION_NAMES],
    outputGuarantee: 'at-least-once-identical',
    events: true,
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'env')),
  };
  fs.writeFileSync(file, JSON.stringify(manifest));
  return { dir, file };
}

/** Processes carrying a marker of this process (or of the given harness pid). */
function markedProcesses(harnessPid = process.pid): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').includes(`${SUT_MARKER_VARIABLE}=${harnessPid}:`)) found.push(Number(name));
    } catch {
      // gone, or a zombie
    }
  }
  return found;
}

const workRoots = (): string[] => fs.readdirSync(workTmp).filter((n) => n.startsWith('streamcheck-suite-'));

async function suiteWith(script: string, o: { cases?: number; output?: Partial<OutputBounds>; level?: 'L1' | 'L2'; serve?: boolean } = {}): Promise<{ result: SuiteResult; db: string; dir: string }> {
  const { dir, file } = fixtureManifest(script, script, o.serve === true ? { serve: { command: ['sh', path.join(fixtures, script), '--serve'] } } : {});
  const db = path.join(dir, 'suite.sqlite');
  const result = await runSuite({
    sut: loadManifest(file),
    manifestFile: file,
    scenarios: ['word-count'],
    cases: o.cases ?? 2,
    seed: 7,
    workers: 1,
    dbFile: db,
    timeBudgetMs: null,
    bounds: { ...BOUNDS, output: { ...DEFAULT_OUTPUT_BOUNDS, ...o.output } },
    shrink: false,
    shrinkBudgetMs: 0,
    serve: o.serve === true,
    level: o.level ?? 'L1',
  });
  return { result, db, dir };
}

/** Nothing left: no live process group, no marked process, no work root; every case has a verdict. */
function nothingLeft(t: import('ava').ExecutionContext, db: string, cases: number): void {
  t.is(liveGroupCount(), 0, 'a SUT process group is still tracked');
  t.deepEqual(markedProcesses(), [], 'a SUT process outlived its suite');
  t.deepEqual(workRoots(), [], 'a work root outlived its suite');
  const d = new Database(db, { readonly: true });
  const verdicts = (d.prepare("SELECT count(*) AS n FROM cases WHERE role = 'case' AND verdict IS NOT NULL").get() as { n: number }).n;
  d.close();
  t.is(verdicts, cases, 'a case was lost');
}

const anomalies = (db: string): string[] => {
  const d = new Database(db, { readonly: true });
  const rows = d.prepare("SELECT anomaly, message FROM cases WHERE role = 'case' ORDER BY case_index").all() as { anomaly: string | null; message: string | null }[];
  d.close();
  return rows.map((r) => `${r.anomaly}: ${r.message}`);
};

// --- 1. bounds ---------------------------------------------------------------------------------

test('the stdout splitter gives readline\'s lines for any chunking, and cuts a line past its bound once', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.string({ maxLength: 30 }).map((s) => s.replace(/[\n\r]/g, '')), { maxLength: 8 }), fc.array(fc.nat({ max: 40 }), { maxLength: 8 }), fc.nat({ max: 25 }), async (lines, cuts, max) => {
      const text = Buffer.from(lines.map((l) => `${l}\n`).join(''));
      const stream = new PassThrough();
      const got: string[] = [];
      let tooLong = 0;
      const done = readBoundedLines(stream, max, { onLine: (l) => got.push(l), onTooLong: () => tooLong++ });
      let at = 0;
      for (const c of cuts) {
        stream.write(text.subarray(at, Math.min(text.length, at + c)));
        at = Math.min(text.length, at + c);
      }
      stream.end(text.subarray(at));
      await done;
      const fit = lines.filter((l) => Buffer.byteLength(l) <= max);
      t.deepEqual(got, fit);
      t.is(tooLong, lines.length - fit.length);
    }),
    { numRuns: 200 },
  );
});

test.serial('bullet 1: a 3 MB stdout line is output-too-large naming stdoutLineMaxBytes, and is not stored', async (t) => {
  const { result, db } = await suiteWith('huge-stdout-line.sh');
  t.is(result.counts.fail, 2);
  for (const a of anomalies(db)) t.regex(a, /^output-too-large: .*stdoutLineMaxBytes/);
  t.true(fs.statSync(db).size + (fs.statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0) < 5_000_000, 'the database holds the line');
  nothingLeft(t, db, 2);
});

test.serial('bullet 1: a serving SUT\'s 3 MB line is output-too-large too, and its processes are gone after the suite', async (t) => {
  const { result, db } = await suiteWith('huge-stdout-line.sh', { serve: true });
  t.is(result.counts.fail, 2);
  for (const a of anomalies(db)) t.regex(a, /^output-too-large: .*stdoutLineMaxBytes/);
  nothingLeft(t, db, 2);
});

test.serial('bullet 1: more stdout lines than eventsPerStartMax is output-too-large naming the bound', async (t) => {
  const { result, db } = await suiteWith('event-flood.sh', { output: { eventsPerStartMax: 100 } });
  t.is(result.counts.fail, 2);
  for (const a of anomalies(db)) t.regex(a, /^output-too-large: .*eventsPerStartMax/);
  const d = new Database(db, { readonly: true });
  t.true((d.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n <= 2 * 2 * 101, 'events past the bound were stored');
  d.close();
  nothingLeft(t, db, 2);
});

test.serial('bullet 1: an output file past outputFileMaxBytes is output-too-large naming the file and its size, never read', async (t) => {
  const { result, db } = await suiteWith('huge-output-file.sh', { output: { outputFileMaxBytes: 1_000_000 } });
  t.is(result.counts.fail, 2);
  for (const a of anomalies(db)) t.regex(a, /^output-too-large: huge\/1000\.json: output-too-large: 3000000 bytes, more than outputFileMaxBytes 1000000/);
  nothingLeft(t, db, 2);
});

// --- 2. containment ----------------------------------------------------------------------------

test.serial('bullet 2: a child holding stdout open does not turn a finished run into a timeout (no false FAIL)', async (t) => {
  const { result, db } = await suiteWith('stdout-holder.sh');
  t.is(result.counts.pass, 2, anomalies(db).join('\n'));
  const d = new Database(db, { readonly: true });
  const exits = d.prepare('SELECT type, duration_ms FROM process_exits').all() as { type: string; duration_ms: number }[];
  d.close();
  t.true(exits.every((e) => e.type === 'clean' && e.duration_ms < BOUNDS.runTimeoutMs / 2), JSON.stringify(exits));
  nothingLeft(t, db, 2);
});

test.serial('bullet 2: a setsid child holding stdout open is cut after stdoutDrainMs; the lines before the exit are kept', async (t) => {
  const lines: string[] = [];
  const p = SutProcess.spawn({
    // The pause lets the child call setsid before its shell exits (a group kill would take it first).
    command: ['sh', '-c', 'setsid sleep 60 & sleep 0.5; echo \'{"event":"hello"}\''],
    cwd: tmp,
    env: {},
    runTimeoutMs: 30_000,
    outputBounds: { ...DEFAULT_OUTPUT_BOUNDS, stdoutDrainMs: 300 },
    onLine: (l) => lines.push(l.kind === 'event' ? l.event.event : 'garbage'),
  });
  const exit = await p.wait();
  t.is(exit.type, 'clean');
  t.true(exit.durationMs < 10_000, `${exit.durationMs} ms`);
  t.deepEqual(lines, ['hello']);
  t.true(survivorSweep().some((s) => s.command.includes('sleep 60')));
  t.deepEqual(markedProcesses(), []);
});

test.serial('bullet 2: a child that calls setsid is killed after its case and reported as a survivor', async (t) => {
  const { result, db } = await suiteWith('setsid-escapee.sh');
  t.is(result.counts.pass, 2, anomalies(db).join('\n'));
  t.true(result.survivors.count >= 2, `survivors: ${result.survivors.count}`);
  t.regex(result.survivors.listed[0]!.command, /sleep 300/);
  nothingLeft(t, db, 2);
});

/** Starts the CLI on a fixture and resolves once its SUT process runs; returns the CLI and its SUT pids. */
async function cliWithRunningSut(script: string): Promise<{ child: ReturnType<typeof execa>; pids: number[]; dir: string }> {
  const { dir, file } = fixtureManifest(script, script);
  const child = execa('node', [cli, 'run', '--sut', file, '--scenarios', 'word-count', '--cases', '1', '--level', 'L1', '--no-shrink', '--workers', '1', '--run-timeout', '60s', '--db', path.join(dir, 'suite.sqlite')], {
    cwd: root,
    reject: false,
    env: { CI: '1', STREAMCHECK_TMPDIR: workTmp },
  });
  for (let i = 0; i < 200; i++) {
    const pids = markedProcesses(child.pid!);
    if (pids.length >= 2) return { child, pids, dir };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('the SUT never started');
}

const gone = async (pids: number[]): Promise<number[]> => {
  for (let i = 0; i < 40; i++) {
    const left = pids.filter((p) => fs.existsSync(`/proc/${p}`) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${p}/status`, 'utf8')));
    if (left.length === 0) return [];
    await new Promise((r) => setTimeout(r, 50));
  }
  return pids.filter((p) => fs.existsSync(`/proc/${p}`));
};

test.serial('bullet 2: a SIGKILLed harness takes its hanging SUT along; the next suite kills the rest and sweeps its work root', async (t) => {
  const { child, pids } = await cliWithRunningSut('hang.sh');
  const harnessPid = child.pid!;
  t.true(workRoots().some((n) => n.startsWith(`streamcheck-suite-${harnessPid}-`)));
  // The SUT is the group leader (its child of its own is not).
  const sutPid = pids.find((p) => Number(fs.readFileSync(`/proc/${p}/stat`, 'latin1').split(') ')[1]!.split(' ')[2]) === p);
  t.not(sutPid, undefined);
  child.kill('SIGKILL');
  await child;
  // The SUT itself dies with the harness (parent-death signal); its own child may not, until a sweep.
  t.deepEqual(await gone([sutPid!]), [], 'the SUT outlived the SIGKILLed harness');
  // What the next suite does first: sweep processes and work roots of dead harnesses.
  const swept = survivorSweep();
  t.true(swept.every((s) => s.marker.startsWith(`${harnessPid}:`)));
  t.deepEqual(await gone(pids), []);
  t.deepEqual(sweepDeadWorkRoots(workTmp).map((d) => path.basename(d).split('-')[2]), [String(harnessPid)]);
  t.deepEqual(workRoots(), []);
});

test.serial('bullet 8: SIGTERM prints a line, kills the SUT and removes the work root', async (t) => {
  const { child, pids } = await cliWithRunningSut('hang.sh');
  child.kill('SIGTERM');
  const r = await child;
  t.is(r.exitCode, 143);
  t.regex(String(r.stderr), /stopped by SIGTERM; finished cases are in the database/);
  t.deepEqual(await gone(pids), []);
  t.deepEqual(workRoots(), []);
});

// --- 3. operator mistakes ----------------------------------------------------------------------

const streamcheck = (args: string[]) => execa('node', [cli, ...args], { cwd: root, reject: false, env: { CI: '1', STREAMCHECK_TMPDIR: workTmp } });
const oneLine = (s: unknown): void => {
  const text = String(s).trim();
  if (text.split('\n').length !== 1 || /\n\s+at /.test(text)) throw new Error(`expected one line, received:\n${text}`);
};

test.serial('bullet 3: --workers 1000 is capped with a warning; a second writer of a suite gets one line; --db refuses a foreign file', async (t) => {
  const dir = fs.mkdtempSync(path.join(tmp, 'operator-'));
  const db = path.join(dir, 'suite.sqlite');
  const r = await streamcheck(['run', '--scenarios', 'word-count', '--cases', '1', '--level', 'L1', '--workers', '1000', '--no-shrink', '--db', db]);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.regex(r.stderr, /warning: --workers 1000 is more than this machine can run; using \d+/);
  const used = Number(/(\d+) workers/.exec(r.stdout)![1]);
  t.true(used < 1000 && used <= os.availableParallelism() * 4);

  // A live process holds the suite's lease: a resume stops with one line, exit 2, and changes nothing.
  const holder = execa('sleep', ['30'], { reject: false });
  const d = new Database(db);
  d.prepare('INSERT OR REPLACE INTO suite_leases (suite_id, holder_pid, holder_host, taken_at) VALUES (1, ?, ?, ?)').run(holder.pid, os.hostname(), new Date().toISOString());
  d.close();
  const resumed = await streamcheck(['run', '--resume', '--db', db]);
  holder.kill('SIGKILL');
  t.is(resumed.exitCode, 2);
  t.regex(resumed.stderr, /suite 1 is already being run by process \d+/);
  oneLine(resumed.stderr);
  const store = Store.open(db);
  t.throws(() => store.takeSuiteLease(1), { instanceOf: StoreError });
  await holder;
  store.takeSuiteLease(1); // its holder is dead now: taken over
  store.close();

  // Another application's SQLite file: refused before anything in it changes.
  const foreign = path.join(dir, 'notes.sqlite');
  const f = new Database(foreign);
  f.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
  f.close();
  const refused = await streamcheck(['run', '--cases', '1', '--level', 'L1', '--db', foreign]);
  t.is(refused.exitCode, 2);
  t.regex(refused.stderr, /not a streamcheck database \(it has tables notes\)/);
  oneLine(refused.stderr);
  const g = new Database(foreign, { readonly: true });
  t.deepEqual((g.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((x) => x.name), ['notes']);
  t.is(g.pragma('journal_mode', { simple: true }), 'delete');
  g.close();
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'hello, not a database\n');
  const refusedText = await streamcheck(['report', '--db', text]);
  t.not(refusedText.exitCode, 0);
  t.is(fs.readFileSync(text, 'utf8'), 'hello, not a database\n');
});

// --- 4. manifest checked before any case -------------------------------------------------------

test.serial('bullet 4: a manifest whose command is missing or not executable, whose cwd is bad or whose regex does not compile is refused naming the field', async (t) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ command: ['/nonexistent/sut'] }, /command\.0: no file \/nonexistent\/sut/],
    [{ command: ['no-such-program-anywhere'] }, /command\.0: no executable "no-such-program-anywhere" on PATH/],
    [{ command: [path.join(fixtures, 'README.md')] }, /command\.0: .*README\.md is not executable/],
    [{ cwd: 'missing-folder' }, /cwd: no directory .*missing-folder/],
    [{ serve: { command: ['./nope'] } }, /serve\.command\.0: no file/],
    [{ storageFaults: { metadataFilePattern: '([' } }, /storageFaults\.metadataFilePattern: not a valid regular expression/],
  ];
  for (const [extra, expected] of cases) {
    const { file } = fixtureManifest('broken', 'hang.sh', extra);
    t.throws(() => loadManifest(file), { instanceOf: ManifestError, message: expected }, JSON.stringify(extra));
  }
  const { file } = fixtureManifest('broken', 'hang.sh', { command: ['/nonexistent/sut'] });
  const r = await streamcheck(['run', '--sut', file, '--cases', '1', '--db', path.join(tmp, 'never.sqlite')]);
  t.is(r.exitCode, 2);
  t.regex(r.stderr, /command\.0: no file \/nonexistent\/sut/);
  oneLine(r.stderr);
  t.false(fs.existsSync(path.join(tmp, 'never.sqlite')), 'a case ran');
});

// --- 5. escaping -------------------------------------------------------------------------------

test.serial('bullet 5: a hostile name and stderr reach neither the terminal nor report.md nor JUnit raw', async (t) => {
  const name = 'evil\u001b[2J\u001b]0;title\u0007 <script>alert(1)</script>\n# not a heading | x';
  const { dir, file } = fixtureManifest(name, 'hostile-text.sh');
  const r = await streamcheck(['run', '--sut', file, '--scenarios', 'word-count', '--cases', '1', '--level', 'L1', '--no-shrink', '--workers', '1', '--db', path.join(dir, 'suite.sqlite'), '--junit', path.join(dir, 'junit.xml')]);
  t.is(r.exitCode, 1, r.stdout + r.stderr);
  t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stdout + r.stderr), 'a control character reached the terminal');
  t.regex(r.stdout, /\\u001b\[2J/);
  const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
  t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(report));
  const heading = report.split('\n')[0]!;
  t.regex(heading, /^# streamcheck suite 1: evil.*\\<script\\>alert\\\(1\\\)\\<\/script\\> \\# not a heading \\\| x$/);
  // Outside code blocks, no raw HTML and no heading the SUT wrote.
  const prose = report.replace(/^(`{3,}).*\n[\s\S]*?^\1$/gm, '');
  t.false(prose.includes('<script>'));
  t.false(/^# not a heading/m.test(report));
  const junit = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8');
  t.false(/[\u0000-\u0008\u000b-\u001f]/.test(junit.replace(/\n/g, '')));
  t.false(junit.includes('<script>'));
  t.deepEqual(workRoots(), []);
});

// --- 6. writes outside the SUT's directories ---------------------------------------------------

test.serial('bullet 6: a file written in the cwd and one beside the output directory are reported', async (t) => {
  const { result, db, dir } = await suiteWith('writes-outside.sh');
  t.is(result.counts.pass, 2, anomalies(db).join('\n'));
  const paths = result.outside.listed.map((w) => w.path);
  t.true(paths.includes(path.join(dir, 'written-in-cwd.txt')), paths.join('\n'));
  t.true(paths.some((p) => p.endsWith(`${path.sep}faulty${path.sep}beside-output.txt`)), paths.join('\n'));
  const d = new Database(db, { readonly: true });
  t.true((d.prepare('SELECT count(*) AS n FROM outside_writes').get() as { n: number }).n >= 2);
  d.close();
  nothingLeft(t, db, 2);
});

// --- 7. engine input edges ---------------------------------------------------------------------

test.serial('bullet 7: the engine refuses deep nesting, too many batches and wrong value types (exit 2), and an unwritable checkpoint directory (exit 3), each with one line', async (t) => {
  const dir = fs.mkdtempSync(path.join(tmp, 'engine-'));
  fs.chmodSync(dir, 0o755);
  const program = fs.readFileSync(path.join(root, 'scenarios/examples/word-count.program.json'), 'utf8');
  const input = JSON.parse(fs.readFileSync(path.join(root, 'scenarios/examples/word-count.input.json'), 'utf8')) as { endTimeMs: number; streams: { lines: { value: unknown }[] } };
  const write = (name: string, text: string): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text, { mode: 0o644 });
    return f;
  };
  const programFile = write('program.json', program);
  const deep = write('deep.json', JSON.stringify(input).replace('"the quick brown fox"', `${'['.repeat(100_000)}1${']'.repeat(100_000)}`));
  const deepProgram = write('deep-program.json', program.replace('"description"', `"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}, "description"`));
  const far = write('far.json', JSON.stringify({ ...input, endTimeMs: 1e15 }));
  const typed = write('typed.json', JSON.stringify({ ...input, streams: { lines: [{ ...input.streams.lines[0], value: 5 }, ...input.streams.lines.slice(1)] } }));
  const good = write('good.json', JSON.stringify(input));
  const engine = (p: string, i: string, checkpoint: string, asNobody = false) =>
    execa(asNobody ? 'setpriv' : 'node', [...(asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', 'node'] : []), path.join(root, 'dist/reference/cli/engine.js'), '--program', p, '--input', i, '--checkpoint-dir', checkpoint, '--output-dir', fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-out-')), '--events', 'none'], { reject: false, timeout: 60_000 });
  for (const [p, i, expected] of [
    [programFile, deep, /values nest deeper than 64/],
    [deepProgram, good, /nests deeper than 64/],
    [programFile, far, /endTimeMs: 1000000000000000 gives 1000000000000 batches .* more than BATCHES_PER_RUN_MAX/],
    [programFile, typed, /streams\.lines\[0\]\.value: expected a string .* received 5 \(number\)/],
  ] as const) {
    const r = await engine(p, i, path.join(dir, 'cp'));
    t.is(r.exitCode, 2, `${i}: ${r.stderr}`);
    t.regex(r.stderr, expected);
    oneLine(r.stderr);
  }
  const readOnly = path.join(dir, 'read-only');
  fs.mkdirSync(readOnly, { mode: 0o555 });
  fs.chmodSync(readOnly, 0o555);
  // As root, permissions do not stop writes: run the engine as nobody then.
  const r = await engine(programFile, good, path.join(readOnly, 'checkpoint'), process.getuid?.() === 0);
  t.is(r.exitCode, 3, r.stderr);
  t.regex(r.stderr, /cannot use the checkpoint directory .*read-only\/checkpoint: EACCES/);
  oneLine(r.stderr);
});

// --- 8. small ones -----------------------------------------------------------------------------

test.serial('bullet 8: garbage stdout lines are counted and quoted in report.md', async (t) => {
  const { result, db, dir } = await suiteWith('garbage-lines.sh', { cases: 1 });
  t.is(result.counts.pass, 1, anomalies(db).join('\n'));
  const { writeSuiteReport } = await import('../harness/cli/write-report.js');
  const summary = writeSuiteReport(db, result.suiteId, path.join(dir, 'report.md'));
  t.regex(summary, /stdout lines that were not events: 4/);
  const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
  t.regex(report, /## Stdout lines that were not events \(4\)/);
  t.regex(report, /`this is not JSON`/);
  nothingLeft(t, db, 1);
});
