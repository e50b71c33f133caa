// The `random` scenario for a SUT that declares what it implements (PROTOCOL.md §1 `operations`,
// `functions`): random programs made only of its operations and functions. Same name, so a failing
// case replays with the same manifest.

import { inputLogFor } from '../input/input-log.js';
import type { Vocabulary } from '../program-vocabulary.js';
import { randomProgram } from '../random-program.js';
import type { Scenario } from '../scenario.js';
import { random } from './random.js';

export function randomWithin(vocabulary: Vocabulary): Scenario {
  return {
    ...random,
    description: `${random.description}, within the SUT's ${vocabulary.operations.size} operations and ${vocabulary.functions.size} functions`,
    program: (config) => randomProgram(config, vocabulary),
    input: inputLogFor,
  };
}
