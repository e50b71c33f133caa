// Two int streams merged with union, then keyed sums per batch and incremental window totals
// (countByWindow, reduceByWindow with an inverse): one graph reading two logs into shared state.

import { checkpointOf, namedScenario } from '../named-scenario.js';

export const union = namedScenario({
  name: 'union',
  description: 'a union b -> key-by-mod(3) -> reduceByKey(sum); countByWindow and reduceByWindow(sum, subtract) of the union',
  inputs: { a: 'int', b: 'int' },
  operations: (config) => {
    const window = { windowMs: config.windowMs, slideMs: config.slideMs };
    return [
      { id: 'both', op: 'union', from: ['a', 'b'] },
      { id: 'keyed', op: 'map', from: 'both', fn: { name: 'key-by-mod', arg: 3 } },
      { id: 'sums', op: 'reduceByKey', from: 'keyed', fn: 'sum' },
      { id: 'out-sums', op: 'output', from: 'sums' },
      { id: 'count', op: 'countByWindow', from: 'both', ...window, ...checkpointOf(config) },
      { id: 'out-count', op: 'output', from: 'count' },
      { id: 'total', op: 'reduceByWindow', from: 'both', fn: 'sum', inverseFn: 'subtract', ...window, ...checkpointOf(config) },
      { id: 'out-total', op: 'output', from: 'total' },
    ];
  },
});
