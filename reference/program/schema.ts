// The JSON shape of a streaming program (format version 1), as zod schemas. Shape only: the graph,
// type and duration rules Spark enforces live in validate.ts. JSON Schema for PROTOCOL.md is
// generated from these with z.toJSONSchema, so the documentation cannot drift from the code.
// Written with zod/mini (engine-zod.ts): the engine's startup snapshot then holds only the parts of
// zod it uses, 0.1 MB of heap instead of the whole classic API's 2 MB.

import * as z from './engine-zod.js';

export const PROGRAM_FORMAT = 'streamcheck-program';
export const PROGRAM_VERSION = 1;
/** An initial state holds at most this many records (it travels inside every metadata checkpoint). */
export const INITIAL_STATE_RECORDS_MAX = 1000;

const id = z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a name of letters, digits, "_" and "-", starting with a letter'));
const durationMs = z.number().check(z.int(), z.positive());
/** A function reference whose argument is a number or a string. */
const simpleFnRef = z.union([
  z.string().check(z.minLength(1)),
  z.strictObject({ name: z.string().check(z.minLength(1)), arg: z.optional(z.union([z.number(), z.string()])) }),
]);
/** A function reference; its argument may also be one or two function references (pair-of,
 *  with-derived), one level deep. */
const fnRef = z.union([
  z.string().check(z.minLength(1)),
  z.strictObject({ name: z.string().check(z.minLength(1)), arg: z.optional(z.union([z.number(), z.string(), simpleFnRef, z.array(simpleFnRef)])) }),
]);
/** One JSON value of a program's data (an initial state's key or state). */
const jsonValue = z.json();
/** Initial state records [key, state] (Spark's initialRDD / StateSpec.initialState). */
const initialState = z.optional(z.array(z.tuple([jsonValue, jsonValue])).check(z.maxLength(INITIAL_STATE_RECORDS_MAX)));
/** repartition(N): at most this many partitions. */
export const REPARTITION_PARTITIONS_MAX = 64;

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
  z.strictObject({ ...unary, op: z.literal('updateStateByKey'), fn: fnRef, initialState }),
  z.strictObject({ ...unary, op: z.literal('mapWithState'), fn: fnRef, timeoutMs: z.optional(durationMs), initialState }),
  z.strictObject({ ...unary, op: z.literal('stateSnapshots') }),
  z.strictObject({ ...unary, op: z.literal('output') }),
  z.strictObject({ ...unary, op: z.literal('transform'), fn: fnRef }),
  z.strictObject({ ...binary, op: z.literal('transformWith'), fn: fnRef }),
  z.strictObject({ ...common, op: z.literal('contextTransform'), from: z.array(id).check(z.minLength(1)), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('glom') }),
  z.strictObject({ ...unary, op: z.literal('mapPartitions'), fn: fnRef }),
  z.strictObject({ ...unary, op: z.literal('repartition'), partitions: z.number().check(z.int(), z.positive(), z.lte(REPARTITION_PARTITIONS_MAX)) }),
  z.strictObject({ ...unary, op: z.literal('slice'), fromAgoMs: z.number().check(z.int(), z.nonnegative()), toAgoMs: z.number().check(z.int(), z.nonnegative()), slideMs: z.optional(durationMs) }),
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
