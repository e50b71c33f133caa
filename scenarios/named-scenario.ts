// A named scenario: one hand-written program per configuration, and inputs drawn for it. The
// program depends on the configuration only through its durations, so a scenario name plus a
// configuration names one program exactly.

import * as fc from 'fast-check';
import { PROGRAM_FORMAT, PROGRAM_VERSION, type InputType, type Operation, type Program } from '../reference/program/schema.js';
import type { Value } from '../reference/program/value.js';
import { scenarioConfig } from './config.js';
import { inputLog } from './input/input-log.js';
import { valueOf } from './input/values.js';
import type { Scenario, ScenarioConfig } from './scenario.js';

export interface NamedScenarioSpec {
  name: string;
  description: string;
  /** Default: scenarioConfig(). */
  config?: fc.Arbitrary<ScenarioConfig>;
  inputs: Record<string, InputType>;
  /** The operations for a configuration; inputs, batch interval and header are added around them. */
  operations(config: ScenarioConfig): Operation[];
  /** Value arbitraries per input; default: valueOf(the input's type). */
  values?: Partial<Record<string, fc.Arbitrary<Value>>>;
}

export function namedScenario(spec: NamedScenarioSpec): Scenario & { build(config: ScenarioConfig): Program } {
  const build = (config: ScenarioConfig): Program => ({
    format: PROGRAM_FORMAT,
    version: PROGRAM_VERSION,
    name: spec.name,
    description: spec.description,
    batchIntervalMs: config.batchIntervalMs,
    inputs: Object.entries(spec.inputs).map(([name, type]) => ({ name, type })),
    operations: spec.operations(config),
  });
  const values = Object.fromEntries(Object.entries(spec.inputs).map(([name, type]) => [name, spec.values?.[name] ?? valueOf(type)]));
  return {
    name: spec.name,
    description: spec.description,
    config: spec.config ?? scenarioConfig(),
    build,
    program: (config) => fc.constant(build(config)),
    input: (config) => inputLog(config, values),
  };
}

/** `{ checkpointIntervalMs }` when the configuration sets one, else nothing (the engine default). */
export function checkpointOf(config: ScenarioConfig): { checkpointIntervalMs?: number } {
  return config.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: config.checkpointIntervalMs };
}
