// Crash at the n-th crash point: the SUT does the killing itself (PROTOCOL.md §5), so the harness only
// sets STREAMCHECK_CRASH_AT. The fault counts as injected when the run ends in a signal.

import type { ProcessExit } from '../process/process-exit.js';

export function crashPointEnv(n: number): Record<string, string> {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`crash-point fault: expected a positive integer n, received ${n}`);
  return { STREAMCHECK_CRASH_AT: String(n) };
}

/** Whether the SUT crashed (rather than finishing before its n-th crash point). */
export function crashPointInjected(exit: ProcessExit): boolean {
  return exit.type === 'signal';
}
