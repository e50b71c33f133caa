// The case fast-check draws at (seed, path) for a scenario and fault profile: what `streamcheck
// replay` runs, and what shrinking checks a counterexample's path against before printing it.
// fc.sample takes the first value at the path; a passing fc.check would walk on through the
// path's siblings (a path with a ':' has no run limit), so its last value is another case.

import fc from 'fast-check';
import type { Scenario } from '../../scenarios/scenario.js';
import { caseArbitrary, type DrawnCase } from './case-arbitrary.js';
import type { SutCapabilities } from './fault-plan-draw.js';

export function drawnAtPath(scenario: Scenario, caps: SutCapabilities, seed: number, path: string): DrawnCase | undefined {
  return fc.sample(caseArbitrary(scenario, caps), { seed, path, numRuns: 1 })[0];
}
