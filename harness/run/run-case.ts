// Runs one case end to end: the SUT failure-free (or that run reused from an earlier case with the
// same program, input and configuration), then under the fault plan from fresh directories,
// restarting until it exits 0; stores every fact as it happens, then judges. The case's temporary
// directory is removed afterwards unless the case did not pass.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateProgram } from '../../reference/program/validate.js';
import { expectedOutputs } from '../../scenarios/model/expected-outputs.js';
import type { LintFinding } from '../check/durability-lint.js';
import { judge } from '../check/judge.js';
import { observeRun } from '../check/observed-run.js';
import { statefulOutputs } from '../check/stateful-outputs.js';
import type { Verdict } from '../check/verdict.js';
import type { FaultPlan } from '../faults/fault.js';
import { resolveFaultPlan } from '../case/fault-plan-draw.js';
import type { DrawnCase } from '../case/case-arbitrary.js';
import type { SutEvent } from '../protocol/event-line.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import type { ProcessPool } from '../process/process-pool.js';
import type { Store } from '../store/store.js';
import { FailureFreeRuns } from './failure-free-runs.js';
import { DEFAULT_RUN_BOUNDS, type RunBounds } from './run-bounds.js';
import { makeRunDirs } from './run-dirs.js';
import { runUntilDone } from './run-until-done.js';
import type { TimelineEntry } from './timeline.js';

export interface CaseSpec {
  /** The seed and fast-check path that drew this case; printed first on every failure. */
  seed: number;
  path: string;
  drawn: DrawnCase;
  /** A concrete plan to inject instead of resolving the drawn one (tests, hand-written cases). */
  plan?: FaultPlan;
}

export interface RunCaseOptions {
  sut: LoadedManifest;
  /** Where failure-free runs are kept and reused; the suite's work directory. */
  failureFree: FailureFreeRuns;
  /** Where the case's own (faulty-run) directory is made (a fast file system: see fastTempRoot). */
  workRoot: string;
  /** Where a case that is kept is moved (default: it stays under workRoot). */
  keepRoot?: string;
  /** The manifest file, for replay lines. */
  manifestFile?: string;
  /** The conformance level, for replay lines, when it is not the SUT's highest. */
  level?: string;
  bounds?: RunBounds;
  /** Serving processes (PROTOCOL.md §9) for SUTs whose manifest has serve; absent: a process per start. */
  pool?: ProcessPool | undefined;
  store?: Store;
  suiteId?: number | null;
  caseIndex?: number;
  /** Stored as a shrink candidate of this case. */
  shrinkOf?: number;
  /** Keep the case directory: never, unless the verdict is not pass (default), or always. */
  keepWorkDir?: 'never' | 'unless-pass' | 'always';
  /** Storage crash states (L5): trace the failure-free run, build power-loss states from it, lint it. */
  storage?: boolean;
}

export interface CaseResult {
  verdict: Verdict;
  plan: FaultPlan;
  timeline: TimelineEntry[];
  /** The kept case directory, or null when it was removed. */
  workDir: string | null;
  caseId: number | null;
  /** The line `streamcheck replay` takes. */
  replayLine: string;
  /** Starts of the faulty run that a fault ended (crashes that really happened). */
  crashesInjected: number;
  failureFreeReused: boolean;
  failureFreeMs: number;
  faultyMs: number;
  /** The durability lint of the failure-free run's trace (L5), [] otherwise. */
  lint: LintFinding[];
}

export function replayLine(spec: { scenario: string; seed: number; path: string }, manifestFile?: string, level?: string): string {
  const sut = manifestFile === undefined ? '' : ` --sut ${JSON.stringify(manifestFile)}`;
  const lvl = level === undefined ? '' : ` --level ${level}`;
  return `npx streamcheck replay${sut}${lvl} --scenario ${spec.scenario} --seed ${spec.seed} --path "${spec.path}"`;
}

let caseCounter = 0;

