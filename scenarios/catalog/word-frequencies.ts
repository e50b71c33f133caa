// countByValueAndWindow and countByWindow over words: Spark's incremental window counts, whose
// state (the previous window) must be checkpointed and whose zero counts are filtered out.

import { checkpointOf, namedScenario } from '../named-scenario.js';

export const wordFrequencies = namedScenario({
  name: 'word-frequencies',
  description: 'lines -> split-words -> countByValueAndWindow, and countByWindow of the words',
  inputs: { lines: 'string' },
  operations: (config) => {
    const window = { windowMs: config.windowMs, slideMs: config.slideMs };
    return [
      { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
      { id: 'frequencies', op: 'countByValueAndWindow', from: 'words', ...window, ...checkpointOf(config) },
      { id: 'out-frequencies', op: 'output', from: 'frequencies' },
      { id: 'word-count', op: 'countByWindow', from: 'words', ...window, ...checkpointOf(config) },
      { id: 'out-word-count', op: 'output', from: 'word-count' },
    ];
  },
});
