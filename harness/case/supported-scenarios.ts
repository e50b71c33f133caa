// Which scenarios a SUT runs, and why the others cannot: a workload (a catalogue program the SUT
// implements natively, manifest `workloads`) always runs; another named scenario runs when every
// operation and function of its program is within the manifest's `operations` x `functions`; `random`
// draws programs within them when the manifest declares `functions`, and over everything otherwise
// (then only for a SUT with every operation). Named scenarios are checked on a sample program: a
// named program's operations and function names do not depend on its configuration.

import fc from 'fast-check';
import { CATALOG, scenarioNamed } from '../../scenarios/catalog.js';
import { randomWithin } from '../../scenarios/catalog/random-within.js';
import { missingFrom, type Vocabulary } from '../../scenarios/program-vocabulary.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { FUNCTION_NAMES } from '../protocol/function-names.js';
import type { Manifest } from '../protocol/manifest.js';
import { OPERATION_NAMES } from '../protocol/operation-names.js';

/** What the manifest says the SUT can run. */
export type Capabilities = Pick<Manifest, 'operations' | 'functions' | 'workloads'>;

/** One line of the plan: a scenario that runs (and as what), or one that cannot, and why. */
export type ScenarioChoice =
  | { name: string; runs: true; scenario: Scenario; why: string }
  | { name: string; runs: false; why: string };

export interface ScenarioPlan {
  scenarios: Scenario[];
  skipped: { name: string; why: string }[];
  choices: ScenarioChoice[];
}

function lacks(missing: { operations: string[]; functions: string[] }): string {
  const parts: string[] = [];
  if (missing.operations.length > 0) parts.push(`operation${missing.operations.length === 1 ? '' : 's'} ${missing.operations.join(', ')}`);
  if (missing.functions.length > 0) parts.push(`function${missing.functions.length === 1 ? '' : 's'} ${missing.functions.join(', ')}`);
  return `the SUT does not implement ${parts.join(' and ')}`;
}

function choose(s: Scenario, caps: Capabilities): ScenarioChoice {
  if (caps.workloads?.includes(s.name) === true) return { name: s.name, runs: true, scenario: s, why: 'a workload the SUT implements natively: input, configuration and faults vary' };
  if (caps.operations === undefined) return { name: s.name, runs: false, why: 'not one of the SUT\'s workloads, and it declares no operations (it interprets no program)' };
  const vocabulary: Vocabulary = { operations: new Set(caps.operations), functions: new Set(caps.functions ?? FUNCTION_NAMES) };
  if (s.name === 'random') {
    if (caps.functions !== undefined) {
      return { name: s.name, runs: true, scenario: randomWithin(vocabulary), why: `random programs within its ${caps.operations.length} operations x ${caps.functions.length} functions` };
    }
    const missing = OPERATION_NAMES.filter((op) => !vocabulary.operations.has(op));
    if (missing.length === 0) return { name: s.name, runs: true, scenario: s, why: 'random programs over every operation and function' };
    return { name: s.name, runs: false, why: `${lacks({ operations: missing, functions: [] })} (random programs use every operation unless the manifest declares functions)` };
  }
  const config = fc.sample(s.config, { seed: 1, numRuns: 1 })[0]!;
  const program = fc.sample(s.program(config), { seed: 1, numRuns: 1 })[0]!;
  const missing = missingFrom(program, vocabulary);
  if (missing.operations.length === 0 && missing.functions.length === 0) return { name: s.name, runs: true, scenario: s, why: 'its program is within the SUT\'s operations and functions' };
  return { name: s.name, runs: false, why: lacks(missing) };
}

/** The plan for the given scenario names (default: the whole catalogue). */
export function supportedScenarios(caps: Capabilities, names?: readonly string[]): ScenarioPlan {
  const chosen = names === undefined || names.length === 0 ? [...CATALOG] : names.map((n) => scenarioNamed(n));
  const choices = chosen.map((s) => choose(s, caps));
  return {
    scenarios: choices.flatMap((c) => (c.runs ? [c.scenario] : [])),
    skipped: choices.flatMap((c) => (c.runs ? [] : [{ name: c.name, why: c.why }])),
    choices,
  };
}

/** The scenario a replay line names, as the suite drew it for this SUT (random within its vocabulary). */
export function scenarioForSut(name: string, caps: Capabilities): Scenario {
  const c = choose(scenarioNamed(name), caps);
  return c.runs ? c.scenario : scenarioNamed(name);
}
