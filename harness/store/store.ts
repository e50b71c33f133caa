// Writes a suite's history to SQLite (better-sqlite3, WAL) as it happens: one method per fact, each
// one statement, so a crash of the harness loses at most the fact being written.

import * as fs from 'node:fs';
import * as os from 'node:os';
import Database from 'better-sqlite3';
import type { ProcessExit } from '../process/process-exit.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { lintShape, type LintFinding } from '../check/durability-lint.js';
import { describeOp, isChange } from '../trace/file-op.js';
import type { TraceResult } from '../trace/read-trace.js';
import type { CorpusEntry } from './corpus-file.js';
import { processAlive } from '../process/process-group.js';

/** A stored trace keeps at most this many operations (their descriptions, not their data). */
export const TRACE_OPS_STORED_MAX = 5000;

export type RunKind = 'failure-free' | 'faulty';
/** skipped: the SUT declined the case's program (PROTOCOL.md §3, exit 4). */
export type VerdictName = 'pass' | 'fail' | 'unknown' | 'skipped';

export interface CaseRow {
  suiteId: number | null;
  caseIndex: number;
  scenario: string;
  seed: number;
  path: string;
  caseJson: unknown;
  faultPlanJson: unknown;
  workDir?: string | null;
  /** 'shrink' for a candidate tried while shrinking the case parentCaseId. */
  role?: 'case' | 'shrink';
  parentCaseId?: number | null;
}

export interface VerdictRow {
  verdict: VerdictName;
  anomaly: string | null;
  firstBatchMs: number | null;
  firstKey: string | null;
  message: string | null;
  detail: unknown;
}

export interface FaultRow {
  caseId: number;
  runId: number;
  attempt: number;
  kind: string;
  fault: unknown;
  injected: boolean;
  atMs: number | null;
}

/** One bug variant's line of a self-test (table selftest_results). */
export interface SelftestResultRow {
  selftestStartedAt: string;
  variant: string;
  suiteId: number | null;
  seed: number;
  scenarios: readonly string[];
  budgetMs: number;
  shrinkBudgetMs: number;
  caught: boolean;
  msToFirstFailure: number | null;
  casesRun: number;
  caseId: number | null;
  anomaly: string | null;
  message: string | null;
  failureLine: string | null;
  shrunk: { path: string; inputRecords: number; faults: number; replayLine: string; candidates: number; interrupted: boolean } | null;
}

export interface EventRow {
  runId: number;
  attempt: number;
  atMs: number;
  kind: 'event' | 'garbage';
  name: string | null;
  json: unknown;
}

/** A failure's re-runs (or a nondeterministic failure-free run), table case_outcomes. */
export interface CaseOutcomeRow {
  outcome: 'fail' | 'flaky' | 'nondeterministic';
  reruns: number;
  reproduced: number;
  detail: unknown;
}

/** Table shrink_progress: the smallest candidate seen failing so far. */
export interface ShrinkProgressRow {
  path: string;
  candidates: number;
  state: 'shrinking' | 'minimal' | 'budget-ended';
  verifiedPath: string | null;
}

/** Table suite_fingerprints: what --resume compares with the SUT it is given. */
export interface SuiteFingerprint {
  manifestSha256: string;
  commandJson: string;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

const now = (): string => new Date().toISOString();

const SQLITE_HEADER = 'SQLite format 3\0';

/** A non-empty file that is not SQLite at all is refused before better-sqlite3 touches it. */
function refuseForeignFile(file: string): void {
  if (file === ':memory:') return;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return; // a new file
  }
  try {
    const head = Buffer.alloc(16);
    const n = fs.readSync(fd, head, 0, 16, 0);
    if (n > 0 && head.toString('latin1', 0, n) !== SQLITE_HEADER.slice(0, n)) throw new StoreError(`${file}: not a SQLite database (its first bytes are not "SQLite format 3"); give --db a new file or a streamcheck database`);
  } finally {
    fs.closeSync(fd);
  }
}

export class Store {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(readonly db: Database.Database) {}

