// The fault plan as fast-check draws it, before the case runs. Where a crash lands is drawn as a
// fraction of the failure-free run (of its crash points, or of its duration), because how many
// crash points a run passes is only known once the SUT has run; resolveFaultPlan turns the draw
// into concrete faults. Fractions shrink toward 0, so a shrunk counterexample crashes early. Which
// kinds are drawn is the conformance level's fault profile (conformance-level.ts).

import fc from 'fast-check';
import type { Fault, FaultPlan } from '../faults/fault.js';
import type { CrashStateKind } from '../trace/crash-state.js';
import { changeCount } from '../trace/crash-state.js';
import { isChange, type FileTrace } from '../trace/file-op.js';
import type { PersistenceModel } from '../trace/persistence-model.js';
import type { FaultProfile } from './conformance-level.js';

export type DrawnFault =
  /** At the crash point `fraction` of the way through a failure-free run. */
  | { kind: 'crash-point'; fraction: number }
  /** At one of the first crash points of a restart: during recovery itself. */
  | { kind: 'crash-in-recovery'; n: number }
  /** A SIGKILL `fraction` of the failure-free run's duration after the start. */
  | { kind: 'kill-after'; fraction: number }
  /** A SIGKILL entering the file operation `fraction` of the way through the failure-free run's trace. */
  | { kind: 'syscall-kill'; fraction: number }
  /** In a restart: a SIGKILL entering the nth call of a file-changing system call (no trace to place it by). */
  | { kind: 'syscall-kill-recovery'; syscall: RecoverySyscall; nth: number }
  /** Power loss after the file operation `fraction` of the way through the failure-free run. */
  | { kind: 'power-loss'; fraction: number; state: CrashStateKind }
  /** An I/O error on the checkpoint-file write or fsync `fraction` of the way through the failure-free run. */
  | { kind: 'io-error'; fraction: number; errno: 'EIO' | 'ENOSPC' }
  /** A SIGKILL of a service the SUT depends on (its database server) `fraction` of the failure-free
   *  run's duration after the start, or (null) just before a restart: between runs. */
  | { kind: 'service-kill'; service: string; fraction: number | null };

/** The calls a restart's syscall kill counts: the ones every checkpointing SUT makes while it recovers and resumes. */
export const RECOVERY_SYSCALLS = ['openat', 'write', 'fsync', 'rename', 'unlink'] as const;
export type RecoverySyscall = (typeof RECOVERY_SYSCALLS)[number];
/** A restart's syscall kill draws nth from 1..this. */
export const RECOVERY_SYSCALL_NTH_MAX = 12;

export type DrawnCorruption = { how: 'truncate' | 'bitflip'; fraction: number } | null;

export interface FaultPlanDraw {
  faults: DrawnFault[];
  /** For each restart (start 2, 3, ...): wipe the scratch directory first. */
  wipeScratch: boolean[];
  /** For each restart: corrupt the newest metadata checkpoint first (level L4), or not. */
  corruptCheckpoint?: DrawnCorruption[];
}

/** How many faults one case injects at most (each one a restart). */
export const FAULTS_MAX = 3;
/** crash-in-recovery draws n from 1..this: the recovery points come first in a restart. */
export const RECOVERY_CRASH_POINTS_MAX = 4;

/** What the SUT and the level allow. */
export type SutCapabilities = FaultProfile;

// Unbiased: fast-check leans toward small values on early runs, and every case of a suite is an
// early run of its own seed, which would put nearly every crash at the very start.
const fraction = fc.noBias(fc.integer({ min: 0, max: 999 })).map((k) => k / 1000);

// Milder states first, so a shrunk counterexample uses the least surprising crash state that fails:
// what SIGKILL leaves, then a durable prefix, then only the durable, then one unsynced operation
// missing, then a seeded subset of the unsynced, then torn writes.
// The strict model twice as often as ext4's: every fsync on ext4 commits all earlier directory
// entries, so its states lose little from a SUT that fsyncs files; posix is the contract a SUT
// must meet on any file system (and shrinks first).
const model: fc.Arbitrary<PersistenceModel> = fc.oneof({ arbitrary: fc.constant('posix' as const), weight: 2 }, { arbitrary: fc.constant('ext4-ordered' as const), weight: 1 });

