// The oracle: what every output operation of a program must commit for every batch time of an
// input log, computed by the independent model (stream-model.ts). The harness compares a system
// under test's committed outputs against this.

import type { ValidProgram } from '../../reference/program/validate.js';
import { sortCanonical } from '../../reference/program/value.js';
import { compareBatchOutputs, type BatchOutput } from '../../reference/sink/batch-output.js';
import { batchTimes, type InputLog } from '../../reference/source/input-log.js';
import { StreamModel } from './stream-model.js';

/** One BatchOutput per output operation and batch time T <= input.endTimeMs at which the output's
 *  stream produces a result (T a multiple of its slide), empty results included; sorted by time, then id. */
export function expectedOutputs(program: ValidProgram, input: InputLog): BatchOutput[] {
  const model = new StreamModel(program, input);
  const outputs: BatchOutput[] = [];
  // Ascending times keep the memo warm, so stateful recursion never goes deep.
  for (const t of batchTimes(program.batchIntervalMs, input.endTimeMs)) {
    for (const id of program.outputs) {
      const records = model.resultAt(id, t);
      if (records !== undefined) outputs.push({ output: id, batchTimeMs: t, records: sortCanonical(records) });
    }
  }
  return outputs.sort(compareBatchOutputs);
}
