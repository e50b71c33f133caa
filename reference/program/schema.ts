// The JSON shape of a streaming program (format version 1), as zod schemas. Shape only: the graph,
// type and duration rules Spark enforces live in validate.ts. JSON Schema for PROTOCOL.md is
// generated from these with z.toJSONSchema, so the documentation cannot drift from the code.
// Written with zod/mini (engine-zod.ts): the engine's startup snapshot then holds only the parts of
// zod it uses, 0.1 MB of heap instead of the whole classic API's 2 MB.

import * as z from './engine-zod.js';

export const PROGRAM_FORMAT = 'streamcheck-program';
export const PROGRAM_VERSION = 1;

const id = z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a name of letters, digits, "_" and "-", starting with a letter'));
const durationMs = z.number().check(z.int(), z.positive());
const fnRef = z.union([
  z.string().check(z.minLength(1)),
  z.strictObject({ name: z.string().check(z.minLength(1)), arg: z.optional(z.union([z.number(), z.string()])) }),
]);

const common = {
  id,
  /** DStream.checkpoint(interval): data-checkpoint this stream every interval (a multiple of its slide). */
  checkpointIntervalMs: z.optional(durationMs),
};
const unary = { ...common, from: id };
const binary = { ...unary, with: id };
const windowed = { windowMs: durationMs, slideMs: z.optional(durationMs) };

export const operationSchema = z.discriminatedUnion('op', [
  z.strictObject({ ...unary, op: z.literal('map'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('flatMap'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('filter'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('mapValues'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('flatMapValues'), fn: fnRef }),
  z.strictObject({ ...common, op: z.literal('union'), from: z.array(id).check(z.minLength(2)) }),
  z.strictObject({ ...unary, op: z.literal('count') }),
  z.strictObject({ ...unary, op: z.literal('reduce'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('countByValue') }),
  z.strictObject({ ...unary, op: z.literal('reduceByKey'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('groupByKey') }),
  z.strictObject({ ...binary, op: z.literal('join') }),
  z.strictObject({ ...binary, op: z.literal('leftOuterJoin') }),
  z.strictObject({ ...binary, op: z.literal('rightOuterJoin') }),
  z.strictObject({ ...binary, op: z.literal('fullOuterJoin') }),
  z.strictObject({ ...binary, op: z.literal('cogroup') }),
  z.strictObject({ ...unary, op: z.literal('window'), ...windowed }),
  z.strictObject({ ...unary, op: z.literal('countByWindow'), windowMs: durationMs, slideMs: durationMs }),
  z.strictObject({ ...unary, op: z.literal('reduceByWindow'), fn: fnRef, inverseFn: z.optional(fnRef), windowMs: durationMs, slideMs: durationMs }),
  z.strictObject({ ...unary, op: z.literal('reduceByKeyAndWindow'), fn: fnRef, inverseFn: z.optional(fnRef), filterFn: z.optional(fnRef), ...windowed }),
  z.strictObject({ ...unary, op: z.literal('countByValueAndWindow'), windowMs: durationMs, slideMs: durationMs }),
  z.strictObject({ ...unary, op: z.literal('groupByKeyAndWindow'), ...windowed }),
  z.strictObject({ ...unary, op: z.literal('updateStateByKey'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('mapWithState'), fn: fnRef, timeoutMs: z.optional(durationMs) }),
  z.strictObject({ ...unary, op: z.literal('stateSnapshots') }),
  z.strictObject({ ...unary, op: z.literal('output') }),
]);

export const inputTypeSchema = z.enum(['string', 'int', 'pair', 'json']);

export const programSchema = z.strictObject({
  format: z.literal(PROGRAM_FORMAT),
  version: z.literal(PROGRAM_VERSION),
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  batchIntervalMs: durationMs,
  inputs: z.array(z.strictObject({ name: id, type: inputTypeSchema })).check(z.minLength(1)),
  operations: z.array(operationSchema).check(z.minLength(1)),
});

export type Program = z.infer<typeof programSchema>;
export type Operation = z.infer<typeof operationSchema>;
export type OpName = Operation['op'];
export type InputType = z.infer<typeof inputTypeSchema>;
