// Crash recovery, exhaustively and in process: for drawn scenario cases, a failure-free run gives the
// reference output directory and the number N of crash points; then a crash at every n in 1..N (a
// sample for large N), and restarts until done, must leave the same outputs and final state. The
// crash throws CrashSignal instead of SIGKILL: every engine write is synchronous, so the directories
// are exactly what a kill at that point leaves. Variants: several crashes per run (the restart
// crashing too, at the recovery crash points included), a generator running ahead of the runner, and
// the node-local scratch directory and temporary files lost before the restart.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import { CRASH_POINT_NAMES, type CrashPointName, type EngineEvent } from '../reference/engine/events.js';
import { parseProgram, validateProgram } from '../reference/program/validate.js';
import { parseInputLog, type InputLog } from '../reference/source/input-log.js';
import { scenarioCase } from '../scenarios/scenario-case.js';
import type { ScenarioCase } from '../scenarios/scenario.js';
import { crashPointsToTry, outputSnapshot, runOnce, runWithCrashes, type Dirs, type RunResult, type RunSpec } from './helpers/crash-runs.js';

/** tmpfs when there is one: these tests are about recovery logic, not the disk, and fsync on tmpfs is free. */
const TMP_ROOT = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
/** Crash points tried per case: all of them up to this many, else a sample of this size. */
const CRASHES_PER_CASE_MAX = 30;
const BATCHES_MAX = 6;

/** The case with its input cut to its first `batches` batches, so that N stays small. */
function truncate(c: ScenarioCase, batches: number): ScenarioCase {
  const n = Math.min(batches, c.config.batchCount);
  const endTimeMs = n * c.config.batchIntervalMs;
  const streams: InputLog['streams'] = {};
  for (const [name, records] of Object.entries(c.input.streams)) streams[name] = records.filter((r) => r.arrivalMs <= endTimeMs);
  return { ...c, config: { ...c.config, batchCount: n, endTimeMs }, input: { ...c.input, endTimeMs, streams } };
}

const smallCase = (options: { maxPendingMin?: number } = {}) =>
  fc
    .record({ c: scenarioCase(), batches: fc.integer({ min: 3, max: BATCHES_MAX }), maxPending: fc.integer({ min: options.maxPendingMin ?? 1, max: 4 }), seed: fc.integer() })
    .map(({ c, batches, maxPending, seed }) => {
      const cut = truncate(c, batches);
      const maxPendingBatches = options.maxPendingMin === undefined ? cut.config.maxPendingBatches : maxPending;
      return { case: cut, maxPendingBatches, seed };
    });

function specOf(c: ScenarioCase, maxPendingBatches: number): RunSpec {
  return { program: validateProgram(c.program, `${c.scenario} program`), input: c.input, maxPendingBatches };
}

