// The bounds of one case's runs. Every wait and every restart loop of the runner is bounded by one
// of these; the unit comes last in each name.

export interface RunBounds {
  /** One start of the SUT; after it the process group is SIGKILLed and the exit is `timeout`. */
  runTimeoutMs: number;
  /** Restarts of the faulty run after the first start; past it the run gives up. */
  restartsMax: number;
  /** The whole faulty run, all starts together. */
  caseTimeoutMs: number;
}

export const DEFAULT_RUN_BOUNDS: RunBounds = { runTimeoutMs: 20_000, restartsMax: 10, caseTimeoutMs: 60_000 };
