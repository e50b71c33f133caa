// Runs one case end to end: the SUT failure-free (or that run reused from an earlier case with the
// same program, input and configuration), then under the fault plan from fresh directories,
// restarting until it exits 0; stores every fact as it happens, then judges. The case's temporary
// directory is removed afterwards unless the case did not pass.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LintFinding } from '../check/durability-lint.js';
import { judge } from '../check/judge.js';
import { observeRun } from '../check/observed-run.js';
import { statefulOutputs } from '../check/stateful-outputs.js';
import { skippedVerdict, type Verdict } from '../check/verdict.js';
import type { CaseOutcome } from '../check/case-outcome.js';
import { crashesStart, describeFault, type Fault, type FaultPlan } from '../faults/fault.js';
import { corruptFilesOf, killAtEventsOf, replayLine, type CorruptedFile, type KillAtEvent } from '../case/replay-line.js';
import { resolveFaultPlan } from '../case/fault-plan-draw.js';
import type { DrawnCase } from '../case/case-arbitrary.js';
import type { SutEvent } from '../protocol/event-line.js';
import { EXIT_UNSUPPORTED } from '../protocol/exit-status.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import type { ProcessPool } from '../process/process-pool.js';
import type { ServiceSet } from '../process/service-set.js';
import type { Store } from '../store/store.js';
import { FailureFreeRuns } from './failure-free-runs.js';
import { DEFAULT_RUN_BOUNDS, outputBoundsOf, type RunBounds } from './run-bounds.js';
import { makeRunDirs } from './run-dirs.js';
import { strayEntries, type OutsideWrite } from './outside-writes.js';
import { runUntilDone, type RunOutcome } from './run-until-done.js';
import type { StateEntry } from './crash-state-digest.js';
import { writeCrashStateFile } from '../store/crash-state-files.js';
import type { TimelineEntry } from './timeline.js';

export interface CaseSpec {
  /** The seed and fast-check path that drew this case; printed first on every failure. */
  seed: number;
  path: string;
  drawn: DrawnCase;
  /** A concrete plan to inject instead of resolving the drawn one (tests, hand-written cases). */
  plan?: FaultPlan;
  /** Replay: the timed kills of these starts strike after the recorded event line instead (replay-line.ts). */
  killAtEvents?: readonly KillAtEvent[];
  /** Replay: the corruptions before these starts strike the recorded files. */
  corruptFiles?: readonly CorruptedFile[];
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
  /** Whether starts run in serving processes (pool given), for replay lines; default: whether a pool is given. */
  serve?: boolean;
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
  /** The manifest's running services (PROTOCOL.md §11), for its runs and the service-kill fault. */
  services?: ServiceSet | undefined;
  /** Where the crash states a failing case's timed kills left are kept (crash-state-files.ts), and
   *  where a replay finds the recorded ones; absent: none kept, none looked up. */
  crashStatesDir?: string;
  /** Whether a failing case writes its states there (default true; false: only read, as replays do). */
  crashStatesWrite?: boolean;
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
  /** Where the faulty run's timed kills landed (the replay line's --kill-at-events). */
  killAtEvents: KillAtEvent[];
  /** The files its corruptions struck (the replay line's --corrupt-files). */
  corruptFiles: CorruptedFile[];
  /** Starts of the faulty run that a fault ended (crashes that really happened). */
  crashesInjected: number;
  failureFreeReused: boolean;
  failureFreeMs: number;
  faultyMs: number;
  /** The durability lint of the failure-free run's trace (L5), [] otherwise. */
  lint: LintFinding[];
  /** Writes outside the SUT's directories: from the failure-free run's trace, and entries beside the run directories. */
  outside: OutsideWrite[];
  /** The verdict as an outcome; a suite refines a failure into fail or flaky by re-running it. */
  outcome: CaseOutcome;
}

/** The plan with the timed kills of the named starts replaced by kills at the recorded event line. */
export function withKillsAtEvents(plan: FaultPlan, kills: readonly KillAtEvent[]): FaultPlan {
  if (kills.length === 0) return plan;
  const faults = plan.faults.map((f, i): Fault => {
    const k = kills.find((x) => x.attempt === i + 1);
    if (k === undefined) return f;
    if (f.kind !== 'kill-after' && f.kind !== 'kill-at-event') throw new Error(`--kill-at-events names start ${k.attempt}, whose fault is not a timed kill: ${describeFault(f)}`);
    return k.event === null ? { kind: 'kill-at-event', event: null } : { kind: 'kill-at-event', event: k.event, ...(k.afterMs === undefined ? {} : { afterMs: k.afterMs }), ...(k.state === undefined ? {} : { state: k.state }) };
  });
  const beyond = kills.find((k) => k.attempt > plan.faults.length);
  if (beyond !== undefined) throw new Error(`--kill-at-events names start ${beyond.attempt}, but the case's plan has ${plan.faults.length} fault(s)`);
  return { ...plan, faults };
}

