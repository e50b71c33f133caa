// The third-party Python SUT (examples/python-sut/, written from PROTOCOL.md + SEMANTICS.md only):
// its failure-free output directory equals the reference engine's byte for byte, and a run crashed
// at a sampled crash point (STREAMCHECK_CRASH_AT) and restarted until exit 0 equals its failure-free run;
// in serve mode (PROTOCOL.md §9) one process runs every program in turn to the same bytes, and a crash
// point SIGKILLs the serving process, after which a fresh one recovers to the failure-free output.

import test from 'ava';
import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const sutDir = join(root, 'examples/python-sut');
const manifest = JSON.parse(await readFile(join(sutDir, 'manifest.json'), 'utf8')) as {
  command: string[];
  cwd?: string;
  serve: { command: string[] };
};
const sutCwd = resolve(sutDir, manifest.cwd ?? '.');
const [sutBin, ...sutArgs] = manifest.command as [string, ...string[]];

/** Compared with the reference engine and crash-tested. */
const programs = ['word-count', 'numbers', 'state'];
/** Only compared with the reference engine (failure-free), to keep the test short. */
const referenceOnly = ['words', 'chars', 'more'];
const CRASH_SAMPLES = 6;

interface Dirs {
  base: string;
  ck: string;
  out: string;
  scratch: string;
}

async function dirs(): Promise<Dirs> {
  const base = await mkdtemp(join(tmpdir(), 'pysut-test-'));
  const d = { base, ck: join(base, 'ck'), out: join(base, 'out'), scratch: join(base, 'scratch') };
  for (const p of [d.ck, d.out, d.scratch]) await mkdir(p);
  return d;
}

/** Every file under dir (relative path -> bytes as base64), ignoring temporary names. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.') || e.name.endsWith('.tmp')) continue;
    const p = join(e.parentPath, e.name);
    out[relative(dir, p)] = (await readFile(p)).toString('base64');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function files(name: string) {
  return {
    program: join(sutDir, 'tests', `${name}.program.json`),
    input: join(sutDir, 'tests', `${name}.input.json`),
  };
}

function protocolEnv(name: string, d: Dirs, crashAt?: number): Record<string, string> {
  const { program, input } = files(name);
  const env: Record<string, string> = {
    STREAMCHECK_PROGRAM: program,
    STREAMCHECK_INPUT: input,
    STREAMCHECK_CHECKPOINT_DIR: d.ck,
    STREAMCHECK_OUTPUT_DIR: d.out,
    STREAMCHECK_SCRATCH_DIR: d.scratch,
    STREAMCHECK_EVENTS: 'no-crash-points',
  };
  if (crashAt !== undefined) env.STREAMCHECK_CRASH_AT = String(crashAt);
  return env;
}

async function runSut(name: string, d: Dirs, crashAt?: number) {
  return execa(sutBin, sutArgs, { cwd: sutCwd, env: protocolEnv(name, d, crashAt), extendEnv: true, reject: false });
}

/** A serving process (PROTOCOL.md §9): requests on stdin, event lines read back from stdout. */
function serveSut() {
  const [bin, ...args] = manifest.serve.command as [string, ...string[]];
  const proc = execa(bin, args, { cwd: sutCwd, reject: false, stdin: 'pipe' });
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  let run = 0;
  /** The next event line; null when stdout ended (the process died). */
  const next = async (): Promise<Record<string, unknown> | null> => {
    const r = await lines.next();
    return r.done === true ? null : (JSON.parse(r.value) as Record<string, unknown>);
  };
  return {
    proc,
    next,
    /** Sends one run and reads its events up to run-end, or to the end of stdout. */
    async run(env: Record<string, string>): Promise<{ events: Record<string, unknown>[]; ended: boolean }> {
      run += 1;
      proc.stdin!.write(`${JSON.stringify({ request: 'run', run, env })}\n`);
      const events: Record<string, unknown>[] = [];
      for (;;) {
        const e = await next();
        if (e === null) return { events, ended: false };
        events.push(e);
        if (e['event'] === 'run-end') return { events, ended: true };
      }
    },
  };
}

