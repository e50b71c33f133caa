// Power loss: the directories are replaced by the crash state a persistence model gives for the
// trace cut after the start's op-th file-changing operation. Built only from what the SUT really
// wrote and synced; refused (not injected, with the reason) when the trace cannot support it.

import type { Fault } from './fault.js';
import { changeCount, crashState } from '../trace/crash-state.js';
import type { FileTrace } from '../trace/file-op.js';
import { writeImage } from '../trace/fs-image.js';
import type { WatchedRoot } from '../trace/parse-strace.js';

type PowerLoss = Extract<Fault, { kind: 'power-loss' }>;

/** Why this trace cannot give a trustworthy crash state in `roots`, or null when it can. */
export function untrustworthy(trace: FileTrace, relocated: boolean): string | null {
  if (trace.incomplete.length > 0) return `the trace is incomplete: ${trace.incomplete.join('; ')}`;
  if (relocated && trace.embedsRoots) return 'the SUT writes its directories\' absolute paths into its files, so a trace taken in other directories cannot be replayed here';
  return null;
}

/** `applied`: the directories now hold the crash state (the start is not run). `injected`: the
 *  state took something back that a SIGKILL would have left — only then does a power loss count as
 *  landed; one that lost nothing is a SIGKILL at that point, and says so. */
export function applyPowerLoss(trace: FileTrace, f: PowerLoss, roots: readonly WatchedRoot[], relocated: boolean): { applied: boolean; injected: boolean; detail: string } {
  const why = untrustworthy(trace, relocated);
  if (why !== null) return { applied: false, injected: false, detail: why };
  const total = changeCount(trace);
  const n = Math.min(f.op, total);
  const s = crashState(trace, n, f.state);
  writeImage(s.image, roots);
  const what = `after file change ${n} of ${total}: ${s.applied} of ${s.before} changes on disk; ${s.detail}`;
  return { applied: true, injected: s.tookBack, detail: s.tookBack ? what : `${what}: the same as a SIGKILL there, so not counted as a power loss` };
}