/** The plan with the corruptions before the named starts striking the recorded files. */
export function withCorruptFiles(plan: FaultPlan, files: readonly CorruptedFile[]): FaultPlan {
  if (files.length === 0) return plan;
  const planned = plan.corruptCheckpointBefore ?? [];
  const stray = files.find((f) => !planned.some((c) => c.attempt === f.attempt));
  if (stray !== undefined) throw new Error(`--corrupt-files names start ${stray.attempt}, before which the case's plan corrupts nothing`);
  return { ...plan, corruptCheckpointBefore: planned.map((c) => {
    const f = files.find((x) => x.attempt === c.attempt);
    return f === undefined ? c : { ...c, file: f.file };
  }) };
}

let caseCounter = 0;

/** Why the SUT declined the program (PROTOCOL.md §3, exit 4 on the failure-free run's only start), or null. */
function declinedBy(outcome: RunOutcome): string | null {
  const first = outcome.exits[0];
  if (outcome.type !== 'gave-up' || first === undefined || first.type !== 'nonzero-exit' || first.exitCode !== EXIT_UNSUPPORTED || first.spawnError !== null) return null;
  const line = first.stderrTail.trim().split('\n').at(-1)?.trim() ?? '';
  return line === '' ? `the SUT declined the program (exit ${EXIT_UNSUPPORTED})` : line;
}

