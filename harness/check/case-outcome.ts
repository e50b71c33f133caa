// A case's outcome: its verdict, refined by what re-running showed. A failure is 'fail' only if it
// reproduced on every re-run (up to the suite's reruns bound), else 'flaky' with its reproduction
// rate; a case whose failure-free run committed different outputs when run twice
// (--check-determinism) is 'nondeterministic': comparing a faulty run with it would prove nothing.

export type CaseOutcome =
  | { type: 'pass' }
  | { type: 'fail'; runs: number; reproduced: number }
  | { type: 'flaky'; runs: number; reproduced: number }
  | { type: 'unknown' }
  /** The SUT declined the case's program (exit 4): nothing was tested. */
  | { type: 'skipped' }
  | { type: 'nondeterministic'; hashes: [string, string] };

export type OutcomeName = CaseOutcome['type'];

/** Every outcome, in the order reports rank a suite by: the first present names the suite's verdict. */
export const OUTCOME_RANK: readonly OutcomeName[] = ['fail', 'flaky', 'nondeterministic', 'unknown', 'skipped', 'pass'];

/** "reproduced in 2 of 4 runs" (the first run, which failed, counts as one). */
export function reproductionRate(o: { runs: number; reproduced: number }): string {
  return `reproduced in ${o.reproduced} of ${o.runs} ${o.runs === 1 ? 'run' : 'runs'}`;
}

/** A failure's outcome after `reruns` re-runs of which `reproduced` failed the same way again. */
export function failureOutcome(reruns: number, reproduced: number): CaseOutcome {
  const counts = { runs: reruns + 1, reproduced: reproduced + 1 };
  return reproduced === reruns ? { type: 'fail', ...counts } : { type: 'flaky', ...counts };
}
