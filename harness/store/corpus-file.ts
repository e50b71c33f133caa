// The regression corpus (what Hypothesis's example database is): every failing case a suite found,
// kept as the facts that replay it — SUT name and manifest hash, scenario, seed, path, level and
// where its timed kills landed — so the next `run` against that SUT replays them first. It lives in
// one JSON file under the results folder (results/corpus.json) across runs, and in each suite's
// database (table corpus); `streamcheck corpus export/import` moves it to and from a file a user
// commits. A file is validated with zod on every read; a bad one is an operator mistake naming the field.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseKillAtEvents } from '../case/replay-line.js';

export const CORPUS_FORMAT = 'streamcheck-corpus';
export const CORPUS_VERSION = 1;
/** A corpus keeps at most this many entries (the oldest go first); a run replays at most this many per SUT. */
export const CORPUS_ENTRIES_MAX = 1000;

export const corpusEntrySchema = z.strictObject({
  sut: z.string().min(1),
  manifestHash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex'),
  scenario: z.string().min(1),
  seed: z.number().int().nonnegative(),
  path: z.string().regex(/^\d+(:\d+)*$/, 'expected a fast-check path like 0:1:3'),
  level: z.enum(['L1', 'L2', 'L3', 'L4', 'L5']),
  killAtEvents: z.string().refine((s) => {
    try {
      parseKillAtEvents(s);
      return true;
    } catch {
      return false;
    }
  }, 'expected start:event-line pairs like 1:5,3:-'),
  anomaly: z.string().nullable(),
  addedAt: z.string().min(1),
});
export type CorpusEntry = z.infer<typeof corpusEntrySchema>;

export const corpusFileSchema = z.strictObject({
  format: z.literal(CORPUS_FORMAT),
  version: z.literal(CORPUS_VERSION),
  entries: z.array(corpusEntrySchema).max(CORPUS_ENTRIES_MAX),
});

export class CorpusError extends Error {
  override name = 'CorpusError';
}

/** The sha256 of a manifest's JSON with sorted keys: which manifest a failure was found with. */
export function manifestHash(manifest: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(sorted(manifest))).digest('hex');
}

/** Identity of an entry: the same case of the same SUT is kept once, with the kill points it was first
 *  found with (a later run of that case kills elsewhere: not a new failure to keep). */
export const corpusKey = (e: CorpusEntry): string => JSON.stringify([e.sut, e.scenario, e.seed, e.path, e.level]);

/** Reads and validates a corpus file; a missing file is an empty corpus when `missingOk`. */
export function readCorpusFile(file: string, missingOk: boolean): CorpusEntry[] {
  if (!fs.existsSync(file)) {
    if (missingOk) return [];
    throw new CorpusError(`${file}: no such corpus file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CorpusError(`${file}: not JSON (${(error as Error).message})`);
  }
  const r = corpusFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CorpusError(`${file}: field ${issue.path.length === 0 ? '(top level)' : issue.path.join('.')}: ${issue.message}`);
  }
  return r.data.entries;
}

/** Entries of `b` not already in `a`, appended; the newest CORPUS_ENTRIES_MAX kept. */
export function mergeCorpus(a: readonly CorpusEntry[], b: readonly CorpusEntry[]): { entries: CorpusEntry[]; added: number } {
  const keys = new Set(a.map(corpusKey));
  const fresh = b.filter((e) => {
    const k = corpusKey(e);
    if (keys.has(k)) return false;
    keys.add(k);
    return true;
  });
  return { entries: [...a, ...fresh].slice(-CORPUS_ENTRIES_MAX), added: fresh.length };
}

/** Writes the corpus file whole (temporary file, then rename), sorted the same way every time. */
export function writeCorpusFile(file: string, entries: readonly CorpusEntry[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ format: CORPUS_FORMAT, version: CORPUS_VERSION, entries }, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
