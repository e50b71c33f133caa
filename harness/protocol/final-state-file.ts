// The final state snapshot a SUT writes when it exits 0: <output dir>/_state/final.json, the state of
// every stateful stream after the last batch. The harness judges recovered state by it directly.

import { z } from 'zod';
import { parsedValue, valueSchema } from './value-schema.js';

export const FINAL_STATE_FILE_FORMAT = 'streamcheck-state';
export const FINAL_STATE_PATH = '_state/final.json';

export const finalStateFileSchema = z
  .object({
    format: z.literal(FINAL_STATE_FILE_FORMAT),
    version: z.literal(1),
    batchTimeMs: z.number().int().positive().nullable().describe('The last batch time completed; null if there was none'),
    streams: z
      .record(z.string(), z.array(valueSchema))
      .describe('Per stateful operation id: its state as [key, state] records (window contents for windows), sorted by canonical text'),
  })
  .strict();

export type FinalStateFile = z.infer<typeof finalStateFileSchema>;

/** finalStateFileSchema for a file just read with JSON.parse (see parsedValue). */
export const parsedFinalStateFileSchema = finalStateFileSchema.extend({ streams: z.record(z.string(), z.array(parsedValue)) });
