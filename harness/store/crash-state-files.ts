// The crash states a failing case's timed kills left, kept as one gzipped JSON file each, named by
// digest, in the folder the suite names (crash-states/ at the root of the results folder, shared by its
// runs, or <db>-crash-states beside a --db database): `streamcheck replay --crash-states`
// puts the exact state back when none of its own tries reproduces it (run-until-done.ts). Content-
// addressed, so a state two cases share is written once. A state file is operator input when read
// back: bounded, validated, and its contents must hash to the digest it is named by.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { z } from 'zod';
import type { StateEntry } from '../run/crash-state-digest.js';

/** Bytes a stored state file may have on disk (gzipped), and once unzipped. */
export const CRASH_STATE_FILE_MAX_BYTES = 32 * 1024 * 1024;
export const CRASH_STATE_UNZIPPED_MAX_BYTES = 128 * 1024 * 1024;

const FORMAT = 'streamcheck-crash-state';

const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  digest: z.string().regex(/^[0-9a-f]{4,64}$/),
  entries: z.array(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('dir'), path: z.string().min(1) }),
      z.object({ type: z.literal('file'), path: z.string().min(1), base64: z.string(), mtimeMs: z.number().nonnegative() }),
      z.object({ type: z.literal('symlink'), path: z.string().min(1), target: z.string() }),
    ]),
  ),
});

const fileOf = (dir: string, digest: string): string => path.join(dir, `${digest}.json.gz`);

/** Writes the state unless a file of that digest is already there. */
export function writeCrashStateFile(dir: string, digest: string, entries: readonly StateEntry[]): void {
  const file = fileOf(dir, digest);
  if (fs.existsSync(file)) return;
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify({
    format: FORMAT,
    version: 1,
    digest,
    entries: entries.map((e) => {
      switch (e.type) {
        case 'dir':
          return { type: e.type, path: e.path };
        case 'file':
          return { type: e.type, path: e.path, base64: e.data.toString('base64'), mtimeMs: e.mtimeMs };
        case 'symlink':
          return { type: e.type, path: e.path, target: e.target };
        default: {
          const never: never = e;
          throw new Error(`unknown crash state entry ${JSON.stringify(never)}`);
        }
      }
    }),
  });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, zlib.gzipSync(json));
  fs.renameSync(tmp, file);
}

/** The stored state of that digest, or why there is none to use. */
export function readCrashStateFile(dir: string, digest: string): { type: 'found'; entries: StateEntry[] } | { type: 'missing' | 'unusable'; reason: string } {
  const file = fileOf(dir, digest);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return { type: 'missing', reason: `no stored crash state ${file}` };
  }
  if (size > CRASH_STATE_FILE_MAX_BYTES) return { type: 'unusable', reason: `${file} is ${size} bytes, more than crashStateFileMaxBytes ${CRASH_STATE_FILE_MAX_BYTES}` };
  try {
    const json = zlib.gunzipSync(fs.readFileSync(file), { maxOutputLength: CRASH_STATE_UNZIPPED_MAX_BYTES }).toString('utf8');
    const parsed = fileSchema.safeParse(JSON.parse(json));
    if (!parsed.success) return { type: 'unusable', reason: `${file}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    if (parsed.data.digest !== digest) return { type: 'unusable', reason: `${file} holds state ${parsed.data.digest}, not ${digest}` };
    return {
      type: 'found',
      entries: parsed.data.entries.map((e): StateEntry => (e.type === 'file' ? { type: 'file', path: e.path, data: Buffer.from(e.base64, 'base64'), mtimeMs: e.mtimeMs } : e)),
    };
  } catch (error) {
    return { type: 'unusable', reason: `${file}: ${(error as Error).message}` };
  }
}
