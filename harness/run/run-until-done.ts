// Runs the SUT over one set of directories, restarting it after every non-clean exit until it exits
// 0, with the plan's n-th fault applied to the n-th start. Bounded by restartsMax and caseTimeoutMs;
// every start, event, fault and exit is stored as it happens and appended to the case's timeline.

import { EXIT_BAD_CHECKPOINT, EXIT_BAD_INPUT, EXIT_UNSUPPORTED } from '../protocol/exit-status.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScenarioCase } from '../../scenarios/scenario.js';
import { crashPointEnv, crashPointInjected } from '../faults/crash-point-fault.js';
import { describeFault, mechanismOf, type Fault, type InjectedFault } from '../faults/fault.js';
import { coverageCells } from '../case/crash-space.js';
import { armKillAfter } from '../faults/kill-after-fault.js';
import { armKillAtEvent, replayKillDelayMs } from '../faults/kill-at-event-fault.js';
import { corruptNewestCheckpoint } from '../faults/corrupt-checkpoint-fault.js';
import type { FaultPlan } from '../faults/fault.js';
import { applyPowerLoss } from '../faults/power-loss-fault.js';
import { syscallKillInjection, syscallKillLanded } from '../faults/syscall-kill-fault.js';
import { afterIoError, ioErrorInjection } from '../faults/io-error-fault.js';
import { armServiceKill, killServiceBefore, type ServiceKillOutcome } from '../faults/service-kill-fault.js';
import type { ServiceSet } from '../process/service-set.js';
import type { FileTrace } from '../trace/file-op.js';
import type { WatchedRoot } from '../trace/parse-strace.js';
import { readTrace, type TraceResult } from '../trace/read-trace.js';
import { readTree } from '../trace/fs-image.js';
import { straceArgv, straceExecutable, straceMissing, type Injection } from '../trace/strace-argv.js';
import type { ProcessExit } from '../process/process-exit.js';
import type { ProcessPool } from '../process/process-pool.js';
import { SutProcess } from '../process/sut-process.js';
import type { RunRequest, SutRun } from '../process/sut-run.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import type { EventRow, RunKind, Store } from '../store/store.js';
import { captureCrashState, type StateEntry } from './crash-state-digest.js';
import { ReplayedKillStates } from './replayed-kill-states.js';
import { outputBoundsOf, type RunBounds } from './run-bounds.js';
import { protocolEnv, type RunDirs } from './run-dirs.js';
import type { TimelineEntry } from './timeline.js';

export interface RunUntilDoneOptions {
  sut: LoadedManifest;
  scenarioCase: ScenarioCase;
  dirs: RunDirs;
  kind: RunKind;
  /** Applied to starts 1, 2, ... in order; [] for the failure-free run. */
  faults: readonly Fault[];
  /** Starts before which the scratch directory is wiped. */
  wipeScratchBefore?: readonly number[];
  /** Starts before which the newest metadata checkpoint is corrupted. */
  corruptCheckpointBefore?: FaultPlan['corruptCheckpointBefore'];
  bounds: RunBounds;
  /** The case's clock: milliseconds since the case started. */
  clock: () => number;
  timeline: TimelineEntry[];
  store?: { store: Store; caseId: number } | undefined;
  /** Serving processes to run in (PROTOCOL.md §9); without them every start spawns the command. */
  pool?: ProcessPool | undefined;
  /** File-operation traces (PROTOCOL.md §10): where trace files go, and whether every start is traced
   *  (the failure-free run at L5) or only those whose fault needs it (syscall kills). */
  trace?: { dir: string; every: boolean; onTrace?: (attempt: number, t: TraceResult) => void };
  /** The failure-free run's trace, from which a first-start power loss is built without running. */
  referenceTrace?: FileTrace | null;
  /** The manifest's running services (PROTOCOL.md §11): their directories go into every start's
   *  environment, and the service-kill fault SIGKILLs and restarts them. */
  services?: ServiceSet | undefined;
  /** Timed kills' crash states (crash-state-digest.ts): the states the faulty run's kills left, by
   *  digest (so a failing case can keep them), and where a replay finds recorded ones. */
  crashStates?: { captured: Map<string, StateEntry[]> | null; storedDir: string | null };
}

/** Bytes of a timed kill's crash state kept in memory until the case's verdict (crashStateKeptMaxBytes);
 *  a larger state keeps only its digest. */
export const CRASH_STATE_KEPT_MAX_BYTES = 16 * 1024 * 1024;

