// One SHA-256 over everything a run committed to its output directory (relative paths and bytes, in
// sorted order, temporary files left out as observeRun leaves them out): --check-determinism runs a
// failure-free run twice and compares these.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { isTemporary } from '../check/observed-run.js';

/** Files hashed at most (outputFilesHashedMax); a SUT that writes more gets a hash over the first ones. */
const OUTPUT_FILES_HASHED_MAX = 100_000;

export function outputHash(outputDir: string): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(outputDir, rel), { withFileTypes: true })) {
      if (isTemporary(entry.name) || files.length >= OUTPUT_FILES_HASHED_MAX) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.push(child);
    }
  };
  if (fs.existsSync(outputDir)) walk('');
  for (const f of files.sort()) {
    const bytes = fs.readFileSync(path.join(outputDir, f));
    hash.update(`${f}\u0000${bytes.length}\u0000`).update(bytes);
  }
  return hash.digest('hex');
}
