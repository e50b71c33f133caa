// The checkpoint directory ("reliable storage"): metadata checkpoints written as Spark's
// CheckpointWriter writes them (temp file, backup of an existing file of the same name as .bk, rename,
// keep the newest 10), data checkpoints one file per stream and batch time, and the reader that
// falls back past unusable files to older ones (Spark's CheckpointReader).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Value } from '../program/value.js';
import { writeAtomic, writeSynced, fsyncDir, mkdirDurable } from '../engine/atomic-write.js';
import type { CrashPoints } from '../engine/crash-points.js';
import { CheckpointFormatError, frame, unframe } from './framing.js';
import { DATA_KIND, METADATA_KIND, validateData, validateMetadata, type Metadata } from './metadata.js';
import type { BugName } from '../engine/bugs.js';

/** Spark keeps the newest 10 checkpoint files, .bk files included (Checkpoint.scala). */
export const METADATA_FILES_KEPT = 10;
const FILE_PATTERN = /^checkpoint-(\d+)(\.bk)?$/;
const DATA_DIR = 'data';
/** A metadata checkpoint being written (Spark's temp file). */
const TEMP_FILE = 'temp';

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

/** A directory's entries: name -> whether it is a regular file. */
type Entries = Map<string, boolean>;

function listEntries(dir: string): Entries {
  const entries: Entries = new Map();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) entries.set(entry.name, entry.isFile());
  return entries;
}

/** The checkpoint files among a directory's entries, oldest first; for one time the .bk sorts before
 *  the plain file (Spark's order). */
function checkpointFilesOf(entries: Entries): CheckpointFile[] {
  const files: CheckpointFile[] = [];
  for (const [name, isFile] of entries) {
    const m = FILE_PATTERN.exec(name);
    if (m === null || !isFile) continue;
    files.push({ name, timeMs: Number(m[1]), backup: m[2] !== undefined });
  }
  return files.sort((a, b) => a.timeMs - b.timeMs || Number(b.backup) - Number(a.backup));
}

/** Checkpoint files oldest first; for one time the .bk sorts before the plain file (Spark's order). */
export function listCheckpointFiles(dir: string): CheckpointFile[] {
  if (!fs.existsSync(dir)) return [];
  return checkpointFilesOf(listEntries(dir));
}

/** Deletes a file the store knows of: a regular file with one unlink (gone already is fine, as with
 *  rmSync's force); anything else through rmSync, which refuses a directory. */
