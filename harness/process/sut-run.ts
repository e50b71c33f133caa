// One run of the SUT as the runner sees it, whether the run has a process of its own (SutProcess) or
// is one request to a serving process (ServedProcess, PROTOCOL.md §9): it can be killed, and it ends
// once, with a classified exit.

import type { OutputBounds, OutputBreach } from './output-bounds.js';
import type { KillReason, ProcessExit } from './process-exit.js';
import type { ParsedLine } from '../protocol/event-line.js';

export interface SutRun {
  readonly status: 'running' | 'exited';
  /** Resolves when the run has begun: at once for a process of its own, when the request is sent for a served run. */
  readonly started: Promise<void>;
  /** Milliseconds since the run began (0 before it has). */
  elapsedMs(): number;
  /** SIGKILLs the process (group) running it. Accepted only while running; a second kill is refused. */
  kill(reason: KillReason): void;
  /** Resolves once with the classified exit, after every stdout line of the run has been delivered. */
  wait(): Promise<ProcessExit>;
  /** The output bound the run went past (the harness killed it for that), or null. */
  readonly breach: OutputBreach | null;
}

/** What a run needs besides the command. */
export interface RunRequest {
  /** Added to the harness's environment (the manifest's env and the protocol's variables). */
  env: Record<string, string>;
  /** Bound on the run; the process is SIGKILLed and the exit is `timeout` after it. */
  runTimeoutMs: number;
  /** Called for every stdout line of the run, in order, with the time since the run started. */
  onLine?: (line: ParsedLine, atMs: number) => void;
  /** What the run may write (default DEFAULT_OUTPUT_BOUNDS). */
  outputBounds?: OutputBounds;
}
