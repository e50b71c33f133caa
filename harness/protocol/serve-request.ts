// Serve mode (PROTOCOL.md §9): the line the harness writes on a serving process's stdin for each run.
// The SUT answers a run that would have exited 0 with a run-end event (event-line.ts) on stdout.

import { z } from 'zod';

export const serveRequestSchema = z
  .object({
    request: z.literal('run'),
    run: z.number().int().positive().describe('1, 2, ... within this process; echoed by the run-end event'),
    env: z
      .record(z.string(), z.string())
      .describe('The environment variables a one-run start would get (the manifest env and the STREAMCHECK_* protocol variables), over the serving process\'s own'),
  })
  .strict()
  .describe('One run for a serving process: behave exactly as the command would with these variables');

export type ServeRequest = z.infer<typeof serveRequestSchema>;