const crashStateKind: fc.Arbitrary<CrashStateKind> = fc.oneof(
  // Cross-shrinking lets a failing state shrink to an earlier (milder) kind; the weights spend most
  // draws on the states SIGKILL can never leave.
  { withCrossShrink: true },
  { arbitrary: fc.constant({ type: 'process' as const }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('prefix' as const), model, fraction }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('durable' as const), model }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('omit-one' as const), model, fraction }), weight: 3 },
  { arbitrary: fc.record({ type: fc.constant('subset' as const), model, seed: fc.noBias(fc.integer({ min: 1, max: 0x7fffffff })) }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('torn' as const), sectorBytes: fc.constantFrom(512 as const, 4096 as const), zeroFill: fc.boolean(), fraction }), weight: 2 },
);

export function faultPlanDraw(p: SutCapabilities): fc.Arbitrary<FaultPlanDraw> {
  if (!p.timedKills && !p.crashPoints && !p.powerLoss && !p.syscallCrashes) return fc.constant({ faults: [], wipeScratch: [] });
  const first: fc.Arbitrary<DrawnFault>[] = [];
  const later: fc.Arbitrary<DrawnFault>[] = [];
  // At L5 the storage crash states come first (they are what the level adds, and shrinking prefers
  // the first kind), and weigh more than the kinds the levels below already test.
  if (p.powerLoss) first.push(fc.record({ kind: fc.constant('power-loss' as const), fraction, state: crashStateKind }), fc.record({ kind: fc.constant('power-loss' as const), fraction, state: crashStateKind }));
  if (p.syscallCrashes) {
    first.push(fraction.map((f) => ({ kind: 'syscall-kill', fraction: f }) as const));
    first.push(fc.record({ kind: fc.constant('io-error' as const), fraction, errno: fc.constantFrom('EIO' as const, 'ENOSPC' as const) }));
    later.push(fc.record({ kind: fc.constant('syscall-kill-recovery' as const), syscall: fc.constantFrom(...RECOVERY_SYSCALLS), nth: fc.integer({ min: 1, max: RECOVERY_SYSCALL_NTH_MAX }) }));
  }
  // At L5 a first start always ends in a storage-level crash: the kinds below it are L3's and L2's
  // to test (and still strike restarts here).
  const storageFirst = p.powerLoss || p.syscallCrashes;
  if (p.crashPoints) {
    if (!storageFirst) first.push(fraction.map((f) => ({ kind: 'crash-point', fraction: f }) as const));
    later.push(fraction.map((f) => ({ kind: 'crash-point', fraction: f }) as const));
  }
  if (p.recoveryCrashes) later.push(fc.noBias(fc.integer({ min: 1, max: RECOVERY_CRASH_POINTS_MAX })).map((n) => ({ kind: 'crash-in-recovery', n }) as const));
  if (p.timedKills) {
    if (!storageFirst) first.push(fraction.map((f) => ({ kind: 'kill-after', fraction: f }) as const));
    later.push(fraction.map((f) => ({ kind: 'kill-after', fraction: f }) as const));
  }
  // Services (a database server) die at instants of their own, first starts and restarts alike.
  for (const service of p.serviceKills) {
    const kill = fraction.map((f) => ({ kind: 'service-kill', service, fraction: f }) as const);
    first.push(kill);
    later.push(kill, fc.constant({ kind: 'service-kill', service, fraction: null } as const));
  }
  const restarts = (n: number) => ({ minLength: n, maxLength: n });
  const corruption: fc.Arbitrary<DrawnCorruption> = fc.option(fc.record({ how: fc.constantFrom('truncate' as const, 'bitflip' as const), fraction }), { freq: 2 });
  return fc.tuple(fc.oneof(...first), fc.array(fc.oneof(...later), { maxLength: FAULTS_MAX - 1 })).chain(([head, tail]) =>
    fc
      .tuple(
        p.scratchWipes ? fc.array(fc.boolean(), restarts(tail.length + 1)) : fc.constant(Array.from({ length: tail.length + 1 }, () => false)),
        p.storageFaults ? fc.array(corruption, restarts(tail.length + 1)) : fc.constant(undefined),
      )
      .map(([wipeScratch, corruptCheckpoint]) => (corruptCheckpoint === undefined ? { faults: [head, ...tail], wipeScratch } : { faults: [head, ...tail], wipeScratch, corruptCheckpoint })),
  );
}

/** What the failure-free run tells about where faults can land. */
export interface FailureFreeShape {
  /** Crash points a failure-free run passes (its done event), or null if the SUT does not say. */
  crashPoints: number | null;
  durationMs: number;
  /** Its file-operation trace (L5), or null when it was not traced. */
  trace?: FileTrace | null;
}

