// One arbitrary for a whole crash case: a scenario case (program, input, configuration) from one
// scenario, and a fault plan the SUT can take. Each case of a suite draws from its own seed with a
// single scenario, so `--scenario X --seed S --path P` names a case exactly.

import fc from 'fast-check';
import { scenarioCase } from '../../scenarios/scenario-case.js';
import type { Scenario, ScenarioCase } from '../../scenarios/scenario.js';
import { faultPlanDraw, type FaultPlanDraw, type SutCapabilities } from './fault-plan-draw.js';

export interface DrawnCase {
  scenarioCase: ScenarioCase;
  plan: FaultPlanDraw;
}

export function caseArbitrary(scenario: Scenario, caps: SutCapabilities): fc.Arbitrary<DrawnCase> {
  return fc.record({ scenarioCase: scenarioCase([scenario]), plan: faultPlanDraw(caps) });
}

/** The seed of case `index` of a suite: distinct per case, fixed by the suite's seed. */
export function caseSeed(suiteSeed: number, index: number): number {
  // A 32-bit mix (splitmix-style) so neighbouring suites do not share cases.
  let x = (suiteSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) & 0x7fffffff;
}
