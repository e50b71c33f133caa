// One arbitrary for a whole scenario case: scenario, then configuration, then program, then input,
// each drawn from the one before. The harness combines it with a fault plan; one seed (and path)
// names the case.

import * as fc from 'fast-check';
import { CATALOG } from './catalog.js';
import type { Scenario, ScenarioCase } from './scenario.js';

/** Cases of the given scenarios (default: the whole catalog, `random` included). */
export function scenarioCase(scenarios: readonly Scenario[] = CATALOG): fc.Arbitrary<ScenarioCase> {
  if (scenarios.length === 0) throw new Error('scenarioCase needs at least one scenario, received none');
  return fc.constantFrom(...scenarios).chain((scenario) =>
    scenario.config.chain((config) =>
      scenario.program(config).chain((program) => scenario.input(config, program).map((input) => ({ scenario: scenario.name, config, program, input }))),
    ),
  );
}

/** The case a seed names: the first value fast-check draws with that seed. */
export function drawScenarioCase(seed: number, scenarios: readonly Scenario[] = CATALOG): ScenarioCase {
  return fc.sample(scenarioCase(scenarios), { seed, numRuns: 1 })[0]!;
}
