// Where output operations commit. A batch's output of one output operation is one file,
// <output dir>/<output id>/<batch time>.json, written atomically; committing the same batch again
// (a re-run after recovery) replaces it, so the directory ends with exactly one file per batch time.
// The memory sink serves in-process runs (tests, benchmarks).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonical, type CanonicalRecords, type Value } from '../program/value.js';
import { fsyncDir, mkdirDurable, writeAtomic, writeSynced } from '../engine/atomic-write.js';
import type { CrashPoints } from '../engine/crash-points.js';
import { sha256 } from '../checkpoint/framing.js';
import { compareBatchOutputs, type BatchOutput } from './batch-output.js';

export const OUTPUT_FORMAT = 'streamcheck-output';
export const STATE_FORMAT = 'streamcheck-state';
export const FINAL_STATE_FILE = '_state/final.json';

/** The exact bytes of a committed output file (canonical JSON and a newline). */
export function outputFileText(output: string, batchTimeMs: number, records: Value[]): string {
  return outputFileTextOfJoined(output, batchTimeMs, records.map(canonical).join(','));
}

/** outputFileText from the records' canonical texts joined by ',': canonical() of the file's
 *  object, its keys written in sorted order (batchTimeMs, format, output, records, version), with
 *  the records' texts taken instead of written a second time. */
export function outputFileTextOfJoined(output: string, batchTimeMs: number, joinedTexts: string): string {
  return `{"batchTimeMs":${canonical(batchTimeMs)},"format":${canonical(OUTPUT_FORMAT)},"output":${canonical(output)},"records":[${joinedTexts}],"version":1}\n`;
}

export interface FinalState {
  /** The last batch time the engine completed. */
  batchTimeMs: number | null;
  /** Per stateful operation id: its state records [key, state] (window contents for windows). */
  streams: Record<string, Value[]>;
}

export interface OutputSink {
  /** Commits one output of one batch, its records in canonical order with their joined texts;
   *  returns the sha256 of the committed bytes. */
  commit(output: string, batchTimeMs: number, batch: CanonicalRecords): string;
  writeFinalState(state: FinalState): void;
}

export class FileSink implements OutputSink {
  /** Each output's directory, made once per run. */
  private readonly outputDirs = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly crash: CrashPoints,
    /** Bug switch (append-output-on-rerun), for the self-test only. */
    private readonly appendOnRerun = false,
  ) {
    mkdirDurable(dir);
  }

  commit(output: string, batchTimeMs: number, batch: CanonicalRecords): string {
    let dir = this.outputDirs.get(output);
    if (dir === undefined) {
      dir = path.join(this.dir, output);
      mkdirDurable(dir);
      this.outputDirs.set(output, dir);
    }
    const name = `${batchTimeMs}.json`;
    const existing = this.appendOnRerun ? path.join(dir, name) : '';
    let text: string;
    if (this.appendOnRerun && fs.existsSync(existing)) {
      const records = [...(JSON.parse(fs.readFileSync(existing, 'utf8')) as { records: Value[] }).records, ...batch.records];
      text = outputFileText(output, batchTimeMs, records);
    } else {
      text = outputFileTextOfJoined(output, batchTimeMs, batch.joinedTexts);
    }
    writeAtomic(dir, name, Buffer.from(text, 'utf8'), 'output', this.crash, batchTimeMs);
    return sha256(text);
  }

  writeFinalState(state: FinalState): void {
    const file = path.join(this.dir, FINAL_STATE_FILE);
    // Atomic and durable like every output (the durability lint found it renamed unsynced data).
    const dir = path.dirname(file);
    mkdirDurable(dir);
    const text = `${canonical({ format: STATE_FORMAT, version: 1, batchTimeMs: state.batchTimeMs, streams: state.streams })}\n`;
    writeSynced(`${file}.tmp`, Buffer.from(text, 'utf8'), () => {}, () => {});
    fs.renameSync(`${file}.tmp`, file);
    fsyncDir(dir);
  }
}

/** Reads every committed output of an output directory, in (time, output) order. */
export function readOutputDir(dir: string): BatchOutput[] {
  const out: BatchOutput[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    for (const f of fs.readdirSync(path.join(dir, entry.name))) {
      const m = /^(\d+)\.json$/.exec(f);
      if (m === null) continue;
      const json = JSON.parse(fs.readFileSync(path.join(dir, entry.name, f), 'utf8')) as { output: string; batchTimeMs: number; records: Value[] };
      out.push({ output: json.output, batchTimeMs: json.batchTimeMs, records: json.records });
    }
  }
  return out.sort(compareBatchOutputs);
}

export class MemorySink implements OutputSink {
  readonly commits = new Map<string, BatchOutput>();
  commitCount = 0;
  finalState: FinalState | undefined;

  commit(output: string, batchTimeMs: number, batch: CanonicalRecords): string {
    this.commitCount += 1;
    this.commits.set(`${output}@${batchTimeMs}`, { output, batchTimeMs, records: batch.records });
    return sha256(outputFileTextOfJoined(output, batchTimeMs, batch.joinedTexts));
  }

  writeFinalState(state: FinalState): void {
    this.finalState = state;
  }

  outputs(): BatchOutput[] {
    return [...this.commits.values()].sort(compareBatchOutputs);
  }
}
