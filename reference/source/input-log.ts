// The replayable input: per input stream, an offset-addressed log of records, each with an arrival
// time (like a Kafka partition whose producer timestamps are arrival times). The batch at time T takes
// every record that arrived by T and was not taken before, as an offset range [from, until). Reading
// the same range again gives the same records, which is what makes recovery by replay possible.

import * as z from '../program/engine-zod.js';
import { describeValue, type Value } from '../program/value.js';

export const INPUT_FORMAT = 'streamcheck-input';
export const INPUT_VERSION = 1;

const valueSchema: z.ZodMiniType<Value> = z.lazy(() =>
  z.union([z.number(), z.string(), z.boolean(), z.array(valueSchema), z.record(z.string(), valueSchema)]),
);

const nonNegativeInt = z.number().check(z.int(), z.nonnegative());

export const inputRecordSchema = z.strictObject({ offset: nonNegativeInt, arrivalMs: nonNegativeInt, value: valueSchema });

export const inputLogSchema = z.strictObject({
  format: z.literal(INPUT_FORMAT),
  version: z.literal(INPUT_VERSION),
  /** The last batch is the last multiple of the batch interval at or before this time. */
  endTimeMs: nonNegativeInt,
  streams: z.record(z.string(), z.array(inputRecordSchema)),
});

export type InputLog = z.infer<typeof inputLogSchema>;
export type InputRecord = z.infer<typeof inputRecordSchema>;

/** A half-open range of offsets [fromOffset, untilOffset) of one input stream. */
export interface OffsetRange {
  fromOffset: number;
  untilOffset: number;
}

export class InputError extends Error {
  override name = 'InputError';
}

export function parseInputLog(text: string, source = 'input'): InputLog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return validateInputLog(json, source);
}

export function validateInputLog(json: unknown, source = 'input'): InputLog {
  const parsed = inputLogSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
    const input = (issue as { input?: unknown }).input;
    throw new InputError(`${source}: ${where || 'the input log'}: ${issue.message.replace(/^Invalid input: /, '')}, received ${input === undefined ? 'nothing' : describeValue(input)}`);
  }
  const log = parsed.data;
  for (const [name, records] of Object.entries(log.streams)) {
    let last = 0;
    records.forEach((r, i) => {
      if (r.offset !== i) throw new InputError(`${source}: streams.${name}[${i}].offset: expected ${i} (offsets are consecutive from 0), received ${r.offset}`);
      if (r.arrivalMs < last) throw new InputError(`${source}: streams.${name}[${i}].arrivalMs: expected at least ${last} (arrival times never decrease along the offsets), received ${r.arrivalMs}`);
      last = r.arrivalMs;
    });
  }
  return log;
}

/** Checks that the log has every stream the program reads. */
export function checkInputsPresent(log: InputLog, inputs: readonly string[], source = 'input'): void {
  for (const name of inputs) {
    if (!Object.hasOwn(log.streams, name)) {
      throw new InputError(`${source}: streams: no stream "${name}", which the program reads (the log has: ${Object.keys(log.streams).join(', ') || 'none'})`);
    }
  }
}

/** The offset until which records of a stream arrived by time t: a binary search over arrival times. */
export function untilOffsetAt(records: readonly InputRecord[], t: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.arrivalMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The values of an offset range, in offset order. */
export function readRange(records: readonly InputRecord[], range: OffsetRange): Value[] {
  if (range.untilOffset > records.length || range.fromOffset > range.untilOffset) {
    throw new InputError(`offset range [${range.fromOffset}, ${range.untilOffset}) is outside the log (${records.length} records)`);
  }
  const out: Value[] = [];
  for (let i = range.fromOffset; i < range.untilOffset; i++) out.push(records[i]!.value);
  return out;
}

/** Batch times of a run: k x batch for k >= 1, up to and including endTimeMs. */
export function batchTimes(batchIntervalMs: number, endTimeMs: number): number[] {
  const times: number[] = [];
  for (let t = batchIntervalMs; t <= endTimeMs; t += batchIntervalMs) times.push(t);
  return times;
}
