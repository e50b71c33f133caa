// Running word totals (updateStateByKey) and windowed word counts with an inverse function (whose
// keys stay at 0 after leaving the window), both data-checkpointed at every batch, the shortest
// interval Spark allows, over runs long enough to fill the metadata checkpoints kept. Every batch then
// writes a data checkpoint, replaces a metadata file and deletes old data, so a crash or a storage
// fault lands in the short windows between those writes far more often than at the default
// interval of ten seconds.

import { scenarioConfig } from '../config.js';
import { namedScenario } from '../named-scenario.js';

export const checkpointEveryBatch = namedScenario({
  name: 'checkpoint-every-batch',
  description: 'lines -> split-words -> pair-with-one -> updateStateByKey(running-sum) and reduceByKeyAndWindow(sum, subtract), each data-checkpointed at every batch, 10..30 batches',
  config: scenarioConfig({ batchCountMin: 10 }).map((c) => ({ ...c, slideMs: c.batchIntervalMs, checkpointIntervalMs: c.batchIntervalMs })),
  inputs: { lines: 'string' },
  operations: (config) => [
    { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
    { id: 'ones', op: 'map', from: 'words', fn: 'pair-with-one' },
    { id: 'totals', op: 'updateStateByKey', from: 'ones', fn: 'running-sum', checkpointIntervalMs: config.checkpointIntervalMs! },
    { id: 'out-totals', op: 'output', from: 'totals' },
    { id: 'window-counts', op: 'reduceByKeyAndWindow', from: 'ones', fn: 'sum', inverseFn: 'subtract', windowMs: config.windowMs, slideMs: config.slideMs, checkpointIntervalMs: config.checkpointIntervalMs! },
    { id: 'out-window-counts', op: 'output', from: 'window-counts' },
  ],
});
