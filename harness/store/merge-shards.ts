// `streamcheck merge`: joins the databases of the shards of one suite (`run --shard i/n` on n
// machines, same seed and options) into one database holding one suite, as if one machine had run
// every case. Shards of different suites are refused: another seed, SUT manifest, scenario list,
// case count, level or bounds, a shard missing, twice, or unfinished. Every table is copied with its
// ids moved past the rows already merged, and every REFERENCES column moved with the table it names
// (read from the schema, so a table added later is merged without changes here).

import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { Store, StoreError } from './store.js';
import type { Shard } from '../run/shard.js';

/** Options that must agree between shards; the rest (workers, time budget, where the manifest lay) may differ per machine. */
const SAME_OPTIONS = ['scenarios', 'cases', 'level', 'bounds', 'shrink', 'shrinkBudgetMs', 'serve', 'stopAtFirstFailure'] as const;

export class MergeError extends Error {
  override name = 'MergeError';
}

interface ShardSuite {
  file: string;
  id: number;
  seed: number;
  sutName: string;
  manifestJson: string;
  options: Record<string, unknown>;
  startedAt: string;
  finishedAt: string | null;
  shard: Shard;
}

function readShard(file: string): ShardSuite {
  if (!fs.existsSync(file)) throw new MergeError(`no database ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new MergeError(`${file}: not a SQLite database (${(error as Error).message})`);
  }
  try {
    const rows = db.prepare('SELECT id, seed, sut_name, manifest_json, options_json, started_at, finished_at FROM suites').all() as { id: number; seed: number; sut_name: string; manifest_json: string; options_json: string; started_at: string; finished_at: string | null }[];
    if (rows.length !== 1) throw new MergeError(`${file}: expected the one suite of a shard, received ${rows.length} suites`);
    const r = rows[0]!;
    const options = JSON.parse(r.options_json) as Record<string, unknown>;
    const shard = options['shard'] as Shard | undefined;
    if (shard === undefined) throw new MergeError(`${file}: suite ${r.id} was not run with --shard`);
    return { file, id: r.id, seed: r.seed, sutName: r.sut_name, manifestJson: r.manifest_json, options, startedAt: r.started_at, finishedAt: r.finished_at, shard };
  } catch (error) {
    if (error instanceof MergeError) throw error;
    throw new MergeError(`${file}: not a streamcheck database (${(error as Error).message})`);
  } finally {
    db.close();
  }
}

/** Refuses shards that are not the n parts of one suite, naming the first difference. */
function checkShards(shards: ShardSuite[]): void {
  const [first] = shards;
  if (first === undefined) throw new MergeError('no shard databases given');
  for (const s of shards.slice(1)) {
    const differ = (what: string, a: unknown, b: unknown) => new MergeError(`${s.file} is not a shard of the suite in ${first.file}: ${what} ${b} against ${a}`);
    if (s.seed !== first.seed) throw differ('seed', first.seed, s.seed);
    if (s.shard.count !== first.shard.count) throw differ('shard count', first.shard.count, s.shard.count);
    if (s.manifestJson !== first.manifestJson) throw differ('SUT manifest', first.sutName, `${s.sutName} (another manifest)`);
    for (const k of SAME_OPTIONS) {
      if (JSON.stringify(s.options[k]) !== JSON.stringify(first.options[k])) throw differ(`option ${k}`, JSON.stringify(first.options[k]), JSON.stringify(s.options[k]));
    }
  }
  const seen = new Map<number, string>();
  for (const s of shards) {
    const twice = seen.get(s.shard.index);
    if (twice !== undefined) throw new MergeError(`shard ${s.shard.index}/${s.shard.count} given twice: ${twice} and ${s.file}`);
    seen.set(s.shard.index, s.file);
    if (s.finishedAt === null) throw new MergeError(`${s.file}: shard ${s.shard.index}/${s.shard.count} did not finish (continue it with run --resume)`);
  }
  const missing = Array.from({ length: first.shard.count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new MergeError(`shards ${missing.map((i) => `${i}/${first.shard.count}`).join(', ')} missing: a merged suite has every shard`);
}

interface TableShape {
  name: string;
  columns: string[];
  hasId: boolean;
  /** Column -> the table it references. */
  references: Map<string, string>;
}

/** Tables in an order where every table comes after those it references. */
function tableShapes(db: Database.Database): TableShape[] {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
  const shapes = names.map((name): TableShape => {
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all(name) as { name: string }[]).map((c) => c.name);
    const fks = db.prepare('SELECT "from", "table" FROM pragma_foreign_key_list(?)').all(name) as { from: string; table: string }[];
    return { name, columns, hasId: columns.includes('id'), references: new Map(fks.map((f) => [f.from, f.table])) };
  });
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  while (ordered.length < shapes.length) {
    const ready = shapes.filter((s) => !placed.has(s.name) && [...s.references.values()].every((t) => t === s.name || placed.has(t) || !names.includes(t)));
    if (ready.length === 0) throw new StoreError(`tables reference each other in a cycle: ${shapes.filter((s) => !placed.has(s.name)).map((s) => s.name).join(', ')}`);
    for (const s of ready) {
      ordered.push(s);
      placed.add(s.name);
    }
  }
  return ordered;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface MergeResult {
  suiteId: number;
  shards: number;
  cases: number;
}

/** Writes the merged suite to a new database `target` (refused if it exists). */
export function mergeShards(files: string[], target: string): MergeResult {
  if (fs.existsSync(target)) throw new MergeError(`--db: ${target} exists; merge writes a new database`);
  const shards = files.map(readShard).sort((a, b) => a.shard.index - b.shard.index);
  checkShards(shards);
  const first = shards[0]!;
  Store.open(target).close();
  const db = new Database(target);
  let merged = false;
  try {
    db.pragma('foreign_keys = OFF');
    const tables = tableShapes(db).filter((t) => t.name !== 'suites');
    const { shard: _shard, ...options } = first.options;
    const startedAt = shards.map((s) => s.startedAt).sort()[0]!;
    const finishedAt = shards.map((s) => s.finishedAt!).sort().at(-1)!;
    const suiteId = Number(
      db.prepare('INSERT INTO suites (started_at, finished_at, seed, sut_name, manifest_json, options_json) VALUES (?, ?, ?, ?, ?, ?)')
        .run(startedAt, finishedAt, first.seed, first.sutName, first.manifestJson, JSON.stringify(options)).lastInsertRowid,
    );
    for (const s of shards) {
      db.prepare('ATTACH DATABASE ? AS shard').run(s.file);
      try {
        db.transaction(() => {
          const offsets = new Map<string, number>();
          for (const t of tables) if (t.hasId) offsets.set(t.name, (db.prepare(`SELECT COALESCE(MAX(id), 0) AS m FROM main.${quote(t.name)}`).get() as { m: number }).m);
          for (const t of tables) {
            const present = new Set((db.prepare('SELECT name FROM shard.pragma_table_info(?)').all(t.name) as { name: string }[]).map((c) => c.name));
            if (present.size === 0) continue;
            const columns = t.columns.filter((c) => present.has(c));
            const values = columns.map((c) => {
              const q = quote(c);
              if (c === 'id' && t.hasId) return `${q} + ${offsets.get(t.name)!}`;
              const target = t.references.get(c);
              if (target === 'suites') return `CASE WHEN ${q} IS NULL THEN NULL ELSE ${suiteId} END`;
              if (target !== undefined && offsets.has(target)) return `${q} + ${offsets.get(target)!}`;
              return q;
            });
            // A table of one row per suite (keyed by its suite, no id of its own: fingerprints,
            // leases) keeps the first shard's row: the shards were checked to be one suite.
            const perSuite = !t.hasId && [...t.references.values()].includes('suites');
            db.exec(`INSERT ${perSuite ? 'OR IGNORE ' : ''}INTO main.${quote(t.name)} (${columns.map(quote).join(', ')}) SELECT ${values.join(', ')} FROM shard.${quote(t.name)}`);
          }
        })();
      } finally {
        db.prepare('DETACH DATABASE shard').run();
      }
    }
    const problems = db.pragma('foreign_key_check') as unknown[];
    if (problems.length > 0) throw new StoreError(`merged database ${target} has ${problems.length} rows whose reference points nowhere`);
    const cases = (db.prepare("SELECT COUNT(*) AS n FROM cases WHERE suite_id = ? AND role = 'case'").get(suiteId) as { n: number }).n;
    merged = true;
    return { suiteId, shards: shards.length, cases };
  } finally {
    db.close();
    // A merge that failed halfway leaves no database that looks like a suite.
    if (!merged) for (const f of [target, `${target}-wal`, `${target}-shm`]) fs.rmSync(f, { force: true });
  }
}
