// The metadata checkpoint (Spark's Checkpoint): configuration, program and its hash, checkpoint
// time, pending batch times, each input's offset ranges and next offset, and where each stream's
// data checkpoints live. Validated just before it is written and just after it is read.

import * as z from '../program/engine-zod.js';
import { canonical, type Value } from '../program/value.js';
import { isValidatedProgram } from '../program/validate.js';
import { CheckpointFormatError, sha256 } from './framing.js';
import { everyItem, everyValue, hasKeys, isNonNegativeInt, isPlainRecord, isPositiveInt } from '../program/json-shape.js';

export const METADATA_KIND = 'metadata-checkpoint';
export const DATA_KIND = 'data-checkpoint';

const time = z.number().check(z.int(), z.nonnegative());

export const metadataSchema = z.strictObject({
  checkpointTimeMs: time,
  kind: z.enum(['generation', 'completion']),
  programHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  program: z.unknown(),
  config: z.strictObject({ batchIntervalMs: z.number().check(z.int(), z.positive()), maxPendingBatches: z.number().check(z.int(), z.positive()), zeroTimeMs: time, clockStartWallMs: z.nullable(z.number()) }),
  pendingTimes: z.array(time),
  inputs: z.record(z.string(), z.strictObject({ currentOffset: time, batchForTime: z.array(z.tuple([time, time, time])) })),
  dataCheckpoints: z.record(z.string(), z.array(z.tuple([time, z.string().check(z.minLength(1))]))),
});

export type Metadata = z.infer<typeof metadataSchema>;

export const dataSchema = z.strictObject({ node: z.string(), batchTimeMs: time, data: z.unknown() });
export type DataCheckpoint = z.infer<typeof dataSchema>;

/** Hashes of validated programs by identity: validateProgram deep-freezes what it returns, so such
 *  a program's hash never changes, and the engine's checkpoints (two a batch) all carry the same one. */
const validatedProgramHashes = new WeakMap<object, string>();

export function programHash(program: unknown): string {
  if (!isValidatedProgram(program)) return sha256(canonical(program as Value));
  let hash = validatedProgramHashes.get(program);
  if (hash === undefined) {
    hash = sha256(canonical(program as Value));
    validatedProgramHashes.set(program, hash);
  }
  return hash;
}

const isTime = isNonNegativeInt;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** [t, fromOffset, untilOffset] */
const isOffsetRange = (x: unknown): boolean => Array.isArray(x) && x.length === 3 && isTime(x[0]) && isTime(x[1]) && isTime(x[2]);
/** [t, file] */
const isDataRef = (x: unknown): boolean => Array.isArray(x) && x.length === 2 && isTime(x[0]) && typeof x[1] === 'string' && x[1].length > 0;

/**
 * metadataSchema's rules written out by hand, for the checkpoints the engine writes and reads (zod
 * builds a copy of every field, twice a batch). True only for input metadataSchema accepts; it may
 * say false to some input zod would accept (a missing program, an object of another class), and
 * then zod decides, and explains. test/checkpoint-validation.test.ts holds the two together.
 */
export function isMetadataShape(json: unknown): json is Metadata {
  if (!isPlainRecord(json) || !hasKeys(json, 8) || !('program' in json)) return false;
  const c = json.config;
  return (
    isTime(json.checkpointTimeMs) &&
    (json.kind === 'generation' || json.kind === 'completion') &&
    typeof json.programHash === 'string' &&
    HASH_PATTERN.test(json.programHash) &&
    isPlainRecord(c) &&
    hasKeys(c, 4) &&
    isPositiveInt(c.batchIntervalMs) &&
    isPositiveInt(c.maxPendingBatches) &&
    isTime(c.zeroTimeMs) &&
    (c.clockStartWallMs === null || Number.isFinite(c.clockStartWallMs)) &&
    everyItem(json.pendingTimes, isTime) &&
    everyValue(json.inputs, (i) => isPlainRecord(i) && hasKeys(i, 2) && isTime(i.currentOffset) && everyItem(i.batchForTime, isOffsetRange)) &&
    everyValue(json.dataCheckpoints, (files) => everyItem(files, isDataRef))
  );
}

/** The data checkpoint schema's rules by hand, as isMetadataShape: true only for input dataSchema accepts. */
export function isDataShape(json: unknown): json is DataCheckpoint {
  return isPlainRecord(json) && hasKeys(json, 3) && typeof json.node === 'string' && isTime(json.batchTimeMs) && 'data' in json;
}

function parseMetadata(json: unknown): Metadata {
  if (isMetadataShape(json)) return json;
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CheckpointFormatError(`field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Checks everything that can be checked without the directory; throws CheckpointFormatError. */
export function validateMetadata(json: unknown): Metadata {
  const m = parseMetadata(json);
  const batch = m.config.batchIntervalMs;
  const onGrid = (t: number, what: string) => {
    if (t <= m.config.zeroTimeMs || (t - m.config.zeroTimeMs) % batch !== 0) throw new CheckpointFormatError(`${what} ${t} ms is not a batch time (batch interval ${batch} ms)`);
  };
  onGrid(m.checkpointTimeMs, 'checkpoint time');
  m.pendingTimes.forEach((t, i) => {
    onGrid(t, 'pending time');
    if (i > 0 && t <= m.pendingTimes[i - 1]!) throw new CheckpointFormatError('pending times are not sorted and distinct');
  });
  if (programHash(m.program) !== m.programHash) throw new CheckpointFormatError('program hash does not match the program');
  for (const [name, input] of Object.entries(m.inputs)) {
    for (const [t, from, until] of input.batchForTime) {
      onGrid(t, `input ${name} batch`);
      if (from > until) throw new CheckpointFormatError(`input ${name}: offset range [${from}, ${until}) of batch ${t} ms is reversed`);
      if (until > input.currentOffset) throw new CheckpointFormatError(`input ${name}: batch ${t} ms ends at offset ${until}, past the next offset ${input.currentOffset}`);
    }
  }
  for (const [node, files] of Object.entries(m.dataCheckpoints)) {
    for (const [t, file] of files) {
      onGrid(t, `data checkpoint of ${node} at`);
      if (file.includes('..') || file.startsWith('/')) throw new CheckpointFormatError(`data checkpoint path ${JSON.stringify(file)} leaves the checkpoint directory`);
    }
  }
  return m;
}

function parseData(json: unknown): DataCheckpoint {
  if (isDataShape(json)) return json;
  const parsed = dataSchema.safeParse(json);
  if (!parsed.success) throw new CheckpointFormatError(`data checkpoint: field ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export function validateData(json: unknown, node: string, batchTimeMs: number): DataCheckpoint {
  const d = parseData(json);
  if (d.node !== node || d.batchTimeMs !== batchTimeMs) {
    throw new CheckpointFormatError(`data checkpoint holds ${d.node} at ${d.batchTimeMs} ms, expected ${node} at ${batchTimeMs} ms`);
  }
  if (d.data === undefined) throw new CheckpointFormatError('data checkpoint has no data');
  return d;
}
