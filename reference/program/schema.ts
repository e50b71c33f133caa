// The JSON shape of a streaming program (format version 1), as zod schemas. Shape only: the graph,
// type and duration rules Spark enforces live in validate.ts. JSON Schema for PROTOCOL.md is
// generated from these with z.toJSONSchema, so the documentation cannot drift from the code.

import { z } from 'zod';

export const PROGRAM_FORMAT = 'streamcheck-program';
export const PROGRAM_VERSION = 1;

const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a name of letters, digits, "_" and "-", starting with a letter');
const durationMs = z.number().int().positive();
const fnRef = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), arg: z.union([z.number(), z.string()]).optional() }).strict(),
]);

const common = {
  id,
  /** DStream.checkpoint(interval): data-checkpoint this stream every interval (a multiple of its slide). */
  checkpointIntervalMs: durationMs.optional(),
};
const unary = { ...common, from: id };
const binary = { ...unary, with: id };
const windowed = { windowMs: durationMs, slideMs: durationMs.optional() };

export const operationSchema = z.discriminatedUnion('op', [
  z.object({ ...unary, op: z.literal('map'), fn: fnRef }).strict(),
  z.object({ ...unary, op: z.literal('flatMap'), fn: fnRef }).strict(),
  z.object({ ...unary, op: z.literal('filter'), fn: fnRef }).strict(),
  z.object({ ...unary, op: z.literal('mapValues'), fn: fnRef }).strict(),
  z.object({ ...unary, op: z.literal('flatMapValues'), fn: fnRef }).strict(),
  z.object({ ...common, op: z.literal('union'), from: z.array(id).min(2) }).strict(),
  z.object({ ...unary, op: z.literal('count') }).strict(),
  z.object({ ...unary, op: z.literal('reduce'), fn: fnRef }).strict(),
  z.object({ ...unary, op: z.literal('countByValue') }).strict(),
  z.object({ ...unary, op: z.literal('reduceByKey'), fn: fnRef }).strict(),
  z.object({ ...unary, op: z.literal('groupByKey') }).strict(),
  z.object({ ...binary, op: z.literal('join') }).strict(),
  z.object({ ...binary, op: z.literal('leftOuterJoin') }).strict(),
  z.object({ ...binary, op: z.literal('rightOuterJoin') }).strict(),
  z.object({ ...binary, op: z.literal('fullOuterJoin') }).strict(),
  z.object({ ...binary, op: z.literal('cogroup') }).strict(),
  z.object({ ...unary, op: z.literal('window'), ...windowed }).strict(),
  z.object({ ...unary, op: z.literal('countByWindow'), windowMs: durationMs, slideMs: durationMs }).strict(),
  z.object({ ...unary, op: z.literal('reduceByWindow'), fn: fnRef, inverseFn: fnRef.optional(), windowMs: durationMs, slideMs: durationMs }).strict(),
  z.object({ ...unary, op: z.literal('reduceByKeyAndWindow'), fn: fnRef, inverseFn: fnRef.optional(), filterFn: fnRef.optional(), ...windowed }).strict(),
  z.object({ ...unary, op: z.literal('countByValueAndWindow'), windowMs: durationMs, slideMs: durationMs }).strict(),
  z.object({ ...unary, op: z.literal('groupByKeyAndWindow'), ...windowed }).strict(),
  z.object({ ...unary, op: z.literal('updateStateByKey'), fn: fnRef }).strict(),
  z.object({ ...unary, op: z.literal('mapWithState'), fn: fnRef, timeoutMs: durationMs.optional() }).strict(),
  z.object({ ...unary, op: z.literal('stateSnapshots') }).strict(),
  z.object({ ...unary, op: z.literal('output') }).strict(),
]);

export const inputTypeSchema = z.enum(['string', 'int', 'pair', 'json']);

export const programSchema = z
  .object({
    format: z.literal(PROGRAM_FORMAT),
    version: z.literal(PROGRAM_VERSION),
    name: z.string().optional(),
    description: z.string().optional(),
    batchIntervalMs: durationMs,
    inputs: z.array(z.object({ name: id, type: inputTypeSchema }).strict()).min(1),
    operations: z.array(operationSchema).min(1),
  })
  .strict();

export type Program = z.infer<typeof programSchema>;
export type Operation = z.infer<typeof operationSchema>;
export type OpName = Operation['op'];
export type InputType = z.infer<typeof inputTypeSchema>;
