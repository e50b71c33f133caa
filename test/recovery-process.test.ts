// Crash recovery with real processes: the compiled engine command SIGKILLs itself at a crash point
// (--crash-at n), is restarted over the same directories until it exits 0, and the output directory
// must equal a failure-free run's byte for byte. A few crash points, sampled, over three programs
// (two with the generator running ahead); one also loses its scratch directory before every restart.

import * as fs from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { execa, type Result } from 'execa';
import { dir } from 'tmp-promise';
import { scenarioNamed } from '../scenarios/catalog.js';
import { drawScenarioCase } from '../scenarios/scenario-case.js';
import { crashPointsToTry, dirSnapshot } from './helpers/crash-runs.js';

const ENGINE = path.resolve('dist/reference/cli/engine.js');
const EXAMPLES = path.resolve('scenarios/examples');
const CRASHES_PER_PROGRAM = 5;
/** Restarts after a crash before the test gives up (one suffices: restarts do not crash). */
const RESTARTS_MAX = 2;
const RUN_TIMEOUT_MS = 30_000;

interface Files {
  program: string;
  input: string;
}

/** A drawn case of a named scenario written to files, its input cut to `batches` batches. */
function caseFiles(root: string, scenario: string, seed: number, batches: number): Files {
  const c = drawScenarioCase(seed, [scenarioNamed(scenario)]);
  const endTimeMs = Math.min(batches, c.config.batchCount) * c.config.batchIntervalMs;
  const streams = Object.fromEntries(Object.entries(c.input.streams).map(([name, records]) => [name, records.filter((r) => r.arrivalMs <= endTimeMs)]));
  const files = { program: path.join(root, `${scenario}.program.json`), input: path.join(root, `${scenario}.input.json`) };
  fs.writeFileSync(files.program, JSON.stringify(c.program));
  fs.writeFileSync(files.input, JSON.stringify({ ...c.input, endTimeMs, streams }));
  return files;
}

function engine(files: Files, dirs: { checkpointDir: string; outputDir: string; scratchDir: string }, extra: string[] = []): Promise<Result<{ reject: false; timeout: number }>> {
  const args = [ENGINE, '--program', files.program, '--input', files.input, '--checkpoint-dir', dirs.checkpointDir, '--output-dir', dirs.outputDir, '--scratch-dir', dirs.scratchDir, '--events', 'no-crash-points', ...extra];
  return execa('node', args, { reject: false, timeout: RUN_TIMEOUT_MS });
}

function doneEvent(stdout: string): { crashPoints: number } {
  const line = stdout.split('\n').find((l) => l.startsWith('{"event":"done"'));
  if (line === undefined) throw new Error(`no done event in the engine's output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as { crashPoints: number };
}

function describeExit(r: Result): string {
  return `${r.command}\nexit code ${String(r.exitCode)}, signal ${String(r.signal)}\nstderr: ${String(r.stderr).slice(-2000)}`;
}

async function checkProgram(t: import('ava').ExecutionContext, name: string, files: (root: string) => Files, options: { wipeScratch: boolean; seed: number; maxPendingBatches: number }): Promise<void> {
  const { path: root, cleanup } = await dir({ unsafeCleanup: true });
  try {
    const f = files(root);
    const dirsOf = (label: string) => ({ checkpointDir: path.join(root, label, 'checkpoint'), outputDir: path.join(root, label, 'output'), scratchDir: path.join(root, label, 'scratch') });
    const ref = dirsOf('failure-free');
    const pending = ['--max-pending-batches', String(options.maxPendingBatches)];
    const clean = await engine(f, ref, pending);
    t.is(clean.exitCode, 0, describeExit(clean));
    const crashPoints = doneEvent(String(clean.stdout)).crashPoints;
    const want = dirSnapshot(ref.outputDir);

    await Promise.all(
      crashPointsToTry(crashPoints, CRASHES_PER_PROGRAM, options.seed).map(async (n) => {
        const d = dirsOf(`crash-${n}`);
        const killed = await engine(f, d, [...pending, '--crash-at', String(n)]);
        t.is(killed.signal, 'SIGKILL', `${name}, crash point ${n} of ${crashPoints}: ${describeExit(killed)}`);
        t.true(killed.isTerminated && killed.exitCode === undefined, `${name}, crash point ${n}: the process should have died of SIGKILL`);
        let restarts = 0;
        for (;;) {
          if (options.wipeScratch) fs.rmSync(d.scratchDir, { recursive: true, force: true });
          const r = await engine(f, d, pending);
          restarts += 1;
          if (r.exitCode === 0) break;
          if (restarts >= RESTARTS_MAX) return t.fail(`${name}, crash point ${n}: no restart finished: ${describeExit(r)}`);
        }
        t.deepEqual(dirSnapshot(d.outputDir), want, `${name}: output after a SIGKILL at crash point ${n} of ${crashPoints} and ${restarts} restart(s)`);
      }),
    );
  } finally {
    await cleanup();
  }
}

test('word-count example, 3 batches pending at most: SIGKILL at sampled crash points, restart, byte-identical output directory', async (t) => {
  await checkProgram(t, 'examples/word-count', () => ({ program: path.join(EXAMPLES, 'word-count.program.json'), input: path.join(EXAMPLES, 'word-count.input.json') }), { wipeScratch: false, seed: 1, maxPendingBatches: 3 });
});

test('running-totals (mapWithState, drawn): SIGKILL at sampled crash points, restart, byte-identical output directory', async (t) => {
  await checkProgram(t, 'running-totals', (root) => caseFiles(root, 'running-totals', 7, 8), { wipeScratch: false, seed: 2, maxPendingBatches: 1 });
});

test('windowed-sums (drawn), scratch directory wiped before every restart: byte-identical output directory', async (t) => {
  await checkProgram(t, 'windowed-sums', (root) => caseFiles(root, 'windowed-sums', 11, 8), { wipeScratch: true, seed: 3, maxPendingBatches: 2 });
});
