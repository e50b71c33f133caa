// The faults a plan can inject into one run of the SUT, as a closed union. A fault plan lists them in
// order: the n-th fault applies to the n-th start of the SUT in the faulty run; starts after the
// last fault run undisturbed until the SUT exits 0.

import type { CrashMechanism } from '../protocol/manifest.js';

export type Fault =
  /** The SUT kills itself at its n-th crash point of this start (STREAMCHECK_CRASH_AT=n). */
  | { kind: 'crash-point'; n: number }
  /** The harness SIGKILLs the SUT's process group delayMs after spawning it. */
  | { kind: 'kill-after'; delayMs: number };

/** A fault between two starts rather than during one. */
export type BetweenStartsFault =
  | { kind: 'wipe-scratch' }
  /** Truncate or flip a bit of the newest metadata checkpoint file (level L4). */
  | { kind: 'corrupt-checkpoint'; how: 'truncate' | 'bitflip'; fraction: number };
export type InjectedFault = Fault | BetweenStartsFault;

export interface FaultPlan {
  faults: Fault[];
  /** Starts (2, 3, ...) before which the scratch directory is wiped: node loss, where only the
   *  checkpoint directory ("reliable storage") survives. */
  wipeScratchBefore?: number[];
  /** Starts before which the newest metadata checkpoint file is corrupted. */
  corruptCheckpointBefore?: { attempt: number; how: 'truncate' | 'bitflip'; fraction: number }[];
}

/** The crash mechanism a SUT must declare for the harness to inject this fault. */
export function mechanismOf(fault: Fault): CrashMechanism {
  switch (fault.kind) {
    case 'crash-point':
      return 'crash-points';
    case 'kill-after':
      return 'sigkill';
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(never)}`);
    }
  }
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'crash-point':
      return `crash at crash point ${fault.n}`;
    case 'kill-after':
      return `SIGKILL after ${fault.delayMs} ms`;
    default: {
      const never: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(never)}`);
    }
  }
}
