// Conformance levels (PROTOCOL.md §8): which faults a case may inject. Each level adds fault kinds
// to the one below; a SUT is tested at the highest level its manifest allows unless told otherwise.
//   L1  failure-free: every output and the final state correct, no fault at all
//   L2  timed SIGKILLs at instants the SUT does not choose
//   L3  crashes at every cooperative crash point, crashes during recovery, scratch-directory loss
//   L4  storage faults: the newest metadata checkpoint truncated or bit-flipped between starts

import type { Manifest } from '../protocol/manifest.js';

export const LEVELS = ['L1', 'L2', 'L3', 'L4'] as const;
export type Level = (typeof LEVELS)[number];

export interface FaultProfile {
  level: Level;
  timedKills: boolean;
  crashPoints: boolean;
  recoveryCrashes: boolean;
  scratchWipes: boolean;
  storageFaults: boolean;
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

export function faultProfile(level: Level): FaultProfile {
  const n = LEVELS.indexOf(level) + 1;
  return { level, timedKills: n >= 2, crashPoints: n >= 3, recoveryCrashes: n >= 3, scratchWipes: n >= 3, storageFaults: n >= 4 };
}

export function isLevel(text: string): text is Level {
  return (LEVELS as readonly string[]).includes(text);
}
