// Builds an input log from per-batch lists of records, the way Spark's TestSuiteBase feeds
// `input(i)` to batch i: records of batch i (0-based) arrive at (i + 1) x batch, and the log ends
// with the last batch of the longest stream. Shared by the model's and the engine's tests.

import type { Value } from '../../reference/program/value.js';
import { INPUT_FORMAT, INPUT_VERSION, type InputLog, type InputRecord } from '../../reference/source/input-log.js';

export function inputFromBatches(batchIntervalMs: number, batches: Record<string, Value[][]>): InputLog {
  const streams: Record<string, InputRecord[]> = {};
  let batchCount = 0;
  for (const [name, perBatch] of Object.entries(batches)) {
    const records: InputRecord[] = [];
    perBatch.forEach((values, i) => {
      for (const value of values) records.push({ offset: records.length, arrivalMs: (i + 1) * batchIntervalMs, value });
    });
    streams[name] = records;
    batchCount = Math.max(batchCount, perBatch.length);
  }
  return { format: INPUT_FORMAT, version: INPUT_VERSION, endTimeMs: batchCount * batchIntervalMs, streams };
}
