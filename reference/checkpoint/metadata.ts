// The metadata checkpoint (Spark's Checkpoint): configuration, program and its hash, checkpoint
// time, pending batch times, each input's offset ranges and next offset, and where each stream's
// data checkpoints live. Validated just before it is written and just after it is read.

import { z } from 'zod';
import { canonical, type Value } from '../program/value.js';
import { CheckpointFormatError, sha256 } from './framing.js';

export const METADATA_KIND = 'metadata-checkpoint';
export const DATA_KIND = 'data-checkpoint';

const time = z.number().int().nonnegative();

export const metadataSchema = z
  .object({
    checkpointTimeMs: time,
    kind: z.enum(['generation', 'completion']),
    programHash: z.string().regex(/^[0-9a-f]{64}$/),
    program: z.unknown(),
    config: z.object({ batchIntervalMs: z.number().int().positive(), maxPendingBatches: z.number().int().positive(), zeroTimeMs: time, clockStartWallMs: z.number().nullable() }).strict(),
    pendingTimes: z.array(time),
    inputs: z.record(z.string(), z.object({ currentOffset: time, batchForTime: z.array(z.tuple([time, time, time])) }).strict()),
    dataCheckpoints: z.record(z.string(), z.array(z.tuple([time, z.string().min(1)]))),
  })
  .strict();

export type Metadata = z.infer<typeof metadataSchema>;

export const dataSchema = z.object({ node: z.string(), batchTimeMs: time, data: z.unknown() }).strict();
export type DataCheckpoint = z.infer<typeof dataSchema>;

export function programHash(program: unknown): string {
  return sha256(canonical(program as Value));
}

/** Checks everything that can be checked without the directory; throws CheckpointFormatError. */
export function validateMetadata(json: unknown): Metadata {
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CheckpointFormatError(`field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const m = parsed.data;
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

export function validateData(json: unknown, node: string, batchTimeMs: number): DataCheckpoint {
  const parsed = dataSchema.safeParse(json);
  if (!parsed.success) throw new CheckpointFormatError(`data checkpoint: field ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  if (parsed.data.node !== node || parsed.data.batchTimeMs !== batchTimeMs) {
    throw new CheckpointFormatError(`data checkpoint holds ${parsed.data.node} at ${parsed.data.batchTimeMs} ms, expected ${node} at ${batchTimeMs} ms`);
  }
  if (parsed.data.data === undefined) throw new CheckpointFormatError('data checkpoint has no data');
  return parsed.data;
}
