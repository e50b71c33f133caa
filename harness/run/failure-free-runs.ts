// Failure-free runs, run once per distinct (SUT, program, input, configuration) and reused: by the
// cases of a suite that share one, and above all by the many candidates of a shrink, which change
// only the fault plan most of the time. Kept on disk under the suite's work directory, at most
// failureFreeRunsKeptMax of them, least recently used first out. With checkDeterminism, each is run
// a second time (unstored, in its own directories) and the two output hashes compared. The model's
// expected outputs depend on the program and input alone, so each run keeps them for its cases.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { canonical, type Value } from '../../reference/program/value.js';
import { validateProgram } from '../../reference/program/validate.js';
import type { BatchOutput } from '../../reference/sink/batch-output.js';
import { expectedOutputs } from '../../scenarios/model/expected-outputs.js';
import type { ScenarioCase } from '../../scenarios/scenario.js';
import { observeRun, type ObservedRun } from '../check/observed-run.js';
import type { SutEvent } from '../protocol/event-line.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import type { ProcessPool } from '../process/process-pool.js';
import type { ServiceSet } from '../process/service-set.js';
import type { Store } from '../store/store.js';
import { outputBoundsOf, type RunBounds } from './run-bounds.js';
import { makeRunDirs, type RunDirs } from './run-dirs.js';
import { runUntilDone, type RunOutcome } from './run-until-done.js';
import type { TimelineEntry } from './timeline.js';
import type { TraceResult } from '../trace/read-trace.js';
import { durabilityLint, type LintFinding } from '../check/durability-lint.js';
import { recoveryLint } from './recovery-lint-run.js';
import { outputHash } from './output-hash.js';

export const failureFreeRunsKeptMax = 64;

export interface FailureFreeRun {
  key: string;
  dirs: RunDirs;
  outcome: RunOutcome;
  observed: ObservedRun;
  /** Crash points the run passed (its done event), or null when the SUT does not say. */
  crashPoints: number | null;
  durationMs: number;
  timeline: TimelineEntry[];
  /** Its file-operation trace when it was traced (L5), else null. */
  trace: TraceResult | null;
  /** The durability lint of that trace, found once for every case that shares the run. */
  lint: LintFinding[];
  determinism: Determinism;
  /** The model's outputs for this program and input: computed on the first call, then the same for
   *  every case sharing the run (a model that throws throws the same error each time). */
  expected: () => BatchOutput[];
}

function once<T>(f: () => T): () => T {
  let kept: { value: T } | { error: unknown } | null = null;
  return () => {
    if (kept === null) {
      try {
        kept = { value: f() };
      } catch (error) {
        kept = { error };
      }
    }
    if ('error' in kept) throw kept.error;
    return kept.value;
  };
}

/** Whether two failure-free runs of one case committed the same outputs (--check-determinism). */
export type Determinism =
  | { type: 'unchecked'; reason: string }
  | { type: 'same'; hash: string }
  | { type: 'differs'; hashes: [string, string] };

export class FailureFreeRuns {
  private readonly runs = new Map<string, Promise<FailureFreeRun>>();

  constructor(
    readonly root: string,
    readonly checkDeterminism = false,
  ) {
    fs.mkdirSync(root, { recursive: true });
  }

  static key(sut: LoadedManifest, c: ScenarioCase, traced = false): string {
    const identity = { command: sut.manifest.command, cwd: sut.cwd, env: sut.manifest.env ?? {}, program: c.program, input: c.input, maxPendingBatches: c.config.maxPendingBatches, traced };
    return createHash('sha256').update(canonical(identity as unknown as Value)).digest('hex').slice(0, 24);
  }

  /** The failure-free run of this case, and whether it was reused. */
  async get(sut: LoadedManifest, c: ScenarioCase, bounds: RunBounds, store?: { store: Store; caseId: number }, pool?: ProcessPool, traced = false, services?: ServiceSet): Promise<{ run: FailureFreeRun; reused: boolean }> {
    const key = FailureFreeRuns.key(sut, c, traced);
    const known = this.runs.get(key);
    if (known !== undefined) {
      this.runs.delete(key);
      this.runs.set(key, known); // most recently used last
      return { run: await known, reused: true };
    }
    const pending = this.run(key, sut, c, bounds, store, pool, traced, services);
    this.runs.set(key, pending);
    pending.catch(() => this.runs.delete(key));
    this.evict();
    return { run: await pending, reused: false };
  }

