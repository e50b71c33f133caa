// The checkpoint and input-log validation's fast paths against their definitions: the hand-written
// shape checks accept exactly what the zod schemas accept (so validating a checkpoint before writing
// and after reading, or an input log before a run, checks what it always did), a validated program's remembered hash is its hash, and a
// frame built in one buffer holds the bytes of header + body.

import test from 'ava';
import fc from 'fast-check';
import { frame, sha256, FRAME_VERSION } from '../reference/checkpoint/framing.js';
import { dataSchema, isDataShape, isMetadataShape, metadataSchema, programHash } from '../reference/checkpoint/metadata.js';
import { validateProgram } from '../reference/program/validate.js';
import { canonicalByDefinition, type Value } from '../reference/program/value.js';
import { workloadProgram } from '../bench/workloads.js';
import { inputLogSchema, isInputLogShape } from '../reference/source/input-log.js';

const time = fc.oneof({ weight: 12, arbitrary: fc.nat({ max: 10_000 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 0.5, 2 ** 53, Number.MAX_SAFE_INTEGER, -0) });
const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(undefined, Infinity, NaN, [], {}, ''));

/** Metadata as the engine writes it, or close to it: every field drawn near the edges of its rule. */
const metadataLike = fc.record({
  checkpointTimeMs: time,
  kind: fc.constantFrom('generation', 'completion', 'completion', 'other'),
  programHash: fc.oneof({ weight: 6, arbitrary: fc.constant(sha256('p')) }, { weight: 1, arbitrary: fc.constantFrom(sha256('p').toUpperCase(), `${sha256('p')}0`, '') }),
  program: anyJson,
  config: fc.record({
    batchIntervalMs: fc.oneof(time, fc.constant(100)),
    maxPendingBatches: fc.oneof(time, fc.constant(1)),
    zeroTimeMs: time,
    clockStartWallMs: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: fc.double() }, { weight: 1, arbitrary: fc.constant('0') }),
  }),
  pendingTimes: fc.array(time, { maxLength: 3 }),
  inputs: fc.dictionary(fc.string({ maxLength: 3 }), fc.record({ currentOffset: time, batchForTime: fc.array(fc.oneof({ weight: 8, arbitrary: fc.tuple(time, time, time) }, { weight: 1, arbitrary: fc.array(time, { maxLength: 4 }) }), { maxLength: 3 }) }), { maxKeys: 2 }),
  dataCheckpoints: fc.dictionary(fc.string({ maxLength: 3 }), fc.array(fc.tuple(time, fc.string({ maxLength: 2 })), { maxLength: 3 }), { maxKeys: 2 }),
});

/** Replaces, deletes or adds one field anywhere in a JSON-like value. */
function mutate(value: unknown, path: number[], replacement: unknown, how: 'replace' | 'delete' | 'add'): unknown {
  if (typeof value !== 'object' || value === null) return how === 'delete' ? undefined : replacement;
  const keys = Object.keys(value);
  if (path.length === 0 || keys.length === 0) {
    if (how === 'add' && !Array.isArray(value)) return { ...value, extra: replacement };
    return how === 'delete' ? undefined : replacement;
  }
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
  const inner = mutate(copy[key], path.slice(1), replacement, how);
  if (inner === undefined && !Array.isArray(value)) delete copy[key];
  else copy[key] = inner;
  return copy;
}

const mutated = fc
  .tuple(metadataLike, fc.array(fc.nat(), { maxLength: 4 }), anyJson, fc.constantFrom('replace' as const, 'delete' as const, 'add' as const), fc.boolean())
  .map(([m, path, replacement, how, doIt]) => (doIt ? mutate(m, path, replacement, how) : m));

test('isMetadataShape accepts exactly what metadataSchema accepts, given a program field', (t) => {
  let accepted = 0;
  fc.assert(
    fc.property(mutated, (json) => {
      const zod = metadataSchema.safeParse(json).success;
      const fast = isMetadataShape(json);
      // The one documented difference: without a program field the fast check defers to zod.
      if (typeof json === 'object' && json !== null && !('program' in json)) t.false(fast);
      else t.is(fast, zod, JSON.stringify(json));
      if (fast) accepted += 1;
    }),
    { numRuns: 3000 },
  );
  t.true(accepted > 50, `only ${accepted} valid metadata drawn: the property says little`);
});

