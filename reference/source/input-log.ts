// The replayable input: per input stream, an offset-addressed log of records, each with an arrival
// time (like a Kafka partition whose producer timestamps are arrival times). The batch at time T takes
// every record that arrived by T and was not taken before, as an offset range [from, until). Reading
// the same range again gives the same records, which is what makes recovery by replay possible.

import * as z from '../program/engine-zod.js';
import { describeValue, type Value } from '../program/value.js';
import { jsonNestingDepth, JSON_NESTING_DEPTH_MAX } from '../program/json-depth.js';
import { everyItem, everyValue, hasKeys, isNonNegativeInt, isPlainRecord } from '../program/json-shape.js';

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

/** Batches one run may have (endTimeMs / batchIntervalMs): past it a run could not end in reasonable time
 *  or memory (SEMANTICS.md, "Bounds"). */
export const BATCHES_PER_RUN_MAX = 1_000_000;

export function parseInputLog(text: string, source = 'input'): InputLog {
  if (jsonNestingDepth(text) > JSON_NESTING_DEPTH_MAX) throw new InputError(`${source}: values nest deeper than ${JSON_NESTING_DEPTH_MAX} arrays or objects (JSON_NESTING_DEPTH_MAX)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return validateInputLog(json, source);
}

function isInputValue(x: unknown): boolean {
  switch (typeof x) {
    case 'number':
      return Number.isFinite(x);
    case 'string':
    case 'boolean':
      return true;
    case 'object':
      return Array.isArray(x) ? everyItem(x, isInputValue) : everyValue(x, isInputValue);
    default:
      return false;
  }
}

const isInputRecord = (r: unknown): boolean =>
  isPlainRecord(r) && hasKeys(r, 3) && isNonNegativeInt(r.offset) && isNonNegativeInt(r.arrivalMs) && 'value' in r && isInputValue(r.value);

/**
 * inputLogSchema's rules written out by hand: every run of the engine validates its whole input log,
 * and zod builds a copy of every record on the way (a few per cent of a short run's CPU). True only
 * for input inputLogSchema accepts; for anything else zod decides, and explains.
 * test/checkpoint-validation.test.ts holds the two together.
 */
export function isInputLogShape(json: unknown): json is InputLog {
  if (!isPlainRecord(json) || !hasKeys(json, 4)) return false;
  if (json.format !== INPUT_FORMAT || json.version !== INPUT_VERSION || !isNonNegativeInt(json.endTimeMs)) return false;
  return everyValue(json.streams, (records) => everyItem(records, isInputRecord));
}

function parseInputLogShape(json: unknown, source: string): InputLog {
  if (isInputLogShape(json)) return json;
  const parsed = inputLogSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
    const input = (issue as { input?: unknown }).input;
    throw new InputError(`${source}: ${where || 'the input log'}: ${issue.message.replace(/^Invalid input: /, '')}, received ${input === undefined ? 'nothing' : describeValue(input)}`);
  }
  return parsed.data;
}

export function validateInputLog(json: unknown, source = 'input'): InputLog {
  const log = parseInputLogShape(json, source);
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

/** Checks that the run has at most BATCHES_PER_RUN_MAX batches and every record's value has its stream's declared type. */
export function checkInputFitsProgram(log: InputLog, batchIntervalMs: number, inputs: readonly { name: string; type: 'string' | 'int' | 'pair' | 'json' }[], source = 'input'): void {
  const batches = Math.floor(log.endTimeMs / batchIntervalMs);
  if (batches > BATCHES_PER_RUN_MAX) {
    throw new InputError(`${source}: endTimeMs: ${log.endTimeMs} gives ${batches} batches at the program's batchIntervalMs ${batchIntervalMs}, more than BATCHES_PER_RUN_MAX ${BATCHES_PER_RUN_MAX}`);
  }
  for (const { name, type } of inputs) {
    const records = log.streams[name] ?? [];
    for (let i = 0; i < records.length; i++) {
      const v = records[i]!.value;
      const ok = type === 'string' ? typeof v === 'string' : type === 'int' ? Number.isSafeInteger(v) : type === 'pair' ? Array.isArray(v) && v.length === 2 : true;
      if (!ok) throw new InputError(`${source}: streams.${name}[${i}].value: expected ${type === 'pair' ? 'a pair [key, value]' : `a ${type}`} (the program's input "${name}" is of type ${type}), received ${describeValue(v)}`);
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
