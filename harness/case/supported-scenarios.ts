// Which scenarios a SUT can run: those whose programs use only operations its manifest declares.
// Named scenarios are checked on a sample program; random programs only for a SUT with every operation.

import fc from 'fast-check';
import { CATALOG, scenarioNamed } from '../../scenarios/catalog.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { OPERATION_NAMES } from '../protocol/operation-names.js';

export function supportedScenarios(operations: readonly string[], names?: readonly string[]): { scenarios: Scenario[]; skipped: { name: string; missing: string[] }[] } {
  const have = new Set(operations);
  const chosen = names === undefined || names.length === 0 ? [...CATALOG] : names.map((n) => scenarioNamed(n));
  const scenarios: Scenario[] = [];
  const skipped: { name: string; missing: string[] }[] = [];
  for (const s of chosen) {
    let missing: string[];
    if (s.name === 'random') {
      missing = OPERATION_NAMES.filter((op) => !have.has(op));
    } else {
      const config = fc.sample(s.config, { seed: 1, numRuns: 1 })[0]!;
      const program = fc.sample(s.program(config), { seed: 1, numRuns: 1 })[0]!;
      missing = [...new Set(program.operations.map((o) => o.op))].filter((op) => !have.has(op));
    }
    if (missing.length === 0) scenarios.push(s);
    else skipped.push({ name: s.name, missing });
  }
  return { scenarios, skipped };
}
