// Running word totals (updateStateByKey) data-checkpointed at every batch, the shortest interval
// Spark allows, over runs long enough to fill the metadata checkpoints kept. Every batch then
// writes a data checkpoint, replaces a metadata file and deletes old data, so a crash or a storage
// fault lands in the short windows between those writes far more often than at the default
// interval of ten seconds.

import { scenarioConfig } from '../config.js';
import { namedScenario } from '../named-scenario.js';

export const checkpointEveryBatch = namedScenario({
  name: 'checkpoint-every-batch',
  description: 'lines -> split-words -> pair-with-one -> updateStateByKey(running-sum) with a data checkpoint at every batch, 10..30 batches',
  config: scenarioConfig({ batchCountMin: 10 }).map((c) => ({ ...c, slideMs: c.batchIntervalMs, checkpointIntervalMs: c.batchIntervalMs })),
  inputs: { lines: 'string' },
  operations: (config) => [
    { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
    { id: 'ones', op: 'map', from: 'words', fn: 'pair-with-one' },
    { id: 'totals', op: 'updateStateByKey', from: 'ones', fn: 'running-sum', checkpointIntervalMs: config.checkpointIntervalMs! },
    { id: 'out-totals', op: 'output', from: 'totals' },
  ],
});
