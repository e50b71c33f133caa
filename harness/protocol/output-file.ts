// One committed output file, <output dir>/<output id>/<batch time>.json. Its bytes are fixed: the
// canonical JSON of this object and one newline, so two systems that agree on the records agree on
// the bytes, and a re-commit can be judged identical by comparing bytes.

import { z } from 'zod';
import { canonical, type Value } from '../../reference/program/value.js';
import { parsedValue, valueSchema } from './value-schema.js';

export const OUTPUT_FILE_FORMAT = 'streamcheck-output';

export const outputFileSchema = z
  .object({
    format: z.literal(OUTPUT_FILE_FORMAT),
    version: z.literal(1),
    output: z.string().min(1).describe('The id of the output operation; equals the directory name'),
    batchTimeMs: z.number().int().positive().describe('The batch time; equals the file name without .json'),
    records: z.array(valueSchema).describe('Sorted by canonical text'),
  })
  .strict();

export type OutputFile = z.infer<typeof outputFileSchema>;

/** outputFileSchema for a file just read with JSON.parse (see parsedValue). */
export const parsedOutputFileSchema = outputFileSchema.extend({ records: z.array(parsedValue) });

/** The exact bytes a SUT must write for these records (which must already be in canonical order). */
export function outputFileBytes(output: string, batchTimeMs: number, records: Value[]): string {
  return `${canonical({ format: OUTPUT_FILE_FORMAT, version: 1, output, batchTimeMs, records })}\n`;
}
