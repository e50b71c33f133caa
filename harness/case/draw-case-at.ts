// The case fast-check draws at (seed, path) for a scenario and level: what `streamcheck replay` and
// the regression corpus re-run. fast-check replays the generation along the path and stops there.

import fc from 'fast-check';
import type { Scenario } from '../../scenarios/scenario.js';
import { caseArbitrary, type DrawnCase } from './case-arbitrary.js';
import type { SutCapabilities } from './fault-plan-draw.js';

export async function drawCaseAt(scenario: Scenario, caps: SutCapabilities, seed: number, path: string): Promise<DrawnCase> {
  let drawn: DrawnCase | undefined;
  await fc.check(
    fc.property(caseArbitrary(scenario, caps), (d) => {
      drawn = d;
      return true;
    }),
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (drawn === undefined) throw new Error(`seed ${seed} and path ${path} name no case of scenario ${scenario.name}`);
  return drawn;
}
