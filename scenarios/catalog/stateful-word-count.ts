// Spark's own failure test (MasterFailureTest.testUpdateStateByKey): running word totals kept by
// updateStateByKey, so recovery must restore the state from a data checkpoint and replay input.

import { checkpointOf, namedScenario } from '../named-scenario.js';

export const statefulWordCount = namedScenario({
  name: 'stateful-word-count',
  description: 'lines -> split-words -> pair-with-one -> updateStateByKey(running-sum): running word totals across batches',
  inputs: { lines: 'string' },
  operations: (config) => [
    { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
    { id: 'ones', op: 'map', from: 'words', fn: 'pair-with-one' },
    { id: 'totals', op: 'updateStateByKey', from: 'ones', fn: 'running-sum', ...checkpointOf(config) },
    { id: 'out-totals', op: 'output', from: 'totals' },
  ],
});
