// Partition-dependent operations over words (SEMANTICS.md "Partitions"): repartition spreads each
// input partition's words from Spark's start position, glom and mapPartitions read the partitions,
// slice reads past batches, and transformWith joins a batch with another stream's. The partitions of
// a re-run batch must be the same as the first run's, so a recovery that re-reads a different offset
// range shows.

import { namedScenario } from '../named-scenario.js';

export const partitions = namedScenario({
  name: 'partitions',
  description: 'lines -> split-words -> repartition(3) -> glom and mapPartitions(partition-count); slice of the words; transformWith(intersection) of this batch\'s words with the sliced ones; contextTransform(union)',
  inputs: { lines: 'string' },
  operations: (config) => [
    { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
    { id: 'spread', op: 'repartition', from: 'words', partitions: 3 },
    { id: 'glommed', op: 'glom', from: 'spread' },
    { id: 'out-glommed', op: 'output', from: 'glommed' },
    { id: 'sizes', op: 'mapPartitions', from: 'words', fn: 'partition-count' },
    { id: 'out-sizes', op: 'output', from: 'sizes' },
    { id: 'earlier', op: 'slice', from: 'words', fromAgoMs: 2 * config.batchIntervalMs, toAgoMs: config.batchIntervalMs },
    { id: 'repeated', op: 'transformWith', from: 'words', with: 'earlier', fn: 'intersection' },
    { id: 'out-repeated', op: 'output', from: 'repeated' },
    { id: 'both', op: 'contextTransform', from: ['words', 'earlier'], fn: 'union' },
    { id: 'counted', op: 'countByValue', from: 'both' },
    { id: 'out-counted', op: 'output', from: 'counted' },
  ],
});
