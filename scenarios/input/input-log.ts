// Input logs for a program: one generated stream per program input, each with its own shape.

import * as fc from 'fast-check';
import type { Program } from '../../reference/program/schema.js';
import type { Value } from '../../reference/program/value.js';
import { INPUT_FORMAT, INPUT_VERSION, type InputLog, type InputRecord } from '../../reference/source/input-log.js';
import type { ScenarioConfig } from '../scenario.js';
import { inputStream } from './input-stream.js';
import { valueOf } from './values.js';

/** An input log with the given streams, each drawn from its own value arbitrary. */
export function inputLog(config: ScenarioConfig, values: Record<string, fc.Arbitrary<Value>>): fc.Arbitrary<InputLog> {
  const streams: Record<string, fc.Arbitrary<InputRecord[]>> = {};
  for (const [name, value] of Object.entries(values)) streams[name] = inputStream(config, value);
  return fc.record(streams).map((s) => ({ format: INPUT_FORMAT, version: INPUT_VERSION, endTimeMs: config.endTimeMs, streams: s }));
}

/** An input log for every input of the program, with values of the input's declared type. */
export function inputLogFor(config: ScenarioConfig, program: Program): fc.Arbitrary<InputLog> {
  return inputLog(config, Object.fromEntries(program.inputs.map((i) => [i.name, valueOf(i.type)])));
}
