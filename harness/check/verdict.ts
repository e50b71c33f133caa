// Three-state verdicts. Each checker gives pass, fail (with its anomaly) or unknown (it could not
// decide, e.g. it threw); the case's verdict ranks fail over unknown over pass, and keeps every result.

import type { Anomaly } from './anomaly.js';

export type CheckResult =
  | { type: 'pass'; checker: string }
  | { type: 'fail'; checker: string; anomaly: Anomaly }
  | { type: 'unknown'; checker: string; error: string };

export interface Verdict {
  verdict: 'pass' | 'fail' | 'unknown';
  /** The first failing checker's anomaly (checkers run in a fixed order), or null. */
  anomaly: Anomaly | null;
  results: CheckResult[];
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