const failureFree = new Map<string, Promise<{ tree: Record<string, string>; crashPoints: number }>>();
function baseline(name: string) {
  let p = failureFree.get(name);
  if (p === undefined) {
    p = (async () => {
      const d = await dirs();
      const r = await runSut(name, d);
      if (r.exitCode !== 0) throw new Error(`python SUT failed on ${name}: exit ${r.exitCode}\n${r.stderr}`);
      const done = r.stdout
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as { event: string; crashPoints?: number })
        .find((e) => e.event === 'done');
      const t = await tree(d.out);
      await rm(d.base, { recursive: true, force: true });
      return { tree: t, crashPoints: done?.crashPoints ?? 0 };
    })();
    failureFree.set(name, p);
  }
  return p;
}

for (const name of [...programs, ...referenceOnly]) {
  test(`${name}: the Python SUT's failure-free output equals the reference engine's byte for byte`, async (t) => {
    const { program, input } = files(name);
    const d = await dirs();
    const ref = await execa(
      'node',
      ['dist/reference/cli/engine.js', '--program', program, '--input', input, '--checkpoint-dir', d.ck, '--output-dir', d.out, '--events', 'none'],
      { cwd: root, reject: false },
    );
    t.is(ref.exitCode, 0, ref.stderr);
    const refTree = await tree(d.out);
    await rm(d.base, { recursive: true, force: true });
    const py = await baseline(name);
    t.true(Object.keys(py.tree).length > 1);
    t.true('_state/final.json' in py.tree);
    t.deepEqual(py.tree, refTree);
  });
}

for (const name of programs) {
  test(`${name}: crashed at sampled crash points and restarted, the Python SUT commits its failure-free output`, async (t) => {
    const { tree: expected, crashPoints } = await baseline(name);
    t.true(crashPoints > CRASH_SAMPLES);
    const sample = new Set<number>([1, crashPoints]);
    for (let i = 1; sample.size < CRASH_SAMPLES + 2 && i <= CRASH_SAMPLES; i++) {
      sample.add(Math.max(1, Math.round((i * crashPoints) / (CRASH_SAMPLES + 1))));
    }
    for (const n of sample) {
      const d = await dirs();
      const crashed = await runSut(name, d, n);
      t.is(crashed.signal, 'SIGKILL', `crash point ${n} should SIGKILL the SUT`);
      t.regex(crashed.stdout, new RegExp(`"event":"crash-point","n":${n},`));
      let exitCode: number | undefined;
      for (let restart = 0; restart < 3 && exitCode !== 0; restart++) exitCode = (await runSut(name, d)).exitCode;
      t.is(exitCode, 0, `restart after crash point ${n}`);
      t.deepEqual(await tree(d.out), expected, `output after a crash at point ${n}`);
      await rm(d.base, { recursive: true, force: true });
    }
  });
}

test('serve mode: one process runs every program in turn, each to the bytes of its own process run', async (t) => {
  const sut = serveSut();
  t.deepEqual(await sut.next(), { event: 'ready' });
  for (const name of [...programs, ...referenceOnly]) {
    const d = await dirs();
    const r = await sut.run(protocolEnv(name, d));
    t.true(r.ended, `${name}: no run-end`);
    t.deepEqual(r.events.at(-1), { event: 'run-end', run: [...programs, ...referenceOnly].indexOf(name) + 1, exitCode: 0 });
    t.deepEqual(await tree(d.out), (await baseline(name)).tree, `${name} served`);
    await rm(d.base, { recursive: true, force: true });
  }
  sut.proc.stdin!.end();
  t.is((await sut.proc).exitCode, 0);
});

test('serve mode: a crash point SIGKILLs the serving process, and a fresh serving process recovers', async (t) => {
  const name = 'state';
  const { tree: expected, crashPoints } = await baseline(name);
  for (const n of [1, Math.round(crashPoints / 2), crashPoints]) {
    const d = await dirs();
    const first = serveSut();
    t.deepEqual(await first.next(), { event: 'ready' });
    const crashed = await first.run(protocolEnv(name, d, n));
    t.false(crashed.ended);
    t.is((await first.proc).signal, 'SIGKILL', `crash point ${n}`);
    t.like(crashed.events.at(-1), { event: 'crash-point', n });
    const second = serveSut();
    t.deepEqual(await second.next(), { event: 'ready' });
    t.true((await second.run(protocolEnv(name, d))).ended, `recovery after crash point ${n}`);
    second.proc.stdin!.end();
    await second.proc;
    t.deepEqual(await tree(d.out), expected, `output after a crash at point ${n}`);
    await rm(d.base, { recursive: true, force: true });
  }
});