/** A case the SUT declined: stored and returned as skipped, with no faulty run and nothing judged. */
function skipCase(
  spec: CaseSpec,
  o: RunCaseOptions,
  x: { work: string; caseId: number | null; stored: { store: Store; caseId: number } | undefined; reused: boolean; ffMs: number; timeline: TimelineEntry[]; reason: string },
): CaseResult {
  const verdict = skippedVerdict(x.reason);
  const plan: FaultPlan = { faults: [] };
  fs.rmSync(x.work, { recursive: true, force: true });
  if (x.stored !== undefined) {
    x.stored.store.setCaseFaultPlan(x.stored.caseId, { drawn: spec.drawn.plan, resolved: plan });
    x.stored.store.setCaseWorkDir(x.stored.caseId, null);
    x.stored.store.setCaseTimes(x.stored.caseId, { failureFreeMs: x.ffMs, faultyMs: 0, failureFreeReused: x.reused });
    x.stored.store.finishCase(x.stored.caseId, { verdict: 'skipped', anomaly: null, firstBatchMs: null, firstKey: null, message: x.reason, detail: verdict });
  }
  const c = spec.drawn.scenarioCase;
  return {
    verdict,
    plan,
    timeline: x.timeline,
    workDir: null,
    caseId: x.caseId,
    corruptFiles: [],
    killAtEvents: [],
    replayLine: replayLine({ scenario: c.scenario, seed: spec.seed, path: spec.path, manifestFile: o.manifestFile ?? null, level: o.level ?? null, bounds: o.bounds ?? DEFAULT_RUN_BOUNDS, serve: o.serve ?? o.pool !== undefined, killAtEvents: [] }),
    crashesInjected: 0,
    failureFreeReused: x.reused,
    failureFreeMs: x.ffMs,
    faultyMs: 0,
    lint: [],
    outside: [],
    outcome: { type: 'skipped' },
  };
}

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
  const { run: ff, reused } = await o.failureFree.get(o.sut, c, bounds, stored, o.pool, storage, o.services);
  const declined = declinedBy(ff.outcome);
  if (declined !== null) return skipCase(spec, o, { work, caseId, stored, reused, ffMs: ff.durationMs, timeline: reused ? [] : ff.timeline, reason: declined });
  const ffTrace = ff.trace?.type === 'traced' ? ff.trace.trace : null;
  const plan = withCorruptFiles(withKillsAtEvents(spec.plan ?? resolveFaultPlan(spec.drawn.plan, { ...ff, trace: ffTrace }), spec.killAtEvents ?? []), spec.corruptFiles ?? []);
  const lint = ff.lint;
  if (stored !== undefined && storage) {
    stored.store.recordTrace(stored.caseId, ff.trace === null ? { type: 'untraced', reason: 'strace is not installed' } : ff.trace, reused, lint);
  }
  stored?.store.setCaseFaultPlan(stored.caseId, { drawn: spec.drawn.plan, resolved: plan });

  const t0 = performance.now();
  const clock = () => Math.round(performance.now() - t0);
  const timeline: TimelineEntry[] = [];
  const dirs = makeRunDirs(work, 'faulty', c);
  // States are held until the verdict only where a failing case would keep them.
  const keepStates = o.crashStatesDir !== undefined && o.crashStatesWrite !== false;
  const crashStates = { captured: keepStates ? new Map<string, StateEntry[]>() : null, storedDir: o.crashStatesDir ?? null };
  const outcome = await runUntilDone({
    crashStates,
    sut: o.sut,
    scenarioCase: c,
    bounds,
    clock,
    timeline,
    store: stored,
    pool: o.pool,
    services: o.services,
    dirs,
    kind: 'faulty',
    faults: plan.faults,
    wipeScratchBefore: plan.wipeScratchBefore,
    corruptCheckpointBefore: plan.corruptCheckpointBefore,
    ...(storage ? { trace: { dir: work, every: false }, referenceTrace: ffTrace } : {}),
  });
  const faultyMs = clock();
  const events: SutEvent[] = timeline.flatMap((e) => (e.type === 'event' ? [e.event] : []));

  const judged = judge({
    guarantee: o.sut.manifest.outputGuarantee,
    expected: ff.expected,
    failureFree: { outcome: ff.outcome, observed: ff.observed },
    faulty: { outcome, observed: observeRun(dirs.outputDir, events, outputBoundsOf(bounds).outputFileMaxBytes) },
    statefulOutputs: statefulOutputs(c.program),
  });
  // A failure-free run that is not reproducible is no yardstick: whatever the checkers said, the
  // verdict is unknown and the outcome nondeterministic, never a fail the SUT's faults did not cause.
  const d = ff.determinism;
  const verdict: Verdict =
    d.type === 'differs'
      ? { verdict: 'unknown', anomaly: null, results: [{ type: 'unknown', checker: 'determinism', error: `nondeterministic: the failure-free run committed different outputs when run twice (output hashes ${d.hashes[0].slice(0, 12)} and ${d.hashes[1].slice(0, 12)}), so no faulty run can be compared with it` }, ...judged.results] }
      : judged;
  const caseOutcome: CaseOutcome = d.type === 'differs' ? { type: 'nondeterministic', hashes: d.hashes } : verdict.verdict === 'fail' ? { type: 'fail', runs: 1, reproduced: 1 } : { type: verdict.verdict };

  const outside: OutsideWrite[] = [
    ...(reused || ffTrace === null ? [] : ffTrace.outside.map((w) => ({ path: w.slice(w.indexOf(' ') + 1), how: `traced: ${w.slice(0, w.indexOf(' '))}` }))),
    ...strayEntries(work),
    ...(reused ? [] : strayEntries(path.dirname(path.dirname(ff.dirs.checkpointDir)))),
  ];
  if (stored !== undefined && outside.length > 0) stored.store.recordOutsideWrites(o.suiteId ?? null, stored.caseId, outside);

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
    if (caseOutcome.type === 'nondeterministic') stored.store.setCaseOutcome(stored.caseId, { outcome: 'nondeterministic', reruns: 0, reproduced: 0, detail: { hashes: caseOutcome.hashes, judged: judged.verdict } });
  }
  const crashesInjected = timeline.filter((e) => e.type === 'fault' && e.injected && crashesStart(e.fault)).length;
  // A failing case keeps the states its timed kills left, so its replay line can put them back exactly.
  if (verdict.verdict !== 'pass' && crashStates.captured !== null) {
    for (const [digest, entries] of crashStates.captured) writeCrashStateFile(o.crashStatesDir!, digest, entries);
  }
  const killAtEvents = killAtEventsOf(timeline.flatMap((e) => (e.type === 'fault' && e.run === 'faulty' ? [{ attempt: e.attempt, kind: e.fault.kind, injected: e.injected, eventLines: e.eventLines ?? null, afterMs: e.fault.kind === 'kill-at-event' ? (e.fault.afterMs ?? null) : (e.afterMs ?? null), event: e.fault.kind === 'kill-at-event' ? e.fault.event : null, state: e.fault.kind === 'kill-at-event' ? (e.fault.state ?? null) : (e.stateDigest ?? null) }] : [])));
  const corruptFiles = corruptFilesOf(timeline.flatMap((e) => (e.type === 'fault' && e.run === 'faulty' && e.fault.kind === 'corrupt-checkpoint' ? [{ attempt: e.attempt, kind: e.fault.kind, injected: e.injected, file: e.fault.file ?? null }] : [])));
  return {
    verdict,
    plan,
    killAtEvents,
    corruptFiles,
    timeline: [...(reused ? [] : ff.timeline), ...timeline],
    workDir: keptDir,
    caseId,
    replayLine: replayLine({
      scenario: c.scenario,
      seed: spec.seed,
      path: spec.path,
      manifestFile: o.manifestFile ?? null,
      level: o.level ?? null,
      bounds,
      serve: o.serve ?? o.pool !== undefined,
      killAtEvents,
      crashStatesDir: verdict.verdict === 'pass' ? null : (o.crashStatesDir ?? null),
      corruptFiles,
    }),
    crashesInjected,
    failureFreeReused: reused,
    failureFreeMs: ff.durationMs,
    faultyMs,
    lint,
    outside,
    outcome: caseOutcome,
  };
}
