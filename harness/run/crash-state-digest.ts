// What a timed kill left on disk, as a short digest: how a replay knows that it reproduced the
// recorded crash state exactly and not merely came close. A SIGKILL keeps every byte that reached the
// page cache, so the state is the checkpoint, output and scratch directories' names, kinds and
// contents at the moment of the kill. A replay kills after the same event line and compares digests
// (replayed-kill-states.ts).
//
// When a case fails, the states its kills left are kept beside the database (crash-state-files.ts),
// so its replay can put the exact state back when no try of its own reproduces it.
//
// Bounded like every read of a SUT's files: past stateDigestEntriesMax entries or
// stateDigestBytesMax bytes the digest is not taken (with the reason), never read whole.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunDirs } from './run-dirs.js';

/** Files and directories a digest reads at most. */
export const STATE_DIGEST_ENTRIES_MAX = 20_000;
/** Bytes of file content a digest reads at most. */
export const STATE_DIGEST_BYTES_MAX = 64 * 1024 * 1024;
/** Hex characters of the digest kept (in the replay line: 48 bits tell states of one case apart). */
export const STATE_DIGEST_HEX_CHARS = 12;

/** The three directories a SIGKILL leaves as they were, labelled so a file cannot move between them unseen. */
function rootsOf(dirs: RunDirs): [string, string][] {
  return [
    ['checkpoint', dirs.checkpointDir],
    ['output', dirs.outputDir],
    ['scratch', dirs.scratchDir],
  ];
}

/** One entry of a captured crash state, labelled by its directory ("checkpoint/…", "output/…", "scratch/…"). */
export type StateEntry = { path: string; type: 'dir' } | { path: string; type: 'file'; data: Buffer; mtimeMs: number } | { path: string; type: 'symlink'; target: string };

/** What a kill left: its digest, and its entries when they are at most keepBytesMax bytes (null past it). */
export type CapturedState = { type: 'digest'; digest: string; entries: StateEntry[] | null } | { type: 'not-taken'; reason: string };

/** The digest of the directories, and their entries (kept when their bytes are at most keepBytesMax). */
export function captureCrashState(dirs: RunDirs, keepBytesMax: number): CapturedState {
  const hash = createHash('sha256');
  const entries: StateEntry[] = [];
  let entryCount = 0;
  let bytes = 0;
  const walk = (abs: string, label: string): string | null => {
    // Sorted by name, so the digest does not depend on the order the directory lists its entries.
    const names = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of names) {
      entryCount += 1;
      if (entryCount > STATE_DIGEST_ENTRIES_MAX) return `more than stateDigestEntriesMax ${STATE_DIGEST_ENTRIES_MAX} entries`;
      const a = path.join(abs, e.name);
      const l = `${label}/${e.name}`;
      if (e.isDirectory()) {
        hash.update(`d ${JSON.stringify(l)}\n`);
        entries.push({ path: l, type: 'dir' });
        const err = walk(a, l);
        if (err !== null) return err;
      } else if (e.isFile()) {
        const st = fs.statSync(a);
        bytes += st.size;
        if (bytes > STATE_DIGEST_BYTES_MAX) return `more than stateDigestBytesMax ${STATE_DIGEST_BYTES_MAX} bytes`;
        const data = fs.readFileSync(a);
        hash.update(`f ${JSON.stringify(l)} ${data.length}\n`);
        hash.update(data);
        hash.update('\n');
        // The modification time is kept, not digested: it differs on every run, but which file is
        // newest decides what a corruption fault strikes (corrupt-checkpoint-fault.ts), so a state put
        // back keeps the recorded times.
        entries.push({ path: l, type: 'file', data, mtimeMs: st.mtimeMs });
      } else if (e.isSymbolicLink()) {
        const target = fs.readlinkSync(a);
        hash.update(`l ${JSON.stringify(l)} ${JSON.stringify(target)}\n`);
        entries.push({ path: l, type: 'symlink', target });
      } else {
        // A socket or fifo: named in the digest, not restorable.
        hash.update(`o ${JSON.stringify(l)}\n`);
      }
    }
    return null;
  };
  try {
    for (const [label, dir] of rootsOf(dirs)) {
      if (!fs.existsSync(dir)) continue;
      const err = walk(dir, label);
      if (err !== null) return { type: 'not-taken', reason: err };
    }
  } catch (error) {
    return { type: 'not-taken', reason: `could not read the directories: ${(error as Error).message}` };
  }
  return { type: 'digest', digest: hash.digest('hex').slice(0, STATE_DIGEST_HEX_CHARS), entries: bytes <= keepBytesMax ? entries : null };
}

/** Replaces the three directories' contents with a captured state's entries. */
export function restoreCrashState(dirs: RunDirs, entries: readonly StateEntry[]): void {
  const roots = new Map(rootsOf(dirs));
  for (const dir of roots.values()) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }
  for (const e of entries) {
    const slash = e.path.indexOf('/');
    const root = roots.get(e.path.slice(0, slash));
    const rel = path.normalize(e.path.slice(slash + 1));
    // A stored state is operator input: an entry outside the three directories is refused.
    if (root === undefined || rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`crash state entry ${JSON.stringify(e.path)} is outside the checkpoint, output and scratch directories`);
    const abs = path.join(root, rel);
    switch (e.type) {
      case 'dir':
        fs.mkdirSync(abs, { recursive: true });
        break;
      case 'file':
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, e.data);
        fs.utimesSync(abs, e.mtimeMs / 1000, e.mtimeMs / 1000);
        break;
      case 'symlink':
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.symlinkSync(e.target, abs);
        break;
      default: {
        const never: never = e;
        throw new Error(`unknown crash state entry ${JSON.stringify(never)}`);
      }
    }
  }
}
