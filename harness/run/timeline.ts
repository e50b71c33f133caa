// One clock for a case: SUT events and injected faults, each stamped with milliseconds since the
// case started, so a report can say "killed here, recovered from checkpoint at 1200, re-ran 1300".

import type { SutEvent } from '../protocol/event-line.js';
import type { InjectedFault } from '../faults/fault.js';
import type { ProcessExit } from '../process/process-exit.js';
import type { RunKind } from '../store/store.js';

export type TimelineEntry =
  | { type: 'start'; atMs: number; run: RunKind; attempt: number }
  | { type: 'event'; atMs: number; run: RunKind; attempt: number; event: SutEvent }
  | { type: 'garbage'; atMs: number; run: RunKind; attempt: number; line: string; reason: string }
  /** eventLines: for a landed timed kill, the event lines the start had printed when it died (where a replay kills it);
   *  stateDigest: the digest of the directories it left (crash-state-digest.ts), which a replay must leave too. */
  | { type: 'fault'; atMs: number; run: RunKind; attempt: number; fault: InjectedFault; injected: boolean; detail?: string; eventLines?: number; afterMs?: number; stateDigest?: string }
  | { type: 'exit'; atMs: number; run: RunKind; attempt: number; exit: ProcessExit };