/** A fresh directory for one case, removed afterwards whatever happens. */
function withCaseDir<T>(fn: (fresh: () => Dirs) => T): T {
  const root = fs.mkdtempSync(path.join(TMP_ROOT, 'streamcheck-recovery-'));
  let i = 0;
  const fresh = (): Dirs => {
    i += 1;
    const dir = path.join(root, `run-${i}`);
    return { checkpointDir: path.join(dir, 'checkpoint'), outputDir: path.join(dir, 'output'), scratchDir: path.join(dir, 'scratch') };
  };
  try {
    return fn(fresh);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The failure-free run: its outputs, final state and crash point count. */
function reference(spec: RunSpec, dirs: Dirs) {
  const r = runOnce(spec, dirs);
  assert.equal(r.kind, 'done');
  if (r.kind !== 'done') throw new Error('unreachable');
  return { snapshot: outputSnapshot(dirs.outputDir), crashPoints: r.done.crashPoints };
}

/** How a failure prints: the case, the seed and the crash plan, so it can be replayed. */
function describe(c: ScenarioCase, maxPendingBatches: number, crashes: readonly number[], runs: readonly RunResult[]): string {
  const points = runs.map((r) => (r.kind === 'crashed' ? r.point : 'done')).join(' -> ');
  return `scenario ${c.scenario}, ${c.config.batchCount} batches of ${c.config.batchIntervalMs} ms, maxPendingBatches ${maxPendingBatches}, crashes at ${JSON.stringify(crashes)} (${points})\nprogram ${JSON.stringify(c.program)}`;
}

/** Runs with the crash plan, restarts until done, and asserts the outputs equal the reference. */
function checkRecovers(spec: RunSpec, c: ScenarioCase, dirs: Dirs, crashes: readonly number[], want: ReturnType<typeof reference>['snapshot'], beforeRestart?: (d: Dirs) => void): RunResult[] {
  const runs = runWithCrashes(spec, dirs, crashes, beforeRestart === undefined ? undefined : () => beforeRestart(dirs));
  assert.deepEqual(outputSnapshot(dirs.outputDir), want, describe(c, spec.maxPendingBatches, crashes, runs));
  return runs;
}

function crashedAt(runs: readonly RunResult[]): CrashPointName[] {
  return runs.flatMap((r) => (r.kind === 'crashed' ? [r.point as CrashPointName] : []));
}

const NOT_ON_FIRST_RUN: readonly CrashPointName[] = ['recovery:checkpoint-read', 'recovery:batches-rescheduled'];

test('the word-count example: a crash at every crash point, then a restart, gives the failure-free output', (t) => {
  const root = path.resolve('scenarios/examples');
  const program = parseProgram(fs.readFileSync(path.join(root, 'word-count.program.json'), 'utf8'));
  const once = parseInputLog(fs.readFileSync(path.join(root, 'word-count.input.json'), 'utf8'));
  // The example's input, then its start again: 11 batches, the least that makes the engine delete an
  // old data checkpoint (at 11 s), so a crash lands on every kind of crash point.
  const endTimeMs = 11_000;
  const records = once.streams.lines!;
  const again = records.map((r, i) => ({ ...r, offset: records.length + i, arrivalMs: r.arrivalMs + once.endTimeMs }));
  const input: InputLog = { ...once, endTimeMs, streams: { lines: [...records, ...again].filter((r) => r.arrivalMs <= endTimeMs) } };
  const spec: RunSpec = { program, input, maxPendingBatches: 1 };
  const c: ScenarioCase = { scenario: 'examples/word-count (11 batches)', config: { batchIntervalMs: 1000, batchCount: 11, endTimeMs, windowMs: 3000, slideMs: 1000, maxPendingBatches: 1 }, program: program.program, input };
  const seen = new Set<CrashPointName>();
  withCaseDir((fresh) => {
    const ref = reference(spec, fresh());
    for (let n = 1; n <= ref.crashPoints; n++) {
      const runs = checkRecovers(spec, c, fresh(), [n], ref.snapshot);
      assert.equal(runs[0]!.kind, 'crashed', `crash point ${n} of ${ref.crashPoints} was not reached`);
      for (const p of crashedAt(runs)) seen.add(p);
    }
  });
  t.deepEqual(CRASH_POINT_NAMES.filter((p) => !seen.has(p) && !NOT_ON_FIRST_RUN.includes(p)), []);
});

test('drawn cases: a crash at every crash point (a sample of 30 for long runs), then restarts, gives the failure-free output', (t) => {
  fc.assert(
    fc.property(smallCase(), ({ case: c, maxPendingBatches, seed }) => {
      const spec = specOf(c, maxPendingBatches);
      withCaseDir((fresh) => {
        const ref = reference(spec, fresh());
        for (const n of crashPointsToTry(ref.crashPoints, CRASHES_PER_CASE_MAX, seed)) {
          const runs = checkRecovers(spec, c, fresh(), [n], ref.snapshot);
          assert.equal(runs[0]!.kind, 'crashed', `crash point ${n} of ${ref.crashPoints} was not reached`);
        }
      });
    }),
    { numRuns: 25 },
  );
  t.pass();
});

test('drawn cases: two and three crashes per run, the restarts crashing too (at the recovery crash points included)', (t) => {
  const seen = new Set<CrashPointName>();
  let multiCrashRuns = 0;
  fc.assert(
    fc.property(smallCase(), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 8, maxLength: 8 }), ({ case: c, maxPendingBatches, seed }, fractions) => {
      const spec = specOf(c, maxPendingBatches);
      withCaseDir((fresh) => {
        const ref = reference(spec, fresh());
        const at = (f: number) => 1 + Math.floor(f * ref.crashPoints);
        for (const n1 of crashPointsToTry(ref.crashPoints, 6, seed)) {
          const plans = [
            [n1, 1],
            [n1, 2],
            [n1, at(fractions[n1 % 8]!)],
            [n1, 2, 1],
            [n1, at(fractions[(n1 + 1) % 8]!), at(fractions[(n1 + 2) % 8]!)],
          ];
          for (const plan of plans) {
            const runs = checkRecovers(spec, c, fresh(), plan, ref.snapshot);
            const crashed = crashedAt(runs);
            for (const p of crashed) seen.add(p);
            if (crashed.length >= 2) multiCrashRuns += 1;
          }
        }
      });
    }),
    { numRuns: 10 },
  );
  t.true(multiCrashRuns > 0, 'no restart ever crashed');
  t.true(seen.has('recovery:checkpoint-read'), 'no restart crashed at recovery:checkpoint-read');
  t.true(seen.has('recovery:batches-rescheduled'), 'no restart crashed at recovery:batches-rescheduled');
});

