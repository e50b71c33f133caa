// What makes two failures "the same bug" for grouping: the anomaly kind, the checker that found it
// and the scenario. The terminal prints each signature once, with its smallest counterexample.

import type { Verdict } from './verdict.js';

export interface FailureSignature {
  anomaly: string;
  checker: string;
  scenario: string;
}

export function failureSignature(scenario: string, v: Verdict): FailureSignature {
  return { anomaly: v.anomaly?.kind ?? v.verdict, checker: v.anomaly?.checker ?? '(none)', scenario };
}

export function signatureKey(s: FailureSignature): string {
  return JSON.stringify([s.anomaly, s.checker, s.scenario]);
}
