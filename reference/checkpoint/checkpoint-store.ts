// The checkpoint directory ("reliable storage"): metadata checkpoints written as Spark's
// CheckpointWriter writes them (temp file, backup of an existing file of the same name as .bk, rename,
// keep the newest 10), data checkpoints one file per stream and batch time, and the reader that
// falls back past unusable files to older ones (Spark's CheckpointReader).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Value } from '../program/value.js';
import { writeAtomic, writeSynced, fsyncDir } from '../engine/atomic-write.js';
import type { CrashPoints } from '../engine/crash-points.js';
import { CheckpointFormatError, frame, unframe } from './framing.js';
import { DATA_KIND, METADATA_KIND, validateData, validateMetadata, type Metadata } from './metadata.js';
import type { BugName } from '../engine/bugs.js';

/** Spark keeps the newest 10 checkpoint files, .bk files included (Checkpoint.scala). */
export const METADATA_FILES_KEPT = 10;
const FILE_PATTERN = /^checkpoint-(\d+)(\.bk)?$/;
const DATA_DIR = 'data';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface Recovered {
  metadata: Metadata;
  file: string;
  /** The data checkpoints the metadata refers to, by relative path. */
  data: Map<string, Value>;
  skipped: { file: string; reason: string }[];
}

interface CheckpointFile {
  name: string;
  timeMs: number;
  backup: boolean;
}

/** Checkpoint files oldest first; for one time the .bk sorts before the plain file (Spark's order). */
export function listCheckpointFiles(dir: string): CheckpointFile[] {
  if (!fs.existsSync(dir)) return [];
  const files: CheckpointFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const m = FILE_PATTERN.exec(entry.name);
    if (m === null || !entry.isFile()) continue;
    files.push({ name: entry.name, timeMs: Number(m[1]), backup: m[2] !== undefined });
  }
  return files.sort((a, b) => a.timeMs - b.timeMs || Number(b.backup) - Number(a.backup));
}

export function dataFileName(node: string, batchTimeMs: number): string {
  return `${DATA_DIR}/${encodeURIComponent(node)}/rdd-${batchTimeMs}`;
}

export class FileCheckpointStore {
  /** Spark's latestCheckpointTime (SPARK-11267): files are named after the newest time written. */
  private latestTimeMs = 0;
  /** Data files each retained metadata file refers to, for deleting the unreferenced ones. */
  private readonly refs = new Map<string, string[]>();

  /** Where data checkpoints live: the checkpoint directory, except under the state-in-scratch bug. */
  private readonly dataRoot: string;

  constructor(
    readonly dir: string,
    private readonly crash: CrashPoints,
    private readonly bug?: BugName,
    scratchDir?: string,
  ) {
    this.dataRoot = bug === 'state-in-scratch' && scratchDir !== undefined ? scratchDir : dir;
    fs.mkdirSync(path.join(dir, DATA_DIR), { recursive: true });
    fs.mkdirSync(path.join(this.dataRoot, DATA_DIR), { recursive: true });
  }

  dataFileName(node: string, batchTimeMs: number): string {
    return dataFileName(node, batchTimeMs);
  }

  hasCheckpointFiles(): boolean {
    return listCheckpointFiles(this.dir).length > 0;
  }

  writeMetadata(metadata: Metadata): string {
    validateMetadata(metadata);
    const t = metadata.checkpointTimeMs;
    this.latestTimeMs = Math.max(this.latestTimeMs, t);
    const name = `checkpoint-${this.latestTimeMs}`;
    const file = path.join(this.dir, name);
    if (this.bug === 'in-place-checkpoint-writes') {
      const bytes = frame(METADATA_KIND, metadata);
      writeSynced(file, bytes, () => this.crash.pass('checkpoint:mid-write', t), () => this.crash.pass('checkpoint:written', t));
      this.refs.set(name, Object.values(metadata.dataCheckpoints).flatMap((files) => files.map(([, f]) => f)));
      this.crash.pass('checkpoint:renamed', t);
      this.deleteOldMetadata(t);
      return name;
    }
    const temp = path.join(this.dir, 'temp');
    fs.rmSync(temp, { force: true });
    writeSynced(temp, frame(METADATA_KIND, metadata), () => this.crash.pass('checkpoint:mid-write', t), () => this.crash.pass('checkpoint:written', t));
    this.crash.pass('checkpoint:fsynced', t);
    if (fs.existsSync(file)) {
      fs.rmSync(`${file}.bk`, { force: true });
      fs.renameSync(file, `${file}.bk`);
      this.refs.set(`${name}.bk`, this.refs.get(name) ?? []);
      this.crash.pass('checkpoint:backup-renamed', t);
    }
    fs.renameSync(temp, file);
    this.refs.set(name, Object.values(metadata.dataCheckpoints).flatMap((files) => files.map(([, f]) => f)));
    this.crash.pass('checkpoint:renamed', t);
    fsyncDir(this.dir);
    this.crash.pass('checkpoint:dir-fsynced', t);
    this.deleteOldMetadata(t);
    return name;
  }

