// Reads the watched directories into the labelled form traces use (the durable base of a traced
// start), and writes a crash state's image back into them before the next start. Bounded: a tree
// larger than imageBytesMax or imageEntriesMax is refused with a reason, never read whole.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileTrace } from './file-op.js';
import type { FsImage } from './crash-state.js';
import type { WatchedRoot } from './parse-strace.js';

export const IMAGE_BYTES_MAX = 256 * 1024 * 1024;
export const IMAGE_ENTRIES_MAX = 100_000;

/** The roots' current contents, inodes numbered from 1, or a reason it could not be read. */
export function readTree(roots: readonly WatchedRoot[]): FileTrace['initial'] | { error: string } {
  const dirs: { path: string; ino: number }[] = [];
  const files: { path: string; ino: number; data: Buffer }[] = [];
  let ino = 1;
  let bytes = 0;
  const walk = (abs: string, labelled: string): string | null => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (dirs.length + files.length >= IMAGE_ENTRIES_MAX) return `more than imageEntriesMax ${IMAGE_ENTRIES_MAX} entries`;
      const a = path.join(abs, e.name);
      const l = `${labelled}/${e.name}`;
      if (e.isDirectory()) {
        dirs.push({ path: l, ino: ino++ });
        const err = walk(a, l);
        if (err !== null) return err;
      } else if (e.isFile()) {
        const size = fs.statSync(a).size;
        bytes += size;
        if (bytes > IMAGE_BYTES_MAX) return `more than imageBytesMax ${IMAGE_BYTES_MAX} bytes`;
        files.push({ path: l, ino: ino++, data: fs.readFileSync(a) });
      }
    }
    return null;
  };
  for (const r of roots) {
    if (!fs.existsSync(r.dir)) continue;
    const err = walk(r.dir, r.label);
    if (err !== null) return { error: err };
  }
  return { dirs, files };
}

/** Empties each root and writes the image's directories and files into it. */
export function writeImage(image: FsImage, roots: readonly WatchedRoot[]): void {
  const dirOf = new Map(roots.map((r) => [r.label, r.dir]));
  const abs = (labelled: string): string => {
    const slash = labelled.indexOf('/');
    const root = dirOf.get(slash < 0 ? labelled : labelled.slice(0, slash));
    if (root === undefined) throw new Error(`crash state names ${labelled}, outside the roots ${[...dirOf.keys()].join(', ')}`);
    return slash < 0 ? root : path.join(root, labelled.slice(slash + 1));
  };
  for (const r of roots) {
    fs.rmSync(r.dir, { recursive: true, force: true });
    fs.mkdirSync(r.dir, { recursive: true });
  }
  for (const d of image.dirs) fs.mkdirSync(abs(d), { recursive: true });
  for (const [f, data] of image.files) fs.writeFileSync(abs(f), data);
}
