// What one output operation committed for one batch time. The engine, the model and the harness all
// speak in these; records are always in canonical order (see program/value.ts).

import type { Value } from '../program/value.js';

export interface BatchOutput {
  /** The id of the output operation. */
  output: string;
  batchTimeMs: number;
  records: Value[];
}

/** Orders outputs by batch time, then output id: the order of a run's results. */
export function compareBatchOutputs(a: BatchOutput, b: BatchOutput): number {
  return a.batchTimeMs - b.batchTimeMs || (a.output < b.output ? -1 : a.output > b.output ? 1 : 0);
}
