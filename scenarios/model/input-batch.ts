// The records of one input stream in the batch at time T, read straight from the definition
// (SEMANTICS.md "Time"): the records that arrived in (T - batch, T], where the first batch, at
// T = batch, also takes records that arrived at 0. No offsets are tracked: the model needs none.

import type { InputLog } from '../../reference/source/input-log.js';
import type { Value } from '../../reference/program/value.js';
import { ModelError } from './model-error.js';

export function inputBatch(input: InputLog, stream: string, timeMs: number, batchIntervalMs: number): Value[] {
  if (!Object.hasOwn(input.streams, stream)) {
    throw new ModelError(`the input log has no stream "${stream}", which the program reads (it has: ${Object.keys(input.streams).join(', ') || 'none'})`);
  }
  const records = input.streams[stream]!;
  const first = timeMs === batchIntervalMs;
  return records
    .filter((r) => (r.arrivalMs > timeMs - batchIntervalMs || (first && r.arrivalMs === 0)) && r.arrivalMs <= timeMs)
    .map((r) => r.value);
}
