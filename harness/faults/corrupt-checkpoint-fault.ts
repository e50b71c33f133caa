// A storage fault between two starts: the newest metadata checkpoint file (by modification time,
// among the files the manifest names: a regular expression over names directly in the checkpoint
// directory, or globs relative to it at any depth) is truncated to half its size or has one bit
// flipped. Only injected when another metadata checkpoint file exists, so a SUT that falls back to
// an older checkpoint, as Spark's CheckpointReader does, can always recover.
//
// File systems stamp modification times from a coarse clock (a few ms a tick here), so files written
// within one tick tie and "newest" is then decided by name: which file that is depends on timing. The
// file struck is therefore recorded, and a replay strikes the recorded file (`--corrupt-files`).

import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { Manifest } from '../protocol/manifest.js';

export type CorruptHow = 'truncate' | 'bitflip';

export interface CorruptResult {
  injected: boolean;
  file: string | null;
  detail: string;
}

/** Files looked at below the checkpoint directory at most, and how deep. */
export const CHECKPOINT_WALK_FILES_MAX = 100_000;
export const CHECKPOINT_WALK_DEPTH_MAX = 16;

type Selector = NonNullable<Manifest['storageFaults']>;

/** Metadata checkpoint files below `checkpointDir` (paths relative to it, '/'-separated). */
export function metadataFiles(checkpointDir: string, selector: Selector): string[] {
  if (!fs.existsSync(checkpointDir)) return [];
  const re = selector.metadataFilePattern === undefined ? null : new RegExp(selector.metadataFilePattern);
  const globs = selector.metadataFiles === undefined ? null : picomatch(selector.metadataFiles, { dot: true });
  const out: string[] = [];
  let seen = 0;
  const walk = (dir: string, rel: string, depth: number): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (++seen > CHECKPOINT_WALK_FILES_MAX) return;
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (globs !== null && depth < CHECKPOINT_WALK_DEPTH_MAX) walk(path.join(dir, e.name), r, depth + 1);
      } else if (e.isFile() && ((re !== null && rel === '' && re.test(e.name)) || (globs !== null && globs(r)))) {
        out.push(r);
      }
    }
  };
  walk(checkpointDir, '', 0);
  return out;
}

export function corruptNewestCheckpoint(checkpointDir: string, selector: Selector, how: CorruptHow, fraction: number, recorded?: string): CorruptResult {
  const files = metadataFiles(checkpointDir, selector)
    .map((name) => ({ name, stat: fs.statSync(path.join(checkpointDir, name)) }))
    .filter((f) => f.stat.size > 0);
  if (files.length < 2) return { injected: false, file: null, detail: `${files.length} metadata checkpoint file(s): nothing older to fall back to` };
  files.sort((a, b) => a.stat.mtimeMs - b.stat.mtimeMs || (a.name < b.name ? -1 : 1));
  const named = recorded === undefined ? undefined : files.find((f) => f.name === recorded);
  const newest = named ?? files.at(-1)!;
  const which = recorded === undefined ? '' : named !== undefined ? ' (the recorded file)' : ` (the recorded file ${recorded} is not there, so the newest)`;
  const r = strike(checkpointDir, newest, how, fraction);
  return { ...r, detail: `${r.detail}${which}` };
}

function strike(checkpointDir: string, newest: { name: string; stat: fs.Stats }, how: CorruptHow, fraction: number): CorruptResult {
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
