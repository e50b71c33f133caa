// mapWithState with a timeout: running sums per key, emitted as they change, with idle keys timed
// out only at data-checkpoint times. The checkpoint interval therefore changes the output, and a
// recovery that restores the wrong state or the wrong "last updated" times shows.

import { checkpointOf, namedScenario } from '../named-scenario.js';

export const runningTotals = namedScenario({
  name: 'running-totals',
  description: 'pairs -> mapWithState(running-sum, timeout = window) and its stateSnapshots',
  inputs: { pairs: 'pair' },
  operations: (config) => [
    { id: 'totals', op: 'mapWithState', from: 'pairs', fn: 'running-sum', timeoutMs: config.windowMs, ...checkpointOf(config) },
    { id: 'out-totals', op: 'output', from: 'totals' },
    { id: 'snapshots', op: 'stateSnapshots', from: 'totals' },
    { id: 'out-snapshots', op: 'output', from: 'snapshots' },
  ],
});