test('isDataShape accepts exactly what dataSchema accepts', (t) => {
  const dataLike = fc
    .tuple(fc.record({ node: fc.oneof(fc.string({ maxLength: 3 }), fc.nat()), batchTimeMs: time, data: anyJson }), fc.array(fc.nat(), { maxLength: 2 }), anyJson, fc.constantFrom('replace' as const, 'delete' as const, 'add' as const), fc.boolean())
    .map(([d, path, replacement, how, doIt]) => (doIt ? mutate(d, path, replacement, how) : d));
  fc.assert(
    fc.property(dataLike, (json) => {
      t.is(isDataShape(json), dataSchema.safeParse(json).success && json !== null && typeof json === 'object' && 'data' in json, JSON.stringify(json));
    }),
    { numRuns: 2000 },
  );
});

test('isInputLogShape accepts exactly what inputLogSchema accepts', (t) => {
  const value: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.tuple(fc.string({ maxLength: 2 }), fc.integer())) },
    { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, undefined, NaN, Infinity, -0, [], {}, [null], { a: null }, { a: [1, { b: 'x' }] }, Object.create(null) as object)) },
  );
  const inputRecord = fc.record({ offset: time, arrivalMs: time, value });
  const logLike = fc.record({
    format: fc.constantFrom('streamcheck-input', 'streamcheck-input', 'other'),
    version: fc.constantFrom(1, 1, 1, 2, '1'),
    endTimeMs: time,
    streams: fc.dictionary(fc.string({ maxLength: 3 }), fc.array(inputRecord, { maxLength: 4 }), { maxKeys: 2 }),
  });
  const mutatedLog = fc
    .tuple(logLike, fc.array(fc.nat(), { maxLength: 5 }), anyJson, fc.constantFrom('replace' as const, 'delete' as const, 'add' as const), fc.boolean())
    .map(([l, path, replacement, how, doIt]) => (doIt ? mutate(l, path, replacement, how) : l));
  let accepted = 0;
  fc.assert(
    fc.property(mutatedLog, (json) => {
      const fast = isInputLogShape(json);
      t.is(fast, inputLogSchema.safeParse(json).success, JSON.stringify(json));
      if (fast) accepted += 1;
    }),
    { numRuns: 3000 },
  );
  t.true(accepted > 100, `only ${accepted} valid input logs drawn: the property says little`);
});

test('a validated program is frozen, and its remembered hash is the hash of its canonical text', (t) => {
  const valid = workloadProgram('word-count');
  const expected = sha256(canonicalByDefinition(valid.program as unknown as Value));
  t.is(programHash(valid.program), expected);
  t.is(programHash(valid.program), expected);
  t.is(programHash(JSON.parse(JSON.stringify(valid.program))), expected);
  t.true(Object.isFrozen(valid.program) && Object.isFrozen(valid.program.operations[0]));
  t.throws(() => {
    (valid.program.operations as unknown[]).push({});
  });
  // Validation copies: the caller's JSON stays its own, and mutable.
  const json = JSON.parse(JSON.stringify(valid.program)) as { name: string };
  validateProgram(json);
  json.name = 'changed';
  t.is(json.name, 'changed');
});

test('frame writes the header line and the body exactly as their definition does', (t) => {
  fc.assert(
    fc.property(fc.constantFrom('metadata-checkpoint', 'data-checkpoint'), fc.jsonValue(), fc.string({ unit: 'binary' }), (kind, body, text) => {
      for (const b of [body, { text, body }]) {
        const json = Buffer.from(JSON.stringify(b), 'utf8');
        const expected = Buffer.concat([Buffer.from(`STREAMCHECK ${kind} v${FRAME_VERSION} ${json.length} ${sha256(json)}\n`, 'utf8'), json]);
        t.true(frame(kind, b).equals(expected));
      }
    }),
  );
});
