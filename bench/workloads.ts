// The programs and input logs the benchmarks run: word count (over a uniform vocabulary, and over a
// Zipf-distributed one, which is what natural text looks like), a windowed reduce with an inverse
// function, and a running total kept by updateStateByKey. Inputs are generated deterministically
// from a seed so that two runs (and two machines) measure the same work.

import { PROGRAM_FORMAT, PROGRAM_VERSION, type Operation, type Program } from '../reference/program/schema.js';
import { validateProgram, type ValidProgram } from '../reference/program/validate.js';
import { INPUT_FORMAT, INPUT_VERSION, type InputLog, type InputRecord } from '../reference/source/input-log.js';
import type { Value } from '../reference/program/value.js';

export type WorkloadName = 'word-count' | 'word-count-zipf' | 'windowed-reduce' | 'running-totals';

export const BATCH_INTERVAL_MS = 1_000;
/** Input records per batch: input sizes grow by adding batches, as a stream does over time. */
export const RECORDS_PER_BATCH = 10_000;
/** Words per line of the word-count input; the vocabulary bounds the keys (and the state). */
export const WORDS_PER_LINE = 4;
export const VOCABULARY_DEFAULT = 10_000;
/** word-count-zipf: the vocabulary, and the exponent s of its Zipf law (the word of rank r is drawn
 *  with probability proportional to 1 / r^s; s = 1 is close to English text). */
export const ZIPF_VOCABULARY = 100_000;
export const ZIPF_EXPONENT = 1;

/** What each word-count workload's lines are made of, for reports. */
export const WORD_COUNT_WORKLOADS = {
  'word-count': `lines of ${WORDS_PER_LINE} words drawn uniformly from a ${VOCABULARY_DEFAULT / 1000}k-word vocabulary`,
  'word-count-zipf': `lines of ${WORDS_PER_LINE} words drawn from a ${ZIPF_VOCABULARY / 1000}k-word vocabulary with Zipf (s = ${ZIPF_EXPONENT}) frequencies`,
} as const;

export interface WorkloadOptions {
  /** Distinct keys the input draws from (state size of stateful workloads). */
  keys?: number;
  /** checkpointIntervalMs of the stateful operation; absent: the engine's default (10 s). */
  checkpointIntervalMs?: number;
  recordsPerBatch?: number;
  /** Pair workloads: every key once in the first batch, so the state holds all keys from batch 1. */
  allKeysFirst?: boolean;
}

function program(name: string, inputType: 'string' | 'pair', operations: Operation[]): Program {
  return { format: PROGRAM_FORMAT, version: PROGRAM_VERSION, name, batchIntervalMs: BATCH_INTERVAL_MS, inputs: [{ name: 'in', type: inputType }], operations };
}

export function workloadProgram(name: WorkloadName, o: WorkloadOptions = {}): ValidProgram {
  const cp = o.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: o.checkpointIntervalMs };
  switch (name) {
    case 'word-count':
    case 'word-count-zipf':
      return validateProgram(program(name, 'string', [
        { id: 'words', op: 'flatMap', from: 'in', fn: 'split-words' },
        { id: 'ones', op: 'map', from: 'words', fn: 'pair-with-one' },
        { id: 'counts', op: 'reduceByKey', from: 'ones', fn: 'sum' },
        { id: 'out', op: 'output', from: 'counts' },
      ] as Operation[]));
    case 'windowed-reduce':
      return validateProgram(program(name, 'pair', [
        { id: 'sums', op: 'reduceByKeyAndWindow', from: 'in', fn: 'sum', inverseFn: 'subtract', windowMs: 5 * BATCH_INTERVAL_MS, slideMs: BATCH_INTERVAL_MS, ...cp },
        { id: 'out', op: 'output', from: 'sums' },
      ] as Operation[]));
    case 'running-totals':
      return validateProgram(program(name, 'pair', [
        { id: 'totals', op: 'updateStateByKey', from: 'in', fn: 'running-sum', ...cp },
        { id: 'out', op: 'output', from: 'totals' },
      ] as Operation[]));
    default:
      throw new Error(`unknown workload ${JSON.stringify(name satisfies never)}`);
  }
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same input everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..n-1 with Zipf(s) probabilities: a binary search of the cumulative distribution. */
function zipf(next: () => number, n: number, s: number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / Math.pow(r + 1, s);
  return () => {
    const u = next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** `records` input records spread evenly over batches of RECORDS_PER_BATCH (the last may be short). */
export function workloadInput(name: WorkloadName, records: number, o: WorkloadOptions = {}, seed = 1): InputLog {
  const next = random(seed);
  const keys = o.keys ?? VOCABULARY_DEFAULT;
  const perBatch = o.recordsPerBatch ?? RECORDS_PER_BATCH;
  const wordCount = name === 'word-count' || name === 'word-count-zipf';
  const first = !wordCount && o.allKeysFirst === true ? keys : 0;
  const word = name === 'word-count-zipf' ? zipf(next, o.keys ?? ZIPF_VOCABULARY, ZIPF_EXPONENT) : () => Math.floor(next() * keys);
  const out: InputRecord[] = new Array(first + records);
  for (let i = 0; i < first; i++) out[i] = { offset: i, arrivalMs: 1, value: [`k${i}`, 1] };
  for (let i = 0; i < records; i++) {
    const arrivalMs = Math.floor(i / perBatch) * BATCH_INTERVAL_MS + 1;
    let value: Value;
    if (wordCount) {
      const words: string[] = [];
      for (let w = 0; w < WORDS_PER_LINE; w++) words.push(`w${word()}`);
      value = words.join(' ');
    } else {
      value = [`k${Math.floor(next() * keys)}`, 1 + Math.floor(next() * 9)];
    }
    out[first + i] = { offset: first + i, arrivalMs, value };
  }
  const batches = Math.max(1, Math.ceil(records / perBatch));
  return { format: INPUT_FORMAT, version: INPUT_VERSION, endTimeMs: batches * BATCH_INTERVAL_MS, streams: { in: out } };
}
