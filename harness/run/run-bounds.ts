import { DEFAULT_OUTPUT_BOUNDS, type OutputBounds } from '../process/output-bounds.js';

// The bounds of one case's runs. Every wait and every restart loop of the runner is bounded by one
// of these; the unit comes last in each name.

export interface RunBounds {
  /** One start of the SUT; after it the process group is SIGKILLed and the exit is `timeout`. */
  runTimeoutMs: number;
  /** Restarts of the faulty run after the first start; past it the run gives up. */
  restartsMax: number;
  /** The whole faulty run, all starts together. */
  caseTimeoutMs: number;
  /** What one start may write (stdout, events, stderr, output files); absent: DEFAULT_OUTPUT_BOUNDS. */
  output?: OutputBounds;
}

export const DEFAULT_RUN_BOUNDS: RunBounds = { runTimeoutMs: 20_000, restartsMax: 10, caseTimeoutMs: 60_000 };

/** The output bounds of these run bounds (stored suites from before output bounds have none). */
export const outputBoundsOf = (b: RunBounds): OutputBounds => ({ ...DEFAULT_OUTPUT_BOUNDS, ...b.output });
