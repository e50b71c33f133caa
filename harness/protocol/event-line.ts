// The optional progress events a SUT prints on stdout, one JSON object per line. The harness needs
// only a few of them (crash-point, output-committed, done) and keeps every other line as it is, so
// events a SUT adds never break a case; lines that are not JSON objects are reported, not fatal.

import { z } from 'zod';

const batchTimeMs = z.number().int().positive();

export const crashPointEventSchema = z
  .object({ event: z.literal('crash-point'), n: z.number().int().positive(), name: z.string(), batchTimeMs: batchTimeMs.nullable() })
  .describe('Printed before the SUT crashes at STREAMCHECK_CRASH_AT (and, optionally, at every point passed)');

export const outputCommittedEventSchema = z
  .object({
    event: z.literal('output-committed'),
    output: z.string(),
    batchTimeMs,
    records: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('sha256 of the committed bytes'),
  })
  .describe('Printed after an output file is durably committed; the harness uses it to see re-commits');

export const doneEventSchema = z
  .object({ event: z.literal('done'), crashPoints: z.number().int().nonnegative().optional() })
  .describe('Printed once before exit 0; crashPoints: how many crash points this run passed');

export const runEndEventSchema = z
  .object({ event: z.literal('run-end'), run: z.number().int().positive(), exitCode: z.literal(0) })
  .describe('Serve mode only (PROTOCOL.md §9): the run of that request ended as a start exiting 0 would; the process takes the next request');

export const readyEventSchema = z
  .object({ event: z.literal('ready') })
  .describe('Serve mode only (PROTOCOL.md §9): printed once by a serving process when it can take requests');

export const otherEventSchema = z
  .object({ event: z.string().min(1) })
  .describe('Any other event: kept on the timeline, otherwise ignored');

export const eventLineSchema = z.union([crashPointEventSchema, outputCommittedEventSchema, doneEventSchema, runEndEventSchema, readyEventSchema, otherEventSchema]);

/** A known event in typed form, or any other object with an `event` name. */
export type SutEvent =
  | (z.infer<typeof crashPointEventSchema> & Record<string, unknown>)
  | (z.infer<typeof outputCommittedEventSchema> & Record<string, unknown>)
  | (z.infer<typeof doneEventSchema> & Record<string, unknown>)
  | (z.infer<typeof runEndEventSchema> & Record<string, unknown>)
  | { event: string; [k: string]: unknown };

export type ParsedLine = { kind: 'event'; event: SutEvent } | { kind: 'garbage'; line: string; reason: string };

// Loose (unknown keys kept) forms, made once: zod compiles a schema on its first parse, so a schema
// made per line would be compiled per line.
const anyEvent = otherEventSchema.loose();
const known = { 'crash-point': crashPointEventSchema.loose(), 'output-committed': outputCommittedEventSchema.loose(), done: doneEventSchema.loose(), 'run-end': runEndEventSchema.loose() } as const;

/** Parses one stdout line; a known event with the wrong shape is garbage, with the reason. */
export function parseEventLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { kind: 'garbage', line, reason: `not JSON (${(error as Error).message})` };
  }
  const other = anyEvent.safeParse(json);
  if (!other.success) return { kind: 'garbage', line, reason: 'not a JSON object with a string "event" field' };
  const name = other.data.event;
  const schema = Object.hasOwn(known, name) ? known[name as keyof typeof known] : undefined;
  if (schema === undefined) return { kind: 'event', event: other.data as SutEvent };
  const typed = schema.safeParse(json);
  if (!typed.success) return { kind: 'garbage', line, reason: `"${name}" event: ${typed.error.issues[0]!.path.join('.')}: ${typed.error.issues[0]!.message}` };
  return { kind: 'event', event: typed.data as SutEvent };
}