  /** The statement for this SQL text, compiled once: a case writes dozens of rows. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Opens (creating if needed) a database file, or ':memory:'; refuses a file that is not a streamcheck database
   *  before changing anything in it (another application's SQLite file keeps its tables and journal mode). */
  static open(file: string): Store {
    refuseForeignFile(file);
    let db: Database.Database;
    try {
      db = new Database(file);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
      if (tables.length > 0 && !tables.includes('suites')) {
        db.close();
        throw new StoreError(`${file}: not a streamcheck database (it has tables ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); give --db a new file or a streamcheck database`);
      }
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`${file}: cannot open as a database: ${(error as Error).message}`, { cause: error });
    }
    db.pragma('journal_mode = WAL');
    // WAL with synchronous NORMAL: a commit is in the WAL file (and so survives the harness being
    // killed) without an fsync per row; only a power loss or kernel crash can lose the newest rows.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION) {
      db.close();
      throw new StoreError(`${file}: expected a streamcheck database of schema version ${SCHEMA_VERSION}, received version ${version}`);
    }
    db.exec(SCHEMA_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return new Store(db);
  }

  close(): void {
    this.db.close();
  }

  recordOutsideWrites(suiteId: number | null, caseId: number | null, writes: readonly { path: string; how: string }[]): void {
    const insert = this.db.transaction(() => {
      for (const w of writes) this.sql('INSERT INTO outside_writes (suite_id, case_id, path, how) VALUES (?, ?, ?, ?)').run(suiteId, caseId, w.path, w.how);
    });
    insert();
  }

  /** Makes this process the suite's only writer; refuses (StoreError, one line) while another live process holds it. */
  takeSuiteLease(suiteId: number): void {
    const host = os.hostname();
    const take = this.db.transaction(() => {
      const held = this.sql('SELECT holder_pid, holder_host, taken_at FROM suite_leases WHERE suite_id = ?').get(suiteId) as { holder_pid: number; holder_host: string; taken_at: string } | undefined;
      if (held !== undefined && held.holder_pid !== process.pid && (held.holder_host !== host || processAlive(held.holder_pid))) {
        throw new StoreError(`suite ${suiteId} is already being run by process ${held.holder_pid} on ${held.holder_host} (since ${held.taken_at}); wait for it to end or stop it, then --resume`);
      }
      this.sql('INSERT OR REPLACE INTO suite_leases (suite_id, holder_pid, holder_host, taken_at) VALUES (?, ?, ?, ?)').run(suiteId, process.pid, host, now());
    });
    take.immediate();
  }

  releaseSuiteLease(suiteId: number): void {
    this.sql('DELETE FROM suite_leases WHERE suite_id = ? AND holder_pid = ?').run(suiteId, process.pid);
  }

  beginSuite(s: { seed: number; sutName: string; manifest: unknown; options: unknown }): number {
    return Number(
      this.sql('INSERT INTO suites (started_at, seed, sut_name, manifest_json, options_json) VALUES (?, ?, ?, ?, ?)')
        .run(now(), s.seed, s.sutName, JSON.stringify(s.manifest), JSON.stringify(s.options)).lastInsertRowid,
    );
  }

  finishSuite(suiteId: number): void {
    this.sql('UPDATE suites SET finished_at = ? WHERE id = ?').run(now(), suiteId);
  }

  beginCase(c: CaseRow): number {
    return Number(
      this.sql(
          'INSERT INTO cases (suite_id, case_index, scenario, seed, path, case_json, fault_plan_json, work_dir, started_at, role, parent_case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(c.suiteId, c.caseIndex, c.scenario, c.seed, c.path, JSON.stringify(c.caseJson), JSON.stringify(c.faultPlanJson), c.workDir ?? null, now(), c.role ?? 'case', c.parentCaseId ?? null).lastInsertRowid,
    );
  }

  setCaseTimes(caseId: number, t: { failureFreeMs: number; faultyMs: number; failureFreeReused: boolean }): void {
    this.sql('UPDATE cases SET failure_free_ms = ?, faulty_ms = ?, failure_free_reused = ? WHERE id = ?').run(t.failureFreeMs, t.faultyMs, t.failureFreeReused ? 1 : 0, caseId);
  }

  /** The fault plan actually injected (drawn fractions resolved against the failure-free run). */
  setCaseFaultPlan(caseId: number, plan: unknown): void {
    this.sql('UPDATE cases SET fault_plan_json = ? WHERE id = ?').run(JSON.stringify(plan), caseId);
  }

  /** Case indexes of a suite that finished with a verdict (for --resume). */
  finishedCaseIndexes(suiteId: number): Set<number> {
    const rows = this.sql("SELECT case_index FROM cases WHERE suite_id = ? AND role = 'case' AND verdict IS NOT NULL").all(suiteId) as { case_index: number }[];
    return new Set(rows.map((r) => r.case_index));
  }

  /** Removes what a killed suite left of cases that never got a verdict, so they can run again. */
  dropUnfinishedCases(suiteId: number): number {
    const ids = (this.sql('SELECT id FROM cases WHERE suite_id = ? AND verdict IS NULL').all(suiteId) as { id: number }[]).map((r) => r.id);
    const drop = this.db.transaction((caseIds: number[]) => {
      for (const id of caseIds) {
        const runs = (this.sql('SELECT id FROM runs WHERE case_id = ?').all(id) as { id: number }[]).map((r) => r.id);
        for (const r of runs) {
          this.sql('DELETE FROM events WHERE run_id = ?').run(r);
          this.sql('DELETE FROM process_exits WHERE run_id = ?').run(r);
        }
        this.sql('DELETE FROM faults WHERE case_id = ?').run(id);
        this.sql('DELETE FROM runs WHERE case_id = ?').run(id);
        this.sql('DELETE FROM counterexamples WHERE case_id = ?').run(id);
        this.sql('DELETE FROM traces WHERE case_id = ?').run(id);
        this.sql('DELETE FROM durability_findings WHERE case_id = ?').run(id);
        this.sql('DELETE FROM outside_writes WHERE case_id = ?').run(id);
        this.sql('DELETE FROM case_outcomes WHERE case_id = ?').run(id);
        this.sql('DELETE FROM shrink_progress WHERE case_id = ?').run(id);
        this.sql('DELETE FROM crash_coverage WHERE case_id = ?').run(id);
        this.sql('DELETE FROM corpus WHERE case_id = ?').run(id);
        this.sql('UPDATE cases SET parent_case_id = NULL WHERE parent_case_id = ?').run(id);
        this.sql('DELETE FROM cases WHERE id = ?').run(id);
      }
    });
    drop(ids);
    return ids.length;
  }

  suite(suiteId?: number): { id: number; seed: number; options: unknown; finishedAt: string | null } | undefined {
    const row = (suiteId === undefined
      ? this.sql('SELECT id, seed, options_json, finished_at FROM suites ORDER BY id DESC LIMIT 1').get()
      : this.sql('SELECT id, seed, options_json, finished_at FROM suites WHERE id = ?').get(suiteId)) as { id: number; seed: number; options_json: string; finished_at: string | null } | undefined;
    return row === undefined ? undefined : { id: row.id, seed: row.seed, options: JSON.parse(row.options_json), finishedAt: row.finished_at };
  }

  reopenSuite(suiteId: number): void {
    this.sql('UPDATE suites SET finished_at = NULL WHERE id = ?').run(suiteId);
  }

  recordConformance(r: { sutName: string; level: string; outcome: string; suiteId: number | null; cases: number; failures: number; detail: string | null; replayLine: string | null }): void {
    this.sql('INSERT INTO conformance_results (run_at, sut_name, level, outcome, suite_id, cases, failures, detail, replay_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(now(), r.sutName, r.level, r.outcome, r.suiteId, r.cases, r.failures, r.detail, r.replayLine);
  }

  setCaseWorkDir(caseId: number, workDir: string | null): void {
    this.sql('UPDATE cases SET work_dir = ? WHERE id = ?').run(workDir, caseId);
  }

  finishCase(caseId: number, v: VerdictRow): void {
    this.sql('UPDATE cases SET finished_at = ?, verdict = ?, anomaly = ?, first_batch_ms = ?, first_key = ?, message = ?, verdict_json = ? WHERE id = ?')
      .run(now(), v.verdict, v.anomaly, v.firstBatchMs, v.firstKey, v.message, JSON.stringify(v.detail), caseId);
  }

  beginRun(caseId: number, kind: RunKind): number {
    return Number(this.sql('INSERT INTO runs (case_id, kind, started_at) VALUES (?, ?, ?)').run(caseId, kind, now()).lastInsertRowid);
  }

  finishRun(runId: number, outcome: 'completed' | 'gave-up'): void {
    this.sql('UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?').run(now(), outcome, runId);
  }

  recordExit(runId: number, attempt: number, e: ProcessExit): void {
    this.sql(
        'INSERT INTO process_exits (run_id, attempt, type, exit_code, signal, timed_out, killed_by_harness, duration_ms, stderr_tail, spawn_error, command_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(runId, attempt, e.type, e.exitCode, e.signal, e.timedOut ? 1 : 0, e.killedByHarness ? 1 : 0, e.durationMs, e.stderrTail, e.spawnError, JSON.stringify(e.command));
  }

  recordFault(f: FaultRow): void {
    this.sql('INSERT INTO faults (case_id, run_id, attempt, kind, fault_json, injected, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(f.caseId, f.runId, f.attempt, f.kind, JSON.stringify(f.fault), f.injected ? 1 : 0, f.atMs);
  }

  /** Many event rows in one transaction (a start's events, written when it ends). */
  recordEvents(rows: readonly EventRow[]): void {
    if (rows.length === 0) return;
    const insert = this.sql('INSERT INTO events (run_id, attempt, at_ms, kind, name, json) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const r of rows) insert.run(r.runId, r.attempt, r.atMs, r.kind, r.name, JSON.stringify(r.json));
    })();
  }

  recordSelftestResult(r: SelftestResultRow): number {
    const s = r.shrunk;
    return Number(
      this.sql(
          `INSERT INTO selftest_results (selftest_started_at, finished_at, variant, suite_id, seed, scenarios_json, budget_ms, shrink_budget_ms, caught, ms_to_first_failure, cases_run,
             case_id, anomaly, message, failure_line, shrunk_path, shrunk_input_records, shrunk_faults, shrunk_replay_line, shrink_candidates, shrink_interrupted)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.selftestStartedAt, now(), r.variant, r.suiteId, r.seed, JSON.stringify(r.scenarios), r.budgetMs, r.shrinkBudgetMs, r.caught ? 1 : 0, r.msToFirstFailure, r.casesRun,
          r.caseId, r.anomaly, r.message, r.failureLine, s?.path ?? null, s?.inputRecords ?? null, s?.faults ?? null, s?.replayLine ?? null, s?.candidates ?? null, s === null ? null : s.interrupted ? 1 : 0,
        ).lastInsertRowid,
    );
  }

  /** The failure-free run's trace and its lint; a reused run's operations are stored once (later rows have reused = 1 and no ops), its findings with every case. */
  recordTrace(caseId: number, t: TraceResult, reused: boolean, lint: readonly LintFinding[]): void {
    if (t.type === 'untraced') {
      this.sql('INSERT INTO traces (case_id, status, reason, reused) VALUES (?, ?, ?, ?)').run(caseId, 'untraced', t.reason, reused ? 1 : 0);
      return;
    }
    const ops = t.trace.ops;
    const opsJson = reused ? null : JSON.stringify(ops.slice(0, TRACE_OPS_STORED_MAX).map((op) => ({ seq: op.seq, syscall: op.syscall, batchTimeMs: op.batchTimeMs, op: describeOp(op) })));
    this.db.transaction(() => {
      this.sql('INSERT INTO traces (case_id, status, reused, file_changes, fsyncs, ops_json, incomplete_json, outside_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        caseId, 'traced', reused ? 1 : 0, ops.filter(isChange).length, ops.filter((op) => op.type === 'fsync' || op.type === 'sync').length, opsJson, JSON.stringify(t.trace.incomplete), JSON.stringify(t.trace.outside),
      );
      // Findings for every case, reused run or not, so per-case counts are true.
      const insert = this.sql('INSERT INTO durability_findings (case_id, kind, shape, seq, syscall, op, path, batch_time_ms, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      for (const f of lint) insert.run(caseId, f.kind, lintShape(f), f.seq, f.syscall, f.op, f.path, f.batchTimeMs, f.message);
    })();
  }

  /** The crash-space cells one landed fault hit (harness/run/coverage-cells.ts). */
  recordCoverage(caseId: number, faultKind: string, cells: readonly { dimension: string; value: string }[]): void {
    const insert = this.sql('INSERT INTO crash_coverage (case_id, fault_kind, dimension, value) VALUES (?, ?, ?, ?)');
    for (const c of cells) insert.run(caseId, faultKind, c.dimension, c.value);
  }

  recordCorpus(suiteId: number, caseId: number | null, role: 'found' | 'replayed', e: CorpusEntry): void {
    this.sql('INSERT INTO corpus (suite_id, case_id, role, sut_name, manifest_hash, scenario, seed, path, level, kill_at_events, anomaly, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(suiteId, caseId, role, e.sut, e.manifestHash, e.scenario, e.seed, e.path, e.level, e.killAtEvents, e.anomaly, e.addedAt);
  }

  /** The corpus entries a database holds (every suite's found failures), oldest first, each once. */
  corpusEntries(): CorpusEntry[] {
    const rows = this.sql("SELECT sut_name, manifest_hash, scenario, seed, path, level, kill_at_events, anomaly, added_at FROM corpus WHERE role = 'found' ORDER BY id").all() as Record<string, unknown>[];
    return rows.map((r) => ({ sut: r.sut_name as string, manifestHash: r.manifest_hash as string, scenario: r.scenario as string, seed: r.seed as number, path: r.path as string, level: r.level as CorpusEntry['level'], killAtEvents: r.kill_at_events as string, anomaly: r.anomaly as string | null, addedAt: r.added_at as string }));
  }

  recordCounterexample(caseId: number, replayLine: string, caseJson: unknown, timeline: unknown): void {
    this.sql('INSERT INTO counterexamples (case_id, replay_line, case_json, timeline_json) VALUES (?, ?, ?, ?)')
      .run(caseId, replayLine, JSON.stringify(caseJson), JSON.stringify(timeline));
  }

  setSuiteFingerprint(suiteId: number, f: SuiteFingerprint): void {
    this.sql('INSERT OR REPLACE INTO suite_fingerprints (suite_id, manifest_sha256, command_json) VALUES (?, ?, ?)').run(suiteId, f.manifestSha256, f.commandJson);
  }

  suiteFingerprint(suiteId: number): SuiteFingerprint | undefined {
    const row = this.sql('SELECT manifest_sha256, command_json FROM suite_fingerprints WHERE suite_id = ?').get(suiteId) as { manifest_sha256: string; command_json: string } | undefined;
    return row === undefined ? undefined : { manifestSha256: row.manifest_sha256, commandJson: row.command_json };
  }

  setCaseOutcome(caseId: number, o: CaseOutcomeRow): void {
    this.sql('INSERT OR REPLACE INTO case_outcomes (case_id, outcome, reruns, reproduced, detail) VALUES (?, ?, ?, ?, ?)').run(caseId, o.outcome, o.reruns, o.reproduced, JSON.stringify(o.detail));
  }

  caseOutcome(caseId: number): CaseOutcomeRow | undefined {
    const row = this.sql('SELECT outcome, reruns, reproduced, detail FROM case_outcomes WHERE case_id = ?').get(caseId) as { outcome: CaseOutcomeRow['outcome']; reruns: number; reproduced: number; detail: string | null } | undefined;
    return row === undefined ? undefined : { outcome: row.outcome, reruns: row.reruns, reproduced: row.reproduced, detail: row.detail === null ? null : JSON.parse(row.detail) };
  }

  setShrinkProgress(caseId: number, p: ShrinkProgressRow): void {
    this.sql('INSERT OR REPLACE INTO shrink_progress (case_id, path, candidates, state, verified_path, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(caseId, p.path, p.candidates, p.state, p.verifiedPath, now());
  }

  shrinkProgress(caseId: number): ShrinkProgressRow | undefined {
    const row = this.sql('SELECT path, candidates, state, verified_path FROM shrink_progress WHERE case_id = ?').get(caseId) as { path: string; candidates: number; state: ShrinkProgressRow['state']; verified_path: string | null } | undefined;
    return row === undefined ? undefined : { path: row.path, candidates: row.candidates, state: row.state, verifiedPath: row.verified_path };
  }

  /** A suite's failing cases (fail, not flaky) whose shrinking did not end at a local minimum: --resume continues them. */
  unfinishedShrinks(suiteId: number): { caseId: number; caseIndex: number; scenario: string; seed: number; progress: ShrinkProgressRow }[] {
    const rows = this.sql(
      `SELECT c.id, c.case_index, c.scenario, c.seed, p.path, p.candidates, p.state, p.verified_path FROM cases c JOIN shrink_progress p ON p.case_id = c.id
       WHERE c.suite_id = ? AND c.role = 'case' AND c.verdict = 'fail' AND p.state != 'minimal' ORDER BY c.case_index`,
    ).all(suiteId) as { id: number; case_index: number; scenario: string; seed: number; path: string; candidates: number; state: ShrinkProgressRow['state']; verified_path: string | null }[];
    return rows.map((r) => ({ caseId: r.id, caseIndex: r.case_index, scenario: r.scenario, seed: r.seed, progress: { path: r.path, candidates: r.candidates, state: r.state, verifiedPath: r.verified_path } }));
  }
}
