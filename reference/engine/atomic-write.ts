// Writes a file so that a crash at any moment leaves either the old file or the new one: write a
// temporary file, fsync it, rename it into place, fsync the directory. Crash points sit between the
// steps (and in the middle of the write, leaving a torn temporary file) so every intermediate state
// of the directory can be produced on purpose.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CrashPoints } from './crash-points.js';

export type AtomicWriteKind = 'output' | 'data-checkpoint';

/** The self-test's durability bugs (bugs.ts), set per run by makeEngine: which fsyncs to leave out.
 *  Module state because every write of a run goes through these functions; a serving engine sets it
 *  again at the start of each run. */
export type DurabilityBug = 'rename-without-fsync' | 'no-directory-fsync' | null;
let durabilityBug: DurabilityBug = null;

export function setDurabilityBug(bug: DurabilityBug): void {
  durabilityBug = bug;
}

export function fsyncDir(dir: string): void {
  if (durabilityBug === 'no-directory-fsync') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes bytes to `temp`, passing `<kind>:mid-write` half way, then fsyncs and passes `<kind>:written`
 *  / `<kind>:fsynced` (names given by the caller through `points`). */
export function writeSynced(temp: string, bytes: Uint8Array, onMidWrite: () => void, onWritten: () => void): void {
  const fd = fs.openSync(temp, 'w');
  try {
    const half = bytes.length >>> 1;
    fs.writeSync(fd, bytes, 0, half);
    onMidWrite();
    fs.writeSync(fd, bytes, half, bytes.length - half);
    onWritten();
    if (durabilityBug !== 'rename-without-fsync') fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes `dir` and any missing parents, fsyncing the parent of each directory made: a new directory's
 *  entry is durable only once its parent is synced, and power loss takes an unsynced one with
 *  everything inside it (found by streamcheck's own durability lint). */
export function mkdirDurable(dir: string): void {
  const first = fs.mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = path.dirname(d)) {
    fsyncDir(path.dirname(d));
    if (d === first || path.dirname(d) === d) break;
  }
}

/** Writes `<dir>/<name>` atomically through the temporary file `<dir>/.<name>.tmp`. `dir` is taken
 *  as given (joined with the separator, not normalized again): callers pass a normalized one. */
export function writeAtomic(dir: string, name: string, bytes: Uint8Array, kind: AtomicWriteKind, crash: CrashPoints, batchTimeMs: number): void {
  const temp = `${dir}${path.sep}.${name}.tmp`;
  writeSynced(
    temp,
    bytes,
    () => crash.pass(`${kind}:mid-write`, batchTimeMs),
    () => crash.pass(`${kind}:written`, batchTimeMs),
  );
  crash.pass(`${kind}:fsynced`, batchTimeMs);
  fs.renameSync(temp, `${dir}${path.sep}${name}`);
  fsyncDir(dir);
  crash.pass(`${kind}:renamed`, batchTimeMs);
}
