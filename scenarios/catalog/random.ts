// The open-ended scenario: a random valid program per case (random-program.ts), with inputs
// generated from its declared input types.

import { scenarioConfig } from '../config.js';
import { inputLogFor } from '../input/input-log.js';
import { randomProgram } from '../random-program.js';
import type { Scenario } from '../scenario.js';

export const random: Scenario = {
  name: 'random',
  description: 'a random DAG of operations (maps, filters, joins, unions, windows, stateful operations, several outputs) that passes validateProgram',
  config: scenarioConfig(),
  program: randomProgram,
  input: inputLogFor,
};
