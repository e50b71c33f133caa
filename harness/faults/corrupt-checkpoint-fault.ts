// A storage fault between two starts: the newest metadata checkpoint file (by modification time,
// among the files the manifest's pattern names) is truncated to half its size or has one bit
// flipped. Only injected when another metadata checkpoint file exists, so a SUT that falls back to
// an older checkpoint, as Spark's CheckpointReader does, can always recover.

import * as fs from 'node:fs';
import * as path from 'node:path';

export type CorruptHow = 'truncate' | 'bitflip';

export interface CorruptResult {
  injected: boolean;
  file: string | null;
  detail: string;
}

export function corruptNewestCheckpoint(checkpointDir: string, pattern: string, how: CorruptHow, fraction: number): CorruptResult {
  const re = new RegExp(pattern);
  const files = fs.existsSync(checkpointDir)
    ? fs
        .readdirSync(checkpointDir, { withFileTypes: true })
        .filter((e) => e.isFile() && re.test(e.name))
        .map((e) => ({ name: e.name, stat: fs.statSync(path.join(checkpointDir, e.name)) }))
        .filter((f) => f.stat.size > 0)
    : [];
  if (files.length < 2) return { injected: false, file: null, detail: `${files.length} metadata checkpoint file(s): nothing older to fall back to` };
  files.sort((a, b) => a.stat.mtimeMs - b.stat.mtimeMs || (a.name < b.name ? -1 : 1));
  const newest = files.at(-1)!;
  const file = path.join(checkpointDir, newest.name);
  if (how === 'truncate') {
    fs.truncateSync(file, Math.floor(newest.stat.size / 2));
    return { injected: true, file: newest.name, detail: `truncated from ${newest.stat.size} to ${Math.floor(newest.stat.size / 2)} bytes` };
  }
  const bytes = fs.readFileSync(file);
  const at = Math.min(bytes.length - 1, Math.floor(fraction * bytes.length));
  const bit = Math.floor(fraction * 8 * bytes.length) % 8;
  bytes[at] = bytes[at]! ^ (1 << bit);
  fs.writeFileSync(file, bytes);
  return { injected: true, file: newest.name, detail: `flipped bit ${bit} of byte ${at} of ${bytes.length}` };
}