  private async run(key: string, sut: LoadedManifest, c: ScenarioCase, bounds: RunBounds, store?: { store: Store; caseId: number }, pool?: ProcessPool, traced = false, services?: ServiceSet): Promise<FailureFreeRun> {
    const root = path.join(this.root, key);
    fs.rmSync(root, { recursive: true, force: true });
    const dirs = makeRunDirs(root, 'failure-free', c);
    const timeline: TimelineEntry[] = [];
    const t0 = performance.now();
    const clock = () => Math.round(performance.now() - t0);
    let trace: TraceResult | null = null;
    const outcome = await runUntilDone({ sut, scenarioCase: c, dirs, kind: 'failure-free', faults: [], bounds, clock, timeline, store, pool, services, ...(traced ? { trace: { dir: root, every: true, onTrace: (_: number, t: TraceResult) => (trace = t) } } : {}) });
    // The run's own duration (from its request, for a served run): kill-after delays are drawn as
    // fractions of it, so waiting for a process to start must not be part of it.
    const durationMs = outcome.exits.reduce((sum, e) => sum + e.durationMs, 0);
    const events: SutEvent[] = timeline.flatMap((e) => (e.type === 'event' ? [e.event] : []));
    const done = events.find((e) => e.event === 'done') as { crashPoints?: unknown } | undefined;
    const crashPoints = typeof done?.crashPoints === 'number' ? done.crashPoints : null;
    const result = trace as TraceResult | null;
    const lint = result?.type === 'traced' ? durabilityLint(result.trace) : [];
    // The recovery half of the lint: one more traced start, recovering from the middle of this run.
    if (result?.type === 'traced' && outcome.type === 'completed') {
      const r = await recoveryLint(sut, c, result.trace, bounds, root);
      if (r.type === 'linted') lint.push(...r.findings);
    }
    const determinism = this.checkDeterminism && outcome.type === 'completed' ? await this.runAgain(root, outputHash(dirs.outputDir), sut, c, bounds, pool) : { type: 'unchecked' as const, reason: this.checkDeterminism ? 'the failure-free run did not complete' : 'not asked (--check-determinism)' };
    return { key, dirs, outcome, observed: observeRun(dirs.outputDir, events, outputBoundsOf(bounds).outputFileMaxBytes), crashPoints, durationMs, timeline, trace: result, lint, determinism, expected: once(() => expectedOutputs(validateProgram(c.program), c.input)) };
  }

  /** The same failure-free run once more, untraced and unstored, compared by output hash with the first. */
  private async runAgain(root: string, first: string, sut: LoadedManifest, c: ScenarioCase, bounds: RunBounds, pool?: ProcessPool): Promise<Determinism> {
    const dirs = makeRunDirs(path.join(root, 'again'), 'failure-free', c);
    const t0 = performance.now();
    const outcome = await runUntilDone({ sut, scenarioCase: c, dirs, kind: 'failure-free', faults: [], bounds, clock: () => Math.round(performance.now() - t0), timeline: [], pool });
    if (outcome.type !== 'completed') return { type: 'unchecked', reason: 'the second failure-free run did not complete' };
    const second = outputHash(dirs.outputDir);
    fs.rmSync(path.join(root, 'again'), { recursive: true, force: true });
    return second === first ? { type: 'same', hash: first } : { type: 'differs', hashes: [first, second] };
  }

  private evict(): void {
    while (this.runs.size > failureFreeRunsKeptMax) {
      const [oldest, run] = this.runs.entries().next().value as [string, Promise<FailureFreeRun>];
      this.runs.delete(oldest);
      void run.then(() => fs.rmSync(path.join(this.root, oldest), { recursive: true, force: true }), () => {});
    }
  }

  cleanup(): void {
    this.runs.clear();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
