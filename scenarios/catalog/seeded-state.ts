// State that starts from an initial state (Spark's updateStateByKey initialRDD and
// StateSpec.initialState) with time-aware functions: the initial keys must be in the state from the
// first batch on and never be applied twice, also after a recovery that re-runs early batches; a
// per-batch RDD function (transform) reads the state.

import { checkpointOf, namedScenario } from '../named-scenario.js';

export const seededState = namedScenario({
  name: 'seeded-state',
  description: 'pairs -> updateStateByKey(running-sum, initialState) and (add-batch-time, initialState), mapWithState(silent-sum, initialState) with its stateSnapshots, transform(take-ordered 3) of the state',
  inputs: { pairs: 'pair' },
  operations: (config) => [
    { id: 'totals', op: 'updateStateByKey', from: 'pairs', fn: 'running-sum', initialState: [['alice', 100], ['zed', -7]], ...checkpointOf(config) },
    { id: 'out-totals', op: 'output', from: 'totals' },
    { id: 'seen-at', op: 'updateStateByKey', from: 'pairs', fn: 'add-batch-time', initialState: [['bob', 0], ['nobody', 5]], ...checkpointOf(config) },
    { id: 'out-seen-at', op: 'output', from: 'seen-at' },
    { id: 'silent', op: 'mapWithState', from: 'pairs', fn: 'silent-sum', timeoutMs: config.windowMs, initialState: [['carol', 3], ['ghost', 1]], ...checkpointOf(config) },
    { id: 'snapshots', op: 'stateSnapshots', from: 'silent' },
    { id: 'out-snapshots', op: 'output', from: 'snapshots' },
    { id: 'smallest', op: 'transform', from: 'totals', fn: { name: 'take-ordered', arg: 3 } },
    { id: 'out-smallest', op: 'output', from: 'smallest' },
  ],
});
