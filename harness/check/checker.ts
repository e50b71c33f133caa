// A checker looks at a finished case and returns its first anomaly or null. runCheckers turns each
// into a CheckResult; a checker that throws gives `unknown` with the error, never a silent pass.

import type { BatchOutput } from '../../reference/sink/batch-output.js';
import type { OutputGuarantee } from '../protocol/manifest.js';
import type { RunOutcome } from '../run/run-until-done.js';
import type { Anomaly } from './anomaly.js';
import type { ObservedRun } from './observed-run.js';
import type { CheckResult } from './verdict.js';

export interface CheckContext {
  guarantee: OutputGuarantee;
  /** The model's outputs; computed lazily because the model may throw (giving `unknown`). */
  expected: () => BatchOutput[];
  failureFree: { outcome: RunOutcome; observed: ObservedRun };
  faulty: { outcome: RunOutcome; observed: ObservedRun };
  /** Outputs that carry a stateful stream's whole state at every batch. */
  statefulOutputs?: ReadonlySet<string>;
}

export interface Checker {
  name: string;
  check(ctx: CheckContext): Anomaly | null;
}

export function runCheckers(checkers: readonly Checker[], ctx: CheckContext): CheckResult[] {
  return checkers.map((c): CheckResult => {
    try {
      const anomaly = c.check(ctx);
      return anomaly === null ? { type: 'pass', checker: c.name } : { type: 'fail', checker: c.name, anomaly };
    } catch (error) {
      return { type: 'unknown', checker: c.name, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  });
}
