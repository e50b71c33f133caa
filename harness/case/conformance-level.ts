// Conformance levels (PROTOCOL.md §8): which faults a case may inject. Each level adds fault kinds
// to the one below; a SUT is tested at the highest level its manifest allows unless told otherwise.
//   L1  failure-free: every output and the final state correct, no fault at all
//   L2  timed SIGKILLs at instants the SUT does not choose
//   L3  crashes at every cooperative crash point, crashes during recovery, scratch-directory loss
//   L4  storage faults: the newest metadata checkpoint truncated or bit-flipped between starts
//   L5  storage crash states (PROTOCOL.md §10): SIGKILLs at chosen file operations and power-loss
//       states built from a file-operation trace (strace), plus everything of L3, and L4's corruptions
//       when the manifest declares storageFaults. L5 does not need L4's declaration: a trace needs
//       nothing from the SUT, so a SUT that cannot name its metadata files is still tested below SIGKILL.
//       A SUT with services (a database server) cannot claim it: its state is in the service's storage.
//   From L2 on, a manifest's services are also SIGKILLed and restarted (service-kill).

import type { Manifest } from '../protocol/manifest.js';
import { straceExecutable, straceMissing } from '../trace/strace-argv.js';

export const LEVELS = ['L1', 'L2', 'L3', 'L4', 'L5'] as const;
export type Level = (typeof LEVELS)[number];

export interface FaultProfile {
  level: Level;
  timedKills: boolean;
  crashPoints: boolean;
  recoveryCrashes: boolean;
  scratchWipes: boolean;
  storageFaults: boolean;
  /** SIGKILLs at file operations (strace) and power-loss crash states from traces. */
  syscallCrashes: boolean;
  powerLoss: boolean;
  /** Services whose server the service-kill fault SIGKILLs (from L2, for a manifest with services). */
  serviceKills: readonly string[];
}

/** Why a manifest cannot be tested at a level, or null when it can. */
export function levelUnsupported(manifest: Manifest, level: Level): string | null {
  const has = (m: 'sigkill' | 'crash-points') => manifest.crashMechanisms.includes(m);
  switch (level) {
    case 'L1':
      return null;
    case 'L2':
      return has('sigkill') ? null : 'it does not declare the "sigkill" crash mechanism';
    case 'L3':
      return has('sigkill') && has('crash-points') ? null : 'it needs both the "sigkill" and "crash-points" crash mechanisms';
    case 'L4':
      return levelUnsupported(manifest, 'L3') ?? (manifest.storageFaults === undefined ? 'its manifest has no "storageFaults" (which files are metadata checkpoints)' : null);
    case 'L5':
      // Power-loss states are built from the checkpoint and output directories' file operations; a
      // service keeps its own storage, which no trace of the SUT sees and a power loss would also hit.
      if (manifest.services !== undefined) return `its state lives in services (${manifest.services.map((s) => s.name).join(', ')}) whose storage the power-loss states of the SUT's directories cannot model`;
      return levelUnsupported(manifest, 'L3');
    default: {
      const never: never = level;
      return `unknown level ${String(never)}`;
    }
  }
}

/** The highest level a manifest allows. */
export function highestLevel(manifest: Manifest): Level {
  return [...LEVELS].reverse().find((l) => levelUnsupported(manifest, l) === null) ?? 'L1';
}

/** What this machine lacks to run a level (strace for L5), or null: a claimed level that cannot run
 *  here is inconclusive, never passed. */
export function levelUnavailable(level: Level): string | null {
  return level === 'L5' && straceExecutable() === null ? straceMissing() : null;
}

/** The highest level a manifest allows that this machine can run (L4 where strace is missing for L5). */
export function highestRunnableLevel(manifest: Manifest): Level {
  return [...LEVELS].reverse().find((l) => levelUnsupported(manifest, l) === null && levelUnavailable(l) === null) ?? 'L1';
}

/** The faults a level draws; L5 adds L4's corruptions only where the manifest names metadata files. */
export function faultProfile(level: Level, manifest?: Manifest): FaultProfile {
  const n = LEVELS.indexOf(level) + 1;
  const storageFaults = n === 4 || (n >= 5 && manifest?.storageFaults !== undefined);
  const serviceKills = n >= 2 ? (manifest?.services ?? []).map((s) => s.name) : [];
  return { level, timedKills: n >= 2, crashPoints: n >= 3, recoveryCrashes: n >= 3, scratchWipes: n >= 3, storageFaults, syscallCrashes: n >= 5, powerLoss: n >= 5, serviceKills };
}

export function isLevel(text: string): text is Level {
  return (LEVELS as readonly string[]).includes(text);
}
