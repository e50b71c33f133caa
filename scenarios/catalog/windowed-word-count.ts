// A windowed word count without an inverse function (reduceByKey, window, reduceByKey): no
// stream must checkpoint, yet a restart re-reads every batch a window still covers.

import { namedScenario } from '../named-scenario.js';

export const windowedWordCount = namedScenario({
  name: 'windowed-word-count',
  description: 'lines -> split-words -> pair-with-one -> reduceByKeyAndWindow(sum) without inverse, and groupByKeyAndWindow',
  inputs: { lines: 'string' },
  operations: (config) => {
    const window = { windowMs: config.windowMs, slideMs: config.slideMs };
    return [
      { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
      { id: 'ones', op: 'map', from: 'words', fn: 'pair-with-one' },
      { id: 'counts', op: 'reduceByKeyAndWindow', from: 'ones', fn: 'sum', ...window },
      { id: 'out-counts', op: 'output', from: 'counts' },
      { id: 'by-initial', op: 'map', from: 'words', fn: 'key-by-first-char' },
      { id: 'groups', op: 'groupByKeyAndWindow', from: 'by-initial', ...window },
      { id: 'out-groups', op: 'output', from: 'groups' },
    ];
  },
});