/** The watched roots of a run's directories, as strace prints them (real paths). */
export function watchedRoots(dirs: RunDirs): WatchedRoot[] {
  return [
    { label: 'checkpoint', dir: fs.realpathSync(dirs.checkpointDir) },
    { label: 'output', dir: fs.realpathSync(dirs.outputDir) },
  ];
}

export type RunOutcome =
  | { type: 'completed'; attempts: number; exits: ProcessExit[] }
  /** overLimit: the start went past an output bound (the case's verdict is output-too-large). */
  | { type: 'gave-up'; attempts: number; exits: ProcessExit[]; reason: string; overLimit?: string };

/** Garbage stdout lines are stored cut to this many characters (the line's length is kept beside it). */
export const GARBAGE_LINE_STORED_MAX_CHARS = 2_000;

export async function runUntilDone(o: RunUntilDoneOptions): Promise<RunOutcome> {
  for (const f of o.faults) {
    if (!o.sut.manifest.crashMechanisms.includes(mechanismOf(f))) {
      throw new Error(`fault "${describeFault(f)}" needs crash mechanism "${mechanismOf(f)}", which ${o.sut.manifest.name} does not declare (it declares: ${o.sut.manifest.crashMechanisms.join(', ')})`);
    }
  }
  const runId = o.store?.store.beginRun(o.store.caseId, o.kind);
  const started = o.clock();
  const exits: ProcessExit[] = [];
  // Replayed timed kills with a recorded state digest: a try that left another state is rolled back,
  // directories (by replayed) and timeline (here), and the start run again (replayed-kill-states.ts).
  const replayed = new ReplayedKillStates(o.dirs, o.crashStates?.storedDir ?? null);
  const finish = (outcome: RunOutcome): RunOutcome => {
    if (runId !== undefined) o.store!.store.finishRun(runId, outcome.type);
    return outcome;
  };
  // A failure-free run gets one start; a faulty one its first start plus restartsMax restarts.
  const startsMax = o.kind === 'failure-free' ? 1 : 1 + o.bounds.restartsMax;
  // The directories a trace watches and a crash state rewrites; they exist for the whole run.
  const roots = watchedRoots(o.dirs);
  /** Node loss (a wipe, or the power going): only the checkpoint and output directories survive. */
  const emptyScratch = (): void => {
    fs.rmSync(o.dirs.scratchDir, { recursive: true, force: true });
    fs.mkdirSync(o.dirs.scratchDir, { recursive: true });
  };
  /** A fault that landed in a faulty run: the crash-space cells it hit (crash_coverage). */
  const covered = (fault: InjectedFault, attempt: number, crashPointName: string | null = null): void => {
    if (o.kind === 'faulty' && o.store !== undefined) o.store.store.recordCoverage(o.store.caseId, fault.kind, coverageCells(fault, attempt, crashPointName));
  };
  for (let attempt = 1; attempt <= startsMax; attempt++) {
    const remainingMs = o.bounds.caseTimeoutMs - (o.clock() - started);
    if (remainingMs <= 0) return finish({ type: 'gave-up', attempts: attempt - 1, exits, reason: `caseTimeoutMs ${o.bounds.caseTimeoutMs} ms passed before start ${attempt}` });
    const fault = o.faults[attempt - 1];
    // Faults before the start were applied by the first try; the snapshot holds their result.
    const retry = replayed.tryIndex > 0;
    if (!retry && o.wipeScratchBefore?.includes(attempt) === true) {
      emptyScratch();
      const atMs = o.clock();
      o.timeline.push({ type: 'fault', atMs, run: o.kind, attempt, fault: { kind: 'wipe-scratch' }, injected: true });
      covered({ kind: 'wipe-scratch' }, attempt);
      if (runId !== undefined) o.store!.store.recordFault({ caseId: o.store!.caseId, runId, attempt, kind: 'wipe-scratch', fault: { kind: 'wipe-scratch' }, injected: true, atMs });
    }
    for (const c of o.corruptCheckpointBefore ?? []) {
      if (c.attempt !== attempt || retry) continue;
      const selector = o.sut.manifest.storageFaults;
      if (selector === undefined) throw new Error(`storage fault planned, but ${o.sut.manifest.name} declares no storageFaults in its manifest`);
      const r = corruptNewestCheckpoint(o.dirs.checkpointDir, selector, c.how, c.fraction, c.file);
      const fault = { kind: 'corrupt-checkpoint' as const, how: c.how, fraction: c.fraction, ...(r.file === null ? {} : { file: r.file }) };
      const atMs = o.clock();
      o.timeline.push({ type: 'fault', atMs, run: o.kind, attempt, fault, injected: r.injected });
      if (r.injected) covered(fault, attempt);
      if (runId !== undefined) o.store!.store.recordFault({ caseId: o.store!.caseId, runId, attempt, kind: 'corrupt-checkpoint', fault: { ...fault, file: r.file, detail: r.detail }, injected: r.injected, atMs: r.injected ? atMs : null });
    }
    if (fault?.kind === 'power-loss') {
      // The first start is not run: its crash state comes from the failure-free run's trace, replayed
      // into this run's directories (one traced run gives every crash state). Scratch is node-local
      // and goes with the machine.
      const r =
        attempt === 1 && o.referenceTrace != null
          ? applyPowerLoss(o.referenceTrace, fault, roots, true)
          : { applied: false, injected: false, detail: attempt === 1 ? 'the failure-free run has no file-operation trace' : 'power loss is placed in a first start only' };
      if (r.applied) {
        emptyScratch();
      }
      const atMs = o.clock();
      o.timeline.push({ type: 'fault', atMs, run: o.kind, attempt, fault, injected: r.injected, detail: r.detail });
      if (r.injected) covered(fault, attempt);
      if (runId !== undefined) o.store!.store.recordFault({ caseId: o.store!.caseId, runId, attempt, kind: fault.kind, fault: { ...fault, detail: r.detail }, injected: r.injected, atMs: r.injected ? atMs : null });
      if (r.applied) continue;
    }
    const injection: Injection | null = fault?.kind === 'syscall-kill' ? syscallKillInjection(fault) : fault?.kind === 'io-error' && attempt === 1 ? ioErrorInjection(fault) : null;
    const strace = straceExecutable();
    const traced = o.trace !== undefined && strace !== null && (o.trace.every || injection !== null);
    const traceFile = traced ? path.join(o.trace!.dir, `${o.kind}-start-${attempt}.strace`) : null;
    // What a traced start finds on disk (a restart finds its predecessors' files), so its trace
    // knows the files it opens without creating them.
    const initial = traceFile === null ? null : readTree(roots);
    // A service killed between runs is back up before the start.
    const serviceKilledBefore: ServiceKillOutcome | null = fault?.kind === 'service-kill' && fault.delayMs === null ? await killServiceBefore(o.services, fault.service) : null;
    // Whether this start is a replayed timed kill whose state is checked: not when it is traced (its
    // trace is of one try), nor with services (their state is not in the directories to roll back).
    const expected = fault?.kind === 'kill-at-event' && fault.event !== null && fault.state !== undefined && traceFile === null && o.services === undefined ? { state: fault.state, lines: fault.event } : null;
    if (expected !== null) replayed.beforeTry();
    // Event lines a replayed start printed past the recorded line: the recorded start died before them.
    let droppedLines = 0;
    const timelineMark = o.timeline.length;
    const startAt = o.clock();
    // A start's events go to the store in one transaction when it ends, before its fault and exit rows.
    const eventRows: EventRow[] = [];
    // Event lines of this start: where a timed kill landed in the SUT's progress, and where a replayed one strikes.
    let eventLines = 0;
    let lastEventAtMs = 0;
    let crashPointName: string | null = null;
    let onEventLine = (): void => {};
    o.timeline.push({ type: 'start', atMs: startAt, run: o.kind, attempt });
    const request: RunRequest = {
      env: { ...o.sut.manifest.env, ...o.services?.env(), ...protocolEnv(o.dirs, o.scenarioCase), ...(fault?.kind === 'crash-point' ? crashPointEnv(fault.n) : {}) },
      runTimeoutMs: Math.min(o.bounds.runTimeoutMs, remainingMs),
      outputBounds: outputBoundsOf(o.bounds),
      onLine: (line, atMs) => {
        const at = startAt + atMs;
        if (line.kind === 'event') {
          eventLines += 1;
          if (line.event.event === 'crash-point' && typeof line.event['name'] === 'string') crashPointName = line.event['name'];
          if (killedAtMs === null) lastEventAtMs = atMs;
          onEventLine();
          if (expected !== null && eventLines > expected.lines) {
            droppedLines += 1;
            return;
          }
          o.timeline.push({ type: 'event', atMs: at, run: o.kind, attempt, event: line.event });
          if (runId !== undefined) eventRows.push({ runId, attempt, atMs: at, kind: 'event', name: line.event.event, json: line.event });
        } else {
          const stored = line.line.length > GARBAGE_LINE_STORED_MAX_CHARS ? `${line.line.slice(0, GARBAGE_LINE_STORED_MAX_CHARS)}…` : line.line;
          o.timeline.push({ type: 'garbage', atMs: at, run: o.kind, attempt, line: stored, reason: line.reason });
          if (runId !== undefined) eventRows.push({ runId, attempt, atMs: at, kind: 'garbage', name: null, json: { line: stored, length: line.line.length, reason: line.reason } });
        }
      },
    };
    // Every start after the first of a faulty run is a recovery: the pool gives it a fresh process.
    // A traced start always has a process of its own, under strace.
    const proc: SutRun =
      traceFile !== null
        ? SutProcess.spawn({ command: straceArgv(o.sut.manifest.command, traceFile, injection), cwd: o.sut.cwd, ...request })
        : o.pool === undefined
          ? SutProcess.spawn({ command: o.sut.manifest.command, cwd: o.sut.cwd, ...request })
          : o.pool.start({ ...request, restart: o.kind === 'faulty' && attempt > 1 });
    let killedAtMs: number | null = null;
    let disarm = (): void => {};
    if (fault?.kind === 'kill-after') disarm = armKillAfter(proc, fault.delayMs, (atMs) => (killedAtMs = startAt + atMs));
    if (fault?.kind === 'kill-at-event') {
      const armed = armKillAtEvent(proc, fault.event, expected === null ? (fault.afterMs ?? 0) : replayKillDelayMs(fault.afterMs ?? 0, replayed.tryIndex), (atMs) => (killedAtMs = startAt + atMs));
      onEventLine = armed.onEvent;
      disarm = armed.disarm;
    }
    const serviceKill = fault?.kind === 'service-kill' && fault.delayMs !== null ? armServiceKill(proc, o.services, fault.service, fault.delayMs) : null;
    const exit = await proc.wait();
    disarm();
    serviceKill?.disarm();
    // The next start waits for a killed service to be back up.
    const serviceKilled = serviceKill === null ? serviceKilledBefore : await serviceKill.outcome();
    // What a landed timed kill left on disk (a replay must leave the same).
    const killedByFault = (fault?.kind === 'kill-after' || fault?.kind === 'kill-at-event') && exit.type === 'killed-by-harness' && exit.overLimit === null;
    const keepBytes = o.kind === 'faulty' && o.crashStates?.captured != null ? CRASH_STATE_KEPT_MAX_BYTES : 0;
    const captured = killedByFault ? captureCrashState(o.dirs, keepBytes) : null;
    let stateDigest = captured?.type === 'digest' ? captured.digest : undefined;
    if (captured?.type === 'digest' && captured.entries !== null && keepBytes > 0) o.crashStates!.captured!.set(captured.digest, captured.entries);
    let stateNote = '';
    let endedAsRecorded = false;
    if (expected !== null) {
      const settled = replayed.afterTry({ attempt, expected: expected.state, killed: killedByFault, ranToEnd: !killedByFault && exit.type === 'clean' && exit.overLimit === null, captured, timeLeft: o.bounds.caseTimeoutMs - (o.clock() - started) > 0 });
      if (settled.type === 'retry') {
        o.timeline.length = timelineMark;
        attempt -= 1;
        continue;
      }
      ({ stateDigest, endedAsRecorded } = settled);
      stateNote = settled.note;
      if (droppedLines > 0) stateNote += `; ${droppedLines} event line(s) printed after line ${expected.lines} dropped (the recorded start died before them)`;
    }
    o.store?.store.recordEvents(eventRows);
    exits.push(exit);
    const endAt = o.clock();
    let trace: TraceResult | null = null;
    let poweredOff = false;
    if (traceFile !== null) {
      trace = readTrace(traceFile, { roots: roots, cwd: fs.realpathSync(o.sut.cwd), injected: injection, ownFiles: [o.dirs.programFile, o.dirs.inputFile].map((f) => fs.realpathSync(f)), ...(initial === null || 'error' in initial ? {} : { initial }) });
      fs.rmSync(traceFile, { force: true });
      o.trace?.onTrace?.(attempt, trace);
    }
    if (fault !== undefined) {
      let injected: boolean;
      let detail: string | undefined;
      let killedAfterLines: number | undefined;
      let afterMs = 0;
      switch (fault.kind) {
        case 'crash-point':
          injected = crashPointInjected(exit);
          break;
        case 'kill-after':
          injected = exit.type === 'killed-by-harness' && exit.overLimit === null;
          // Every line printed before the SIGKILL has been read by now (wait() resolves after the last).
          if (injected) {
            killedAfterLines = eventLines;
            afterMs = killedAtMs === null ? 0 : Math.max(0, Math.round(killedAtMs - startAt - lastEventAtMs));
          }
          break;
        case 'kill-at-event':
          injected = (exit.type === 'killed-by-harness' && exit.overLimit === null) || endedAsRecorded;
          if (injected) {
            killedAfterLines = fault.event ?? undefined;
            afterMs = fault.afterMs ?? 0;
          }
          break;
        case 'service-kill':
          injected = serviceKilled?.injected === true;
          detail = serviceKilled?.detail;
          if (serviceKilled?.atMs != null) killedAtMs = startAt + serviceKilled.atMs;
          break;
        case 'syscall-kill': {
          const landed = injection === null ? { landed: false, detail: 'no trace placed it' } : strace === null ? { landed: false, detail: straceMissing() } : syscallKillLanded(exit, trace?.type === 'traced' ? trace.trace : null);
          injected = landed.landed;
          detail = landed.detail;
          break;
        }
        case 'power-loss':
          // Not injected (the reason is already on the timeline): the start ran undisturbed.
          injected = false;
          detail = 'not injected, so the start ran undisturbed';
          break;
        case 'io-error': {
          const r = injection === null ? { landed: false, detail: attempt === 1 ? 'no trace placed it' : 'I/O errors are placed in a first start only' } : strace === null ? { landed: false, detail: straceMissing() } : afterIoError(trace?.type === 'traced' ? trace.trace : null, roots);
          injected = r.landed;
          detail = r.detail;
          if (r.landed) {
            // Power went with the error: scratch is node-local and goes with the machine.
            emptyScratch();
            poweredOff = true;
          }
          break;
        }
        default: {
          const never: never = fault;
          throw new Error(`unknown fault ${JSON.stringify(never)}`);
        }
      }
      const atMs = injected ? (killedAtMs ?? endAt) : null;
      if (fault.kind !== 'power-loss') {
        if (killedAfterLines !== undefined) detail = `${afterMs} ms after event line ${killedAfterLines} of the start${stateNote}`;
        const lines = killedAfterLines === undefined ? {} : { eventLines: killedAfterLines, afterMs, ...(stateDigest === undefined ? {} : { stateDigest }) };
        if (injected) covered(fault, attempt, fault.kind === 'crash-point' ? crashPointName : null);
        o.timeline.push({ type: 'fault', atMs: atMs ?? endAt, run: o.kind, attempt, fault, injected, ...(detail === undefined ? {} : { detail }), ...lines });
        if (runId !== undefined) o.store!.store.recordFault({ caseId: o.store!.caseId, runId, attempt, kind: fault.kind, fault: { ...fault, ...(detail === undefined ? {} : { detail }), ...lines }, injected, atMs });
      }
    }
    o.timeline.push({ type: 'exit', atMs: endAt, run: o.kind, attempt, exit });
    if (runId !== undefined) o.store!.store.recordExit(runId, attempt, exit);
    // The start is settled: the next one takes its own snapshot, if it needs one.
    replayed.endStart();
    // Past an output bound, the start is stopped and the case judged on that: restarting would only repeat it.
    if (exit.overLimit !== null) {
      if (runId !== undefined) o.store!.store.recordEvents([{ runId, attempt, atMs: endAt, kind: 'garbage', name: null, json: { line: '', length: 0, reason: `output-too-large: ${exit.overLimit}` } }]);
      return finish({ type: 'gave-up', attempts: attempt, exits, reason: `start ${attempt}: ${exit.overLimit}`, overLimit: exit.overLimit });
    }
    // A start that ended in a power loss did not complete, however it exited: the next start recovers.
    if (exit.type === 'clean' && !poweredOff && !endedAsRecorded) return finish({ type: 'completed', attempts: attempt, exits });
    // A bad program or input (2), or a checkpoint directory the SUT refuses (3, PROTOCOL.md §3), will
    // not get better by restarting over the same directories.
    if (exit.type === 'nonzero-exit' && (exit.exitCode === EXIT_BAD_INPUT || exit.exitCode === EXIT_BAD_CHECKPOINT || exit.exitCode === EXIT_UNSUPPORTED || exit.spawnError !== null)) {
      const reason =
        exit.exitCode === EXIT_BAD_CHECKPOINT ? `start ${attempt}: the SUT refuses its checkpoint directory (exit 3)`
        : exit.exitCode === EXIT_UNSUPPORTED ? `start ${attempt}: the SUT declines the program (exit ${EXIT_UNSUPPORTED})${o.kind === 'faulty' ? ' after its failure-free run had run it' : ''}`
        : `start ${attempt}: the SUT cannot run this case`;
      return finish({ type: 'gave-up', attempts: attempt, exits, reason });
    }
  }
  return finish({ type: 'gave-up', attempts: startsMax, exits, reason: o.kind === 'failure-free' ? 'the failure-free run did not exit 0' : `restartsMax ${o.bounds.restartsMax} restarts did not bring the SUT to exit 0` });
}