export function resolveFaultPlan(draw: FaultPlanDraw, ff: FailureFreeShape): FaultPlan {
  const faults: Fault[] = draw.faults.map((f): Fault => {
    switch (f.kind) {
      case 'crash-point':
        // Without a count (a SUT that prints no done event) the draw falls back to a timed kill.
        return ff.crashPoints === null || ff.crashPoints === 0
          ? { kind: 'kill-after', delayMs: Math.round(f.fraction * ff.durationMs) }
          : { kind: 'crash-point', n: 1 + Math.floor(f.fraction * ff.crashPoints) };
      case 'crash-in-recovery':
        return { kind: 'crash-point', n: f.n };
      case 'kill-after':
        return { kind: 'kill-after', delayMs: Math.round(f.fraction * ff.durationMs) };
      case 'syscall-kill': {
        const changes = ff.trace?.ops.filter(isChange) ?? [];
        if (changes.length === 0) return { kind: 'syscall-kill', syscall: null, nth: null, op: null };
        const n = Math.floor(f.fraction * changes.length);
        const op = changes[n]!;
        return { kind: 'syscall-kill', syscall: op.syscall, nth: op.nth, op: n + 1 };
      }
      case 'syscall-kill-recovery':
        return { kind: 'syscall-kill', syscall: f.syscall, nth: f.nth, op: null };
      case 'io-error': {
        // Writes and fsyncs of checkpoint files (never stdout or outputs), by the failure-free run's trace.
        const targets = ff.trace?.ops.filter((op) => (op.type === 'write' || op.type === 'fsync') && op.path.startsWith('checkpoint/')) ?? [];
        if (targets.length === 0) return { kind: 'io-error', syscall: null, nth: null, op: null, errno: f.errno };
        const op = targets[Math.floor(f.fraction * targets.length)]!;
        return { kind: 'io-error', syscall: op.syscall, nth: op.nth, op: op.seq > 0 ? op.seq : null, errno: f.errno };
      }
      case 'service-kill':
        return { kind: 'service-kill', service: f.service, delayMs: f.fraction === null ? null : Math.round(f.fraction * ff.durationMs) };
      case 'power-loss': {
        if (ff.trace == null) return { kind: 'power-loss', op: 0, state: f.state };
        // A torn state tears the last write not yet durable at the cut; with a SUT that fsyncs each
        // file right after writing it, that is only a cut just after a write, one change in many.
        // So a torn state is cut just after the drawn write (power going between the write and its
        // fsync), among the writes that span a sector boundary when there are any.
        if (f.state.type === 'torn') {
          const cut = tornCut(ff.trace, f.state.sectorBytes, f.fraction);
          if (cut !== null) return { kind: 'power-loss', op: cut, state: f.state };
        }
        // 0..changes: power may go before the first change or after the last.
        return { kind: 'power-loss', op: Math.floor(f.fraction * (changeCount(ff.trace) + 1)), state: f.state };
      }
      default: {
        const never: never = f;
        throw new Error(`unknown drawn fault ${JSON.stringify(never)}`);
      }
    }
  });
  const wipeScratchBefore = draw.wipeScratch.flatMap((wipe, i) => (wipe ? [i + 2] : []));
  const corruptCheckpointBefore = (draw.corruptCheckpoint ?? []).flatMap((c, i) => (c === null ? [] : [{ attempt: i + 2, how: c.how, fraction: c.fraction }]));
  return corruptCheckpointBefore.length > 0 ? { faults, wipeScratchBefore, corruptCheckpointBefore } : { faults, wipeScratchBefore };
}

/** The cut (1-based index among the trace's changes) just after the write `fraction` of the way
 *  through the writes that span a `sectorBytes` boundary (a tear can fall inside them), or through
 *  all writes when none does; null without writes. */
export function tornCut(trace: FileTrace, sectorBytes: number, fraction: number): number | null {
  const writes: { n: number; spans: boolean }[] = [];
  let n = 0;
  for (const op of trace.ops) {
    if (!isChange(op)) continue;
    n += 1;
    if (op.type === 'write') writes.push({ n, spans: Math.floor(op.offset / sectorBytes) !== Math.floor((op.offset + op.data.length - 1) / sectorBytes) });
  }
  const spanning = writes.filter((w) => w.spans);
  const pool = spanning.length > 0 ? spanning : writes;
  if (pool.length === 0) return null;
  return pool[Math.min(pool.length - 1, Math.floor(fraction * pool.length))]!.n;
}
