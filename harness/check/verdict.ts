// Three-state verdicts (and skipped, for a case the SUT declined). Each checker gives pass, fail (with its anomaly) or unknown (it could not
// decide, e.g. it threw); the case's verdict ranks fail over unknown over pass, and keeps every result.

import type { Anomaly } from './anomaly.js';

export type CheckResult =
  | { type: 'pass'; checker: string }
  | { type: 'fail'; checker: string; anomaly: Anomaly }
  | { type: 'unknown'; checker: string; error: string };

export interface Verdict {
  /** skipped: the SUT declined the case's program (PROTOCOL.md §3, exit 4); nothing was judged. */
  verdict: 'pass' | 'fail' | 'unknown' | 'skipped';
  /** The first failing checker's anomaly (checkers run in a fixed order), or null. */
  anomaly: Anomaly | null;
  results: CheckResult[];
  /** For a skipped case: why the SUT declined it (its stderr's last line, escaped where shown). */
  skipReason?: string;
}

/** The verdict of a case whose program the SUT declined: skipped, never pass or fail. */
export function skippedVerdict(reason: string): Verdict {
  return { verdict: 'skipped', anomaly: null, results: [], skipReason: reason };
}

export function composeVerdict(results: CheckResult[]): Verdict {
  let failed: Anomaly | null = null;
  let unknown = false;
  for (const r of results) {
    switch (r.type) {
      case 'pass':
        break;
      case 'fail':
        failed ??= r.anomaly;
        break;
      case 'unknown':
        unknown = true;
        break;
      default: {
        const never: never = r;
        throw new Error(`unknown check result ${JSON.stringify(never)}`);
      }
    }
  }
  return { verdict: failed !== null ? 'fail' : unknown ? 'unknown' : 'pass', anomaly: failed, results };
}
