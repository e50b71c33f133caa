// Reads and parses the trace file of one traced start, refusing a file larger than traceFileMaxBytes
// (a SUT that writes gigabytes makes an incomplete trace, not a harness out of memory).

import * as fs from 'node:fs';
import type { FileTrace } from './file-op.js';
import { parseStrace, type ParseOptions } from './parse-strace.js';

export const TRACE_FILE_MAX_BYTES = 256 * 1024 * 1024;

export type TraceResult = { type: 'traced'; trace: FileTrace } | { type: 'untraced'; reason: string };

export function readTrace(file: string, o: ParseOptions): TraceResult {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    return { type: 'untraced', reason: `no trace file ${file}: ${(error as Error).message}` };
  }
  if (size > TRACE_FILE_MAX_BYTES) return { type: 'untraced', reason: `the trace file has ${size} bytes, more than traceFileMaxBytes ${TRACE_FILE_MAX_BYTES}` };
  return { type: 'traced', trace: parseStrace(fs.readFileSync(file, 'utf8'), o) };
}
