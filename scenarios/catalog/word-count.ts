// The classic stateless word count: each batch's words counted on their own. Output is
// at-least-once on recovery, so a re-run batch must reproduce the same counts.

import { namedScenario } from '../named-scenario.js';

export const wordCount = namedScenario({
  name: 'word-count',
  description: 'lines -> split-words -> pair-with-one -> reduceByKey(sum): per-batch word counts, no state',
  inputs: { lines: 'string' },
  operations: () => [
    { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
    { id: 'ones', op: 'map', from: 'words', fn: 'pair-with-one' },
    { id: 'counts', op: 'reduceByKey', from: 'ones', fn: 'sum' },
    { id: 'out-counts', op: 'output', from: 'counts' },
  ],
});