  private deleteOldMetadata(t: number): void {
    const all = listCheckpointFiles(this.dir);
    if (all.length > METADATA_FILES_KEPT) {
      for (const old of all.slice(0, all.length - METADATA_FILES_KEPT)) {
        fs.rmSync(path.join(this.dir, old.name), { force: true });
        this.refs.delete(old.name);
      }
      this.crash.pass('checkpoint:old-deleted', t);
    }
  }

  writeData(node: string, batchTimeMs: number, data: Value): string {
    const rel = dataFileName(node, batchTimeMs);
    const body = { node, batchTimeMs, data };
    validateData(body, node, batchTimeMs);
    const file = path.join(this.dataRoot, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (this.bug === 'in-place-checkpoint-writes') {
      writeSynced(file, frame(DATA_KIND, body), () => this.crash.pass('data-checkpoint:mid-write', batchTimeMs), () => this.crash.pass('data-checkpoint:written', batchTimeMs));
    } else {
      writeAtomic(file, frame(DATA_KIND, body), 'data-checkpoint', this.crash, batchTimeMs);
    }
    return rel;
  }

  /** Deletes data checkpoints that no retained metadata checkpoint refers to. */
  deleteUnreferencedData(batchTimeMs: number): void {
    const live = new Set([...this.refs.values()].flat());
    if (this.bug === 'spark-data-cleanup') {
      // Keep only what the newest metadata file refers to, and anything newer.
      const newest = listCheckpointFiles(this.dir).at(-1);
      const keep = newest === undefined ? [] : (this.refs.get(newest.name) ?? []);
      const oldest = Math.min(...keep.map((f) => Number(/rdd-(\d+)$/.exec(f)?.[1] ?? Infinity)));
      live.clear();
      for (const refs of this.refs.values()) for (const f of refs) if (Number(/rdd-(\d+)$/.exec(f)?.[1]) >= oldest) live.add(f);
    }
    const root = path.join(this.dataRoot, DATA_DIR);
    let deleted = false;
    for (const nodeDir of fs.readdirSync(root)) {
      for (const f of fs.readdirSync(path.join(root, nodeDir))) {
        const rel = `${DATA_DIR}/${nodeDir}/${f}`;
        if (f.startsWith('.') || live.has(rel)) continue;
        fs.rmSync(path.join(root, nodeDir, f), { force: true });
        deleted = true;
      }
    }
    if (deleted) this.crash.pass('cleanup:data-deleted', batchTimeMs);
  }

  /** Reads the newest usable metadata checkpoint, with its data; undefined if there is none at all.
   *  Unusable files are skipped (and reported); if every file is unusable, throws CheckpointError. */
  readLatest(): Recovered | undefined {
    const files = listCheckpointFiles(this.dir);
    if (files.length === 0) return undefined;
    const skipped: { file: string; reason: string }[] = [];
    let found: Recovered | undefined;
    for (const f of [...files].reverse()) {
      try {
        const metadata = validateMetadata(unframe(fs.readFileSync(path.join(this.dir, f.name)), METADATA_KIND));
        const data = new Map<string, Value>();
        const lenient = this.bug === 'trust-incomplete-checkpoint' || this.bug === 'state-in-scratch';
        for (const [node, refs] of Object.entries(metadata.dataCheckpoints)) {
          for (const [t, rel] of refs) {
            try {
              data.set(rel, this.readData(rel, node, t));
            } catch (error) {
              if (!lenient) throw error;
            }
          }
        }
        this.refs.set(f.name, [...data.keys()]);
        if (found === undefined) found = { metadata, file: f.name, data, skipped };
      } catch (error) {
        if (!(error instanceof CheckpointFormatError) && (error as NodeJS.ErrnoException).code === undefined) throw error;
        if (found === undefined) skipped.push({ file: f.name, reason: (error as Error).message });
        if (found === undefined && this.bug === 'no-checkpoint-fallback') break;
      }
    }
    if (found === undefined) {
      throw new CheckpointError(
        `checkpoint directory ${this.dir} holds ${files.length} checkpoint file(s) but none is usable: ` +
          skipped.map((s) => `${s.file}: ${s.reason}`).join('; '),
      );
    }
    this.latestTimeMs = 0;
    return found;
  }

  private readData(rel: string, node: string, batchTimeMs: number): Value {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(this.dataRoot, rel));
    } catch (error) {
      throw new CheckpointFormatError(`data checkpoint ${rel} is missing (${(error as NodeJS.ErrnoException).code})`);
    }
    try {
      return validateData(unframe(bytes, DATA_KIND), node, batchTimeMs).data as Value;
    } catch (error) {
      throw new CheckpointFormatError(`data checkpoint ${rel}: ${(error as Error).message}`);
    }
  }
}
