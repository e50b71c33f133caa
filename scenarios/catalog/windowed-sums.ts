// Sums per key over a sliding window, three ways: incrementally with an inverse function (state
// that must be checkpointed, keys stay at 0 after leaving), incrementally with the value-nonzero
// filter (over positive values, so the filter only drops keys whose window is empty, which keeps
// Spark's "neither previous window has value for key" error impossible), and naively.

import { checkpointOf, namedScenario } from '../named-scenario.js';

export const windowedSums = namedScenario({
  name: 'windowed-sums',
  description: 'pairs -> reduceByKeyAndWindow(sum, subtract), the same over positive values with filter value-nonzero, and without inverse',
  inputs: { pairs: 'pair' },
  operations: (config) => {
    const window = { windowMs: config.windowMs, slideMs: config.slideMs };
    return [
      { id: 'sums', op: 'reduceByKeyAndWindow', from: 'pairs', fn: 'sum', inverseFn: 'subtract', ...window, ...checkpointOf(config) },
      { id: 'out-sums', op: 'output', from: 'sums' },
      // Values 1..10, so a key's window sum is 0 exactly when its window holds no values.
      { id: 'bounded', op: 'mapValues', from: 'pairs', fn: { name: 'mod', arg: 10 } },
      { id: 'positive', op: 'mapValues', from: 'bounded', fn: { name: 'add', arg: 1 } },
      { id: 'live-sums', op: 'reduceByKeyAndWindow', from: 'positive', fn: 'sum', inverseFn: 'subtract', filterFn: 'value-nonzero', ...window, ...checkpointOf(config) },
      { id: 'out-live-sums', op: 'output', from: 'live-sums' },
      { id: 'naive-sums', op: 'reduceByKeyAndWindow', from: 'pairs', fn: 'sum', ...window },
      { id: 'out-naive-sums', op: 'output', from: 'naive-sums' },
    ];
  },
});
