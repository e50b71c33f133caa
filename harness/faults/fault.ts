// The faults a plan can inject into one run of the SUT, as a closed union. A fault plan lists them in
// order: the n-th fault applies to the n-th start of the SUT in the faulty run; starts after the
// last fault run undisturbed until the SUT exits 0.

import type { CrashMechanism } from '../protocol/manifest.js';
import type { CrashStateKind } from '../trace/crash-state.js';

export type Fault =
  /** The SUT kills itself at its n-th crash point of this start (STREAMCHECK_CRASH_AT=n). */
  | { kind: 'crash-point'; n: number }
  /** The harness SIGKILLs the SUT's process group delayMs after spawning it. */
  | { kind: 'kill-after'; delayMs: number }
  /** The harness SIGKILLs the SUT once the start has printed `event` event lines: a replayed timed
   *  kill (kill-at-event-fault.ts). Null: the recorded timed kill did not land, so none is made.
   *  state: the digest of the directories the recorded kill left (crash-state-digest.ts); the replay
   *  runs the start again until its kill leaves the same state, or says that it did not. */
  | { kind: 'kill-at-event'; event: number | null; afterMs?: number; state?: string }
  /** strace SIGKILLs the SUT as it enters the nth call of `syscall` in a thread: for the first start,
   *  its op-th file-changing operation in the failure-free run's trace. Null syscall: no trace to
   *  place it (the fault is then not injected, and says why). */
  | { kind: 'syscall-kill'; syscall: string | null; nth: number | null; op: number | null }
  /** The machine loses power just after the start's op-th file-changing operation; the directories
   *  hold the crash state the trace and the persistence model give (harness/trace/crash-state.ts). */
  | { kind: 'power-loss'; op: number; state: CrashStateKind }
  /** strace fails the nth call of `syscall` (a write or fsync of a checkpoint file: the op-th file
   *  change of the failure-free run) with an errno; then the machine loses power, leaving only what
   *  was durable (posix). Null syscall: no trace to place it. */
  | { kind: 'io-error'; syscall: string | null; nth: number | null; op: number | null; errno: 'EIO' | 'ENOSPC' }
  // ---- services (issue 15 item 5) ----
  /** The harness SIGKILLs the manifest's service `service` (its server and every process below it)
   *  delayMs after the start began — or, with a null delay, just before the start (between runs) —
   *  then restarts it (harness/faults/service-kill-fault.ts). */
  | { kind: 'service-kill'; service: string; delayMs: number | null };

/** A fault between two starts rather than during one. */
export type BetweenStartsFault =
  | { kind: 'wipe-scratch' }
  /** Truncate or flip a bit of the newest metadata checkpoint file (level L4); file: the one struck
   *  (a replay strikes the recorded one: corrupt-checkpoint-fault.ts). */
  | { kind: 'corrupt-checkpoint'; how: 'truncate' | 'bitflip'; fraction: number; file?: string };
export type InjectedFault = Fault | BetweenStartsFault;

export interface FaultPlan {
  faults: Fault[];
  /** Starts (2, 3, ...) before which the scratch directory is wiped: node loss, where only the
   *  checkpoint directory ("reliable storage") survives. */
  wipeScratchBefore?: number[];
  /** Starts before which the newest metadata checkpoint file is corrupted. */
  corruptCheckpointBefore?: { attempt: number; how: 'truncate' | 'bitflip'; fraction: number; file?: string }[];
}

/** The crash mechanism a SUT must declare for the harness to inject this fault. */
export function mechanismOf(fault: Fault): CrashMechanism {
  switch (fault.kind) {
    case 'crash-point':
      return 'crash-points';
    case 'kill-after':
    case 'kill-at-event':
    case 'syscall-kill':
    case 'power-loss':
    case 'io-error':
    // A SUT whose database dies under it loses its connection as abruptly as a SIGKILL loses its process.
    case 'service-kill':
      return 'sigkill';
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(never)}`);
    }
  }
}

export function describeCrashState(s: CrashStateKind): string {
  switch (s.type) {
    case 'process':
      return 'everything written kept (as SIGKILL leaves it)';
    case 'durable':
      return `only what was durable (${s.model} model)`;
    case 'prefix':
      return `durable plus the first ${Math.round(s.fraction * 100)}% of the rest in order (${s.model} model)`;
    case 'omit-one':
      return `everything but one not yet durable operation (${s.model} model)`;
    case 'subset':
      return `durable plus a seeded half of the rest (seed ${s.seed}, ${s.model} model)`;
    case 'torn':
      return `last write torn at a ${s.sectorBytes}-byte boundary${s.zeroFill ? ', tail zero-filled' : ''}`;
    default: {
      const never: never = s;
      throw new Error(`unknown crash state ${JSON.stringify(never)}`);
    }
  }
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'crash-point':
      return `crash at crash point ${fault.n}`;
    case 'kill-after':
      return `SIGKILL after ${fault.delayMs} ms`;
    case 'kill-at-event':
      return fault.event === null ? 'no SIGKILL (the recorded timed kill did not land)' : `SIGKILL ${fault.afterMs ?? 0} ms after event line ${fault.event} (a replayed timed kill${fault.state === undefined ? '' : ` leaving state ${fault.state}`})`;
    case 'syscall-kill':
      return fault.syscall === null ? 'SIGKILL at a file operation (unplaced: no trace)' : `SIGKILL entering ${fault.syscall} #${fault.nth} of its thread${fault.op === null ? '' : ` (file operation ${fault.op} of the failure-free run)`}`;
    case 'power-loss':
      return `power loss after file operation ${fault.op}, ${describeCrashState(fault.state)}`;
    case 'io-error':
      return fault.syscall === null ? `${fault.errno} on a checkpoint file (unplaced: no trace)` : `${fault.errno} from ${fault.syscall} #${fault.nth} of its thread (file operation ${fault.op} of the failure-free run), then power loss`;
    case 'service-kill':
      return `SIGKILL of service "${fault.service}" ${fault.delayMs === null ? 'before the start (between runs)' : `after ${fault.delayMs} ms`}, then restarted`;
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(never)}`);
    }
  }
}

/** Whether the fault, landed, crashed a start (a crash that really happened): not a fault between starts. */
export function crashesStart(f: InjectedFault): boolean {
  switch (f.kind) {
    case 'crash-point':
    case 'kill-after':
    case 'kill-at-event':
    case 'syscall-kill':
    case 'power-loss':
    case 'io-error':
    case 'service-kill':
      return true;
    case 'wipe-scratch':
    case 'corrupt-checkpoint':
      return false;
    default: {
      const never: never = f;
      throw new Error(`unknown fault ${JSON.stringify(never)}`);
    }
  }
}

/** A fault of the timeline, between starts or during one, in words. */
export function describeInjectedFault(f: InjectedFault): string {
  switch (f.kind) {
    case 'wipe-scratch':
      return 'scratch directory wiped';
    case 'corrupt-checkpoint':
      return `newest metadata checkpoint${f.file === undefined ? '' : ` ${f.file}`} ${f.how === 'truncate' ? 'truncated' : 'bit-flipped'}`;
    default:
      return describeFault(f);
  }
}
