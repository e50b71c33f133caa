// Where a suite's files go when no --db is given: ./streamcheck-results/<kind>-<time>/ under the
// directory the user ran the command in (or under --out), never inside the installed package. The
// folder is only named until the invocation has been checked (manifest, flags, level); claiming it
// creates it and points `latest` at it, so a mistake leaves nothing behind.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The results root when no --out is given, relative to the current directory. */
export const RESULTS_DIR_DEFAULT = 'streamcheck-results';

/** The database's file name in every results folder (run, conformance, selftest alike). */
export const DATABASE_FILE = 'streamcheck.sqlite';

export type ResultsKind = 'run' | 'conformance' | 'selftest';

export interface ResultsFolder {
  root: string;
  dir: string;
  dbFile: string;
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
}

/** Names (does not create) the folder of a new suite: <outDir>/<kind>-<time>/streamcheck.sqlite. */
export function resultsFolder(kind: ResultsKind, outDir: string | undefined, now = new Date()): ResultsFolder {
  const root = path.resolve(outDir ?? RESULTS_DIR_DEFAULT);
  let dir = path.join(root, `${kind}-${stamp(now)}`);
  // Two suites started in the same millisecond (a script, a CI matrix on one disk) get two folders.
  for (let n = 2; fs.existsSync(dir); n += 1) dir = path.join(root, `${kind}-${stamp(now)}-${n}`);
  return { root, dir, dbFile: path.join(dir, DATABASE_FILE) };
}

/** Creates the folder and points <root>/latest at it (replaced atomically: a reader never finds it missing). */
export function claimResultsFolder(f: ResultsFolder): void {
  fs.mkdirSync(f.dir, { recursive: true });
  const link = path.join(f.root, 'latest');
  const partial = `${link}.partial-${process.pid}`;
  try {
    fs.rmSync(partial, { force: true });
    fs.symlinkSync(path.basename(f.dir), partial, 'dir');
    fs.renameSync(partial, link);
  } catch {
    // A file system without symlinks (or a `latest` the user made a real folder) only loses the shortcut.
    fs.rmSync(partial, { force: true });
  }
}
