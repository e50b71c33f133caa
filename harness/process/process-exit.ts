// How one run of a SUT process ended, as a closed union. Every exit is classified exactly once, by
// classifyExit, and the flat fields (execa's result fields plus ours) are what the store keeps.

export type ExitType = 'clean' | 'nonzero-exit' | 'signal' | 'timeout' | 'killed-by-harness';

interface ExitFields {
  /** The argv that ran, for error messages. */
  command: readonly string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  killedByHarness: boolean;
  durationMs: number;
  /** The last bytes the process wrote on stderr (bounded by stderrTailMaxBytes). */
  stderrTail: string;
  /** Set when the process could not be started at all (for example ENOENT). */
  spawnError: string | null;
  /** Set when the harness killed the start for going past an output bound (OutputBounds): which, and what it saw. */
  overLimit: string | null;
}

export type ProcessExit =
  | (ExitFields & { type: 'clean'; exitCode: 0 })
  | (ExitFields & { type: 'nonzero-exit' })
  | (ExitFields & { type: 'signal'; signal: string })
  | (ExitFields & { type: 'timeout' })
  | (ExitFields & { type: 'killed-by-harness' });

/** Why the harness killed the process, if it did: a planned fault, its run bound, or an output bound (limit). */
export type KillReason = 'fault' | 'timeout' | 'limit';

export function classifyExit(fields: Omit<ExitFields, 'timedOut' | 'killedByHarness' | 'overLimit'>, killReason: KillReason | null, overLimit: string | null = null): ProcessExit {
  const f = { ...fields, timedOut: killReason === 'timeout', killedByHarness: killReason === 'fault' || killReason === 'limit', overLimit: killReason === 'limit' ? overLimit : null };
  // Our own kill wins over what the kernel reports: SIGKILL from a fault and a self-inflicted SIGKILL
  // look alike from the outside, but only one of them is a planned fault.
  if (killReason === 'timeout') return { ...f, type: 'timeout' };
  if (killReason === 'fault' || killReason === 'limit') return { ...f, type: 'killed-by-harness' };
  if (f.signal !== null) return { ...f, type: 'signal', signal: f.signal };
  if (f.exitCode === 0 && f.spawnError === null) return { ...f, type: 'clean', exitCode: 0 };
  return { ...f, type: 'nonzero-exit' };
}

/** One line describing an exit, for errors and reports. */
export function describeExit(e: ProcessExit): string {
  const cmd = e.command.join(' ');
  switch (e.type) {
    case 'clean':
      return `${cmd} exited 0 after ${e.durationMs} ms`;
    case 'nonzero-exit':
      return e.spawnError !== null
        ? `${cmd} could not be started: ${e.spawnError}`
        : `${cmd} exited ${e.exitCode} after ${e.durationMs} ms${e.stderrTail ? `: ${e.stderrTail.trim().split('\n').at(-1)}` : ''}`;
    case 'signal':
      return `${cmd} died of ${e.signal} after ${e.durationMs} ms`;
    case 'timeout':
      return `${cmd} was killed after its bound of ${e.durationMs} ms (runTimeoutMs)`;
    case 'killed-by-harness':
      return e.overLimit !== null ? `${cmd} was killed by the harness after ${e.durationMs} ms: ${e.overLimit}` : `${cmd} was killed by the harness (planned fault) after ${e.durationMs} ms`;
    default: {
      const never: never = e;
      throw new Error(`unknown exit ${JSON.stringify(never)}`);
    }
  }
}