/** How many batches were pending at the crash: those of the latest metadata checkpoint the crashed run wrote. */
function pendingAtCrash(events: readonly EngineEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.event === 'checkpoint-written') return e.pendingTimes.length;
  }
  return 0;
}

test('drawn cases with maxPendingBatches >= 2: crashes while several batches are pending recover too', (t) => {
  let crashesWithSeveralPending = 0;
  let crashes = 0;
  fc.assert(
    fc.property(smallCase({ maxPendingMin: 2 }), ({ case: c, maxPendingBatches, seed }) => {
      const spec = specOf(c, maxPendingBatches);
      withCaseDir((fresh) => {
        const ref = reference(spec, fresh());
        for (const n of crashPointsToTry(ref.crashPoints, CRASHES_PER_CASE_MAX, seed)) {
          const runs = checkRecovers(spec, c, fresh(), [n], ref.snapshot);
          const first = runs[0]!;
          assert.equal(first.kind, 'crashed');
          crashes += 1;
          if (pendingAtCrash(first.events) >= 2) crashesWithSeveralPending += 1;
        }
      });
    }),
    { numRuns: 15 },
  );
  t.log(`${crashesWithSeveralPending} of ${crashes} crashes happened with >= 2 batches pending`);
  t.true(crashesWithSeveralPending >= crashes / 10, `only ${crashesWithSeveralPending} of ${crashes} crashes had >= 2 batches pending`);
});

/** Removes every file a crash may leave half-made: the metadata temp file and hidden ".x.tmp" files. */
function removeTemporaryFiles(dir: string): number {
  let removed = 0;
  if (!fs.existsSync(dir)) return removed;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    if (entry.name === 'temp' || (entry.name.startsWith('.') && entry.name.endsWith('.tmp'))) {
      fs.rmSync(path.join(entry.parentPath, entry.name));
      removed += 1;
    }
  }
  return removed;
}

test('drawn cases: the scratch directory and every temporary file wiped before each restart do not matter', (t) => {
  let removed = 0;
  fc.assert(
    fc.property(smallCase(), ({ case: c, maxPendingBatches, seed }) => {
      const spec = specOf(c, maxPendingBatches);
      withCaseDir((fresh) => {
        const ref = reference(spec, fresh());
        for (const n of crashPointsToTry(ref.crashPoints, CRASHES_PER_CASE_MAX, seed)) {
          checkRecovers(spec, c, fresh(), [n, n], ref.snapshot, (d) => {
            fs.rmSync(d.scratchDir!, { recursive: true, force: true });
            removed += removeTemporaryFiles(d.checkpointDir) + removeTemporaryFiles(d.outputDir);
          });
        }
      });
    }),
    { numRuns: 6 },
  );
  t.true(removed > 0, 'no crash left a temporary file to remove');
});