function removeEntry(file: string, isFile: boolean): void {
  if (!isFile) {
    fs.rmSync(file, { force: true });
    return;
  }
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export function dataFileName(node: string, batchTimeMs: number): string {
  return `${DATA_DIR}/${encodeURIComponent(node)}/rdd-${batchTimeMs}`;
}

/** The data files a metadata checkpoint refers to. */
function dataFilesOf(metadata: Metadata): string[] {
  const files: string[] = [];
  for (const refs of Object.values(metadata.dataCheckpoints)) for (const [, f] of refs) files.push(f);
  return files;
}

export class FileCheckpointStore {
  /** Spark's latestCheckpointTime (SPARK-11267): files are named after the newest time written. */
  private latestTimeMs = 0;
  /** Data files each retained metadata file refers to, for deleting the unreferenced ones. */
  private readonly refs = new Map<string, string[]>();

  /** Where data checkpoints live: the checkpoint directory, except under the state-in-scratch bug. */
  private readonly dataRoot: string;
  /** The checkpoint directory, normalized, with a trailing separator: file paths are this + name. */
  private readonly dirPrefix: string;

  /** The checkpoint directory's entries, listed when first needed and from then on kept up to date
   *  by this store's own writes, renames and deletes. A run owns its checkpoint directory (faults
   *  touch it only between runs), so this is what listing it again would find: Spark lists it after
   *  every write, to keep the newest 10 files; we keep the same 10 without the syscalls. */
  private dirEntries: Entries | undefined;
  /** The files under <data root>/data, by relative path ("data/<node>/<file>"), listed at the first
   *  cleanup and then kept up to date the same way; temporary files (".rdd-<t>.tmp") are left out,
   *  as the cleanup never deletes them. */
  private dataEntries: Map<string, boolean> | undefined;
  /** Each node's data directory, made once per run. */
  private readonly nodeDirs = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly crash: CrashPoints,
    private readonly bug?: BugName,
    scratchDir?: string,
  ) {
    this.dataRoot = bug === 'state-in-scratch' && scratchDir !== undefined ? scratchDir : dir;
    this.dirPrefix = path.join(dir, path.sep);
    mkdirDurable(path.join(dir, DATA_DIR));
    if (this.dataRoot !== dir) mkdirDurable(path.join(this.dataRoot, DATA_DIR));
  }

  /** The directory of a node's data checkpoints (dirname of dataFileName), made on first use. */
  private nodeDir(node: string): string {
    let dir = this.nodeDirs.get(node);
    if (dir === undefined) {
      dir = path.join(this.dataRoot, DATA_DIR, encodeURIComponent(node));
      mkdirDurable(dir);
      this.nodeDirs.set(node, dir);
    }
    return dir;
  }

  private entries(): Entries {
    this.dirEntries ??= listEntries(this.dir);
    return this.dirEntries;
  }

  dataFileName(node: string, batchTimeMs: number): string {
    return dataFileName(node, batchTimeMs);
  }

  hasCheckpointFiles(): boolean {
    return checkpointFilesOf(this.entries()).length > 0;
  }

  writeMetadata(metadata: Metadata): string {
    validateMetadata(metadata);
    const t = metadata.checkpointTimeMs;
    this.latestTimeMs = Math.max(this.latestTimeMs, t);
    const name = `checkpoint-${this.latestTimeMs}`;
    const file = `${this.dirPrefix}${name}`;
    const entries = this.entries();
    if (this.bug === 'in-place-checkpoint-writes') {
      const bytes = frame(METADATA_KIND, metadata);
      writeSynced(file, bytes, () => this.crash.pass('checkpoint:mid-write', t), () => this.crash.pass('checkpoint:written', t));
      entries.set(name, true);
      this.refs.set(name, dataFilesOf(metadata));
      this.crash.pass('checkpoint:renamed', t);
      this.deleteOldMetadata(t);
      return name;
    }
    const temp = `${this.dirPrefix}${TEMP_FILE}`;
    const tempIsFile = entries.get(TEMP_FILE);
    if (tempIsFile !== undefined) {
      removeEntry(temp, tempIsFile);
      entries.delete(TEMP_FILE);
    }
    writeSynced(temp, frame(METADATA_KIND, metadata), () => this.crash.pass('checkpoint:mid-write', t), () => this.crash.pass('checkpoint:written', t));
    entries.set(TEMP_FILE, true);
    this.crash.pass('checkpoint:fsynced', t);
    const existing = entries.get(name);
    if (existing !== undefined) {
      const backup = `${name}.bk`;
      const backupIsFile = entries.get(backup);
      if (backupIsFile !== undefined) removeEntry(`${file}.bk`, backupIsFile);
      fs.renameSync(file, `${file}.bk`);
      entries.set(backup, existing);
      entries.delete(name);
      this.refs.set(backup, this.refs.get(name) ?? []);
      this.crash.pass('checkpoint:backup-renamed', t);
    }
    fs.renameSync(temp, file);
    entries.delete(TEMP_FILE);
    entries.set(name, true);
    this.refs.set(name, dataFilesOf(metadata));
    this.crash.pass('checkpoint:renamed', t);
    fsyncDir(this.dir);
    this.crash.pass('checkpoint:dir-fsynced', t);
    this.deleteOldMetadata(t);
    return name;
  }

  private deleteOldMetadata(t: number): void {
    const entries = this.entries();
    const all = checkpointFilesOf(entries);
    if (all.length > METADATA_FILES_KEPT) {
      for (const old of all.slice(0, all.length - METADATA_FILES_KEPT)) {
        removeEntry(`${this.dirPrefix}${old.name}`, true);
        entries.delete(old.name);
        this.refs.delete(old.name);
      }
      this.crash.pass('checkpoint:old-deleted', t);
    }
  }

  writeData(node: string, batchTimeMs: number, data: Value): string {
    const rel = dataFileName(node, batchTimeMs);
    const body = { node, batchTimeMs, data };
    validateData(body, node, batchTimeMs);
    const dir = this.nodeDir(node);
    const name = `rdd-${batchTimeMs}`;
    if (this.bug === 'in-place-checkpoint-writes') {
      writeSynced(`${dir}${path.sep}${name}`, frame(DATA_KIND, body), () => this.crash.pass('data-checkpoint:mid-write', batchTimeMs), () => this.crash.pass('data-checkpoint:written', batchTimeMs));
    } else {
      writeAtomic(dir, name, frame(DATA_KIND, body), 'data-checkpoint', this.crash, batchTimeMs);
    }
    this.dataEntries?.set(rel, true);
    return rel;
  }

  /** The data directory's files, as a cleanup finds them: every node directory, every file but the
   *  temporary ones. */
  private listDataEntries(): Map<string, boolean> {
    const root = path.join(this.dataRoot, DATA_DIR);
    const found = new Map<string, boolean>();
    for (const nodeDir of fs.readdirSync(root)) {
      for (const f of fs.readdirSync(path.join(root, nodeDir), { withFileTypes: true })) {
        if (!f.name.startsWith('.')) found.set(`${DATA_DIR}/${nodeDir}/${f.name}`, f.isFile());
      }
    }
    return found;
  }

  /** Deletes data checkpoints that no retained metadata checkpoint refers to. */
  deleteUnreferencedData(batchTimeMs: number): void {
    const live = new Set<string>();
    for (const refs of this.refs.values()) for (const f of refs) live.add(f);
    if (this.bug === 'spark-data-cleanup') {
      // Keep only what the newest metadata file refers to, and anything newer.
      const newest = checkpointFilesOf(this.entries()).at(-1);
      const keep = newest === undefined ? [] : (this.refs.get(newest.name) ?? []);
      const oldest = Math.min(...keep.map((f) => Number(/rdd-(\d+)$/.exec(f)?.[1] ?? Infinity)));
      live.clear();
      for (const refs of this.refs.values()) for (const f of refs) if (Number(/rdd-(\d+)$/.exec(f)?.[1]) >= oldest) live.add(f);
    }
    this.dataEntries ??= this.listDataEntries();
    let deleted = false;
    for (const [rel, isFile] of this.dataEntries) {
      if (live.has(rel)) continue;
      removeEntry(path.join(this.dataRoot, rel), isFile);
      this.dataEntries.delete(rel);
      deleted = true;
    }
    if (deleted) this.crash.pass('cleanup:data-deleted', batchTimeMs);
  }

  /** Reads the newest usable metadata checkpoint, with its data; undefined if there is none at all.
   *  Unusable files are skipped (and reported); if every file is unusable, throws CheckpointError. */
  readLatest(): Recovered | undefined {
    const files = checkpointFilesOf(this.entries());
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
