// What a run left behind, read strictly by the protocol (PROTOCOL.md §4): every output file with its
// exact bytes, anything malformed, and the final state file. Checkers work on this, never on the
// directory, so a check can be re-run on stored data.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { FINAL_STATE_PATH, parsedFinalStateFileSchema, type FinalStateFile } from '../protocol/final-state-file.js';
import { outputFileBytes, parsedOutputFileSchema } from '../protocol/output-file.js';
import type { SutEvent } from '../protocol/event-line.js';
import type { Value } from '../../reference/program/value.js';
import { DEFAULT_OUTPUT_BOUNDS } from '../process/output-bounds.js';

export interface CommittedOutput {
  output: string;
  batchTimeMs: number;
  records: Value[];
}

export interface MalformedFile {
  file: string;
  reason: string;
  /** The file was larger than outputFileMaxBytes and was not read: its size in bytes. */
  tooLargeBytes?: number;
}

export interface ObservedRun {
  /** Keyed by outputKey(output, batchTimeMs). */
  outputs: Map<string, CommittedOutput>;
  malformed: MalformedFile[];
  finalState: { type: 'present'; state: FinalStateFile } | { type: 'missing' } | { type: 'malformed'; reason: string };
  /** The run's events in order, all starts together (empty for a SUT without events). */
  events: SutEvent[];
}

export const outputKey = (output: string, batchTimeMs: number): string => `${output}@${batchTimeMs}`;

/** Temporary files a SUT may leave while committing atomically. */
export const isTemporary = (name: string): boolean => name.startsWith('.') || name.endsWith('.tmp');

/** Reads a file of at most maxBytes, or says how large it is (a SUT's 1 GB file must not become a string). */
function readBounded(file: string, maxBytes: number): { text: string } | { tooLargeBytes: number } {
  const size = fs.statSync(file).size;
  if (size > maxBytes) return { tooLargeBytes: size };
  return { text: fs.readFileSync(file, 'utf8') };
}

const tooLarge = (file: string, bytes: number, maxBytes: number): MalformedFile => ({ file, reason: `output-too-large: ${bytes} bytes, more than outputFileMaxBytes ${maxBytes}`, tooLargeBytes: bytes });

export function observeRun(outputDir: string, events: SutEvent[], outputFileMaxBytes = DEFAULT_OUTPUT_BOUNDS.outputFileMaxBytes): ObservedRun {
  const outputs = new Map<string, CommittedOutput>();
  const malformed: MalformedFile[] = [];
  for (const entry of fs.readdirSync(outputDir, { withFileTypes: true })) {
    if (entry.name.startsWith('_') || isTemporary(entry.name)) continue;
    const rel = entry.name;
    if (!entry.isDirectory()) {
      malformed.push({ file: rel, reason: 'a file at the top of the output directory (outputs live in <output id>/<T>.json)' });
      continue;
    }
    for (const f of fs.readdirSync(path.join(outputDir, rel))) {
      if (isTemporary(f)) continue;
      const file = `${rel}/${f}`;
      const m = /^([1-9]\d*)\.json$/.exec(f);
      if (m === null) {
        malformed.push({ file, reason: 'the name is not <batch time>.json' });
        continue;
      }
      const read = readBounded(path.join(outputDir, rel, f), outputFileMaxBytes);
      if ('tooLargeBytes' in read) {
        malformed.push(tooLarge(file, read.tooLargeBytes, outputFileMaxBytes));
        continue;
      }
      const bytes = read.text;
      let json: unknown;
      try {
        json = JSON.parse(bytes);
      } catch (error) {
        malformed.push({ file, reason: `not JSON (${(error as Error).message})` });
        continue;
      }
      const parsed = parsedOutputFileSchema.safeParse(json);
      if (!parsed.success) {
        malformed.push({ file, reason: `${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}` });
        continue;
      }
      const o = parsed.data;
      if (o.output !== rel || o.batchTimeMs !== Number(m[1])) {
        malformed.push({ file, reason: `the file says output "${o.output}" at ${o.batchTimeMs}, its path says "${rel}" at ${m[1]}` });
        continue;
      }
      if (outputFileBytes(o.output, o.batchTimeMs, o.records) !== bytes) {
        malformed.push({ file, reason: 'the bytes are not the canonical rendering (sorted keys, sorted records, no white space, one newline)' });
        continue;
      }
      outputs.set(outputKey(o.output, o.batchTimeMs), { output: o.output, batchTimeMs: o.batchTimeMs, records: o.records });
    }
  }
  const finalState = readFinalState(outputDir, outputFileMaxBytes);
  if (finalState.type === 'malformed' && finalState.tooLargeBytes !== undefined) malformed.push(tooLarge(FINAL_STATE_PATH, finalState.tooLargeBytes, outputFileMaxBytes));
  return { outputs, malformed, finalState, events };
}

function readFinalState(outputDir: string, maxBytes: number): ObservedRun['finalState'] & { tooLargeBytes?: number } {
  const file = path.join(outputDir, FINAL_STATE_PATH);
  if (!fs.existsSync(file)) return { type: 'missing' };
  try {
    const read = readBounded(file, maxBytes);
    if ('tooLargeBytes' in read) return { type: 'malformed', reason: `${read.tooLargeBytes} bytes, more than outputFileMaxBytes ${maxBytes}`, tooLargeBytes: read.tooLargeBytes };
    const parsed = parsedFinalStateFileSchema.safeParse(JSON.parse(read.text));
    if (!parsed.success) return { type: 'malformed', reason: `${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}` };
    return { type: 'present', state: parsed.data };
  } catch (error) {
    return { type: 'malformed', reason: (error as Error).message };
  }
}

/** Outputs in (batch time, output id) order. */
export function sortedOutputs(run: ObservedRun): CommittedOutput[] {
  return [...run.outputs.values()].sort((a, b) => a.batchTimeMs - b.batchTimeMs || (a.output < b.output ? -1 : a.output > b.output ? 1 : 0));
}