export async function runCase(spec: CaseSpec, o: RunCaseOptions): Promise<CaseResult> {
  const bounds = o.bounds ?? DEFAULT_RUN_BOUNDS;
  const c = spec.drawn.scenarioCase;
  const work = fs.mkdtempSync(path.join(o.workRoot, `case-${++caseCounter}-`));
  const caseId =
    o.store?.beginCase({
      suiteId: o.suiteId ?? null,
      caseIndex: o.caseIndex ?? 0,
      scenario: c.scenario,
      seed: spec.seed,
      path: spec.path,
      caseJson: c,
      faultPlanJson: spec.drawn.plan,
      workDir: work,
      role: o.shrinkOf === undefined ? 'case' : 'shrink',
      parentCaseId: o.shrinkOf ?? null,
    }) ?? null;
  const stored = o.store !== undefined && caseId !== null ? { store: o.store, caseId } : undefined;

  const storage = o.storage === true;
  const { run: ff, reused } = await o.failureFree.get(o.sut, c, bounds, stored, o.pool, storage);
  const ffTrace = ff.trace?.type === 'traced' ? ff.trace.trace : null;
  const plan = spec.plan ?? resolveFaultPlan(spec.drawn.plan, { ...ff, trace: ffTrace });
  const lint = ff.lint;
  if (stored !== undefined && storage) {
    stored.store.recordTrace(stored.caseId, ff.trace === null ? { type: 'untraced', reason: 'strace is not installed' } : ff.trace, reused, lint);
  }
  stored?.store.setCaseFaultPlan(stored.caseId, { drawn: spec.drawn.plan, resolved: plan });

  const t0 = performance.now();
  const clock = () => Math.round(performance.now() - t0);
  const timeline: TimelineEntry[] = [];
  const dirs = makeRunDirs(work, 'faulty', c);
  const outcome = await runUntilDone({
    sut: o.sut,
    scenarioCase: c,
    bounds,
    clock,
    timeline,
    store: stored,
    pool: o.pool,
    dirs,
    kind: 'faulty',
    faults: plan.faults,
    wipeScratchBefore: plan.wipeScratchBefore,
    corruptCheckpointBefore: plan.corruptCheckpointBefore,
    ...(storage ? { trace: { dir: work, every: false }, referenceTrace: ffTrace } : {}),
  });
  const faultyMs = clock();
  const events: SutEvent[] = timeline.flatMap((e) => (e.type === 'event' ? [e.event] : []));

  const verdict = judge({
    guarantee: o.sut.manifest.outputGuarantee,
    expected: () => expectedOutputs(validateProgram(c.program), c.input),
    failureFree: { outcome: ff.outcome, observed: ff.observed },
    faulty: { outcome, observed: observeRun(dirs.outputDir, events) },
    statefulOutputs: statefulOutputs(c.program),
  });

  const keep = o.keepWorkDir ?? 'unless-pass';
  const kept = keep === 'always' || (keep === 'unless-pass' && verdict.verdict !== 'pass');
  let keptDir: string | null = null;
  if (kept) {
    fs.cpSync(ff.dirs.outputDir, path.join(work, 'failure-free', 'output'), { recursive: true });
    keptDir = work;
    if (o.keepRoot !== undefined && path.resolve(o.keepRoot) !== path.resolve(o.workRoot)) {
      fs.mkdirSync(o.keepRoot, { recursive: true });
      keptDir = path.join(o.keepRoot, path.basename(work));
      fs.cpSync(work, keptDir, { recursive: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  } else fs.rmSync(work, { recursive: true, force: true });
  if (stored !== undefined) {
    const a = verdict.anomaly;
    stored.store.setCaseWorkDir(stored.caseId, keptDir);
    stored.store.setCaseTimes(stored.caseId, { failureFreeMs: ff.durationMs, faultyMs, failureFreeReused: reused });
    stored.store.finishCase(stored.caseId, {
      verdict: verdict.verdict,
      anomaly: a?.kind ?? null,
      firstBatchMs: a?.batchTimeMs ?? null,
      firstKey: a?.key ?? null,
      message: a?.message ?? (verdict.results.find((r) => r.type === 'unknown') as { error?: string } | undefined)?.error ?? null,
      detail: verdict,
    });
  }
  const crashesInjected = timeline.filter((e) => e.type === 'fault' && e.injected && (e.fault.kind === 'crash-point' || e.fault.kind === 'kill-after' || e.fault.kind === 'syscall-kill' || e.fault.kind === 'power-loss' || e.fault.kind === 'io-error')).length;
  return {
    verdict,
    plan,
    timeline: [...(reused ? [] : ff.timeline), ...timeline],
    workDir: keptDir,
    caseId,
    replayLine: replayLine({ scenario: c.scenario, seed: spec.seed, path: spec.path }, o.manifestFile, o.level),
    crashesInjected,
    failureFreeReused: reused,
    failureFreeMs: ff.durationMs,
    faultyMs,
    lint,
  };
}
