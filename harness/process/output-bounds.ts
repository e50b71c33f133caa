// What one start of a SUT may write before the harness stops it: a SUT is untrusted input, so every
// size and count it controls is bounded, and going past a bound ends the start with a named breach
// (the case's verdict is output-too-large), never with a crash of the harness or a giant database.

export interface OutputBounds {
  /** One stdout line (an event); a longer line ends the start. */
  stdoutLineMaxBytes: number;
  /** All stdout of one start (of one run, for a serving process). */
  stdoutBytesPerStartMax: number;
  /** Stdout lines (events and garbage) of one start; each is a row in the store. */
  eventsPerStartMax: number;
  /** The stderr tail kept for messages and the store. */
  stderrTailMaxBytes: number;
  /** One output file or final state file; a larger one is not read. */
  outputFileMaxBytes: number;
  /** After the process has exited: how long its stdout may stay open (held by an escaped child) before it is cut. */
  stdoutDrainMs: number;
}

export const DEFAULT_OUTPUT_BOUNDS: OutputBounds = {
  stdoutLineMaxBytes: 1 << 20,
  stdoutBytesPerStartMax: 64 << 20,
  eventsPerStartMax: 100_000,
  stderrTailMaxBytes: 4096,
  outputFileMaxBytes: 64 << 20,
  stdoutDrainMs: 2_000,
};

/** A bound a start went past: which one, and what was seen. */
export interface OutputBreach {
  bound: keyof OutputBounds;
  detail: string;
}

/** Counts one start's stdout against its bounds; the first breach is kept. */
export class OutputBudget {
  private bytes = 0;
  private lines = 0;
  breach: OutputBreach | null = null;

  constructor(readonly bounds: OutputBounds) {}

  /** Counts a line of `bytes` bytes; returns the breach it causes, if this is the first. */
  count(bytes: number): OutputBreach | null {
    if (this.breach !== null) return null;
    this.bytes += bytes + 1;
    this.lines += 1;
    if (this.bytes > this.bounds.stdoutBytesPerStartMax) return (this.breach = { bound: 'stdoutBytesPerStartMax', detail: `stdout passed ${this.bounds.stdoutBytesPerStartMax} bytes (stdoutBytesPerStartMax)` });
    if (this.lines > this.bounds.eventsPerStartMax) return (this.breach = { bound: 'eventsPerStartMax', detail: `stdout passed ${this.bounds.eventsPerStartMax} lines (eventsPerStartMax)` });
    return null;
  }

  /** Records a line longer than stdoutLineMaxBytes; returns the breach if it is the first. */
  lineTooLong(seenBytes: number): OutputBreach | null {
    if (this.breach !== null) return null;
    return (this.breach = { bound: 'stdoutLineMaxBytes', detail: `a stdout line passed ${this.bounds.stdoutLineMaxBytes} bytes (stdoutLineMaxBytes; ${seenBytes} bytes seen before it was cut)` });
  }
}
