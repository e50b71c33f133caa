// What one suite found, as plain data computed by SQL queries over the store alone (store first,
// analyse second): so a report can be redrawn, or drawn for an old suite, without running anything.
// Every number is either counted from rows or null when the rows to count it from are missing.

import Database from 'better-sqlite3';
import type { ExitType } from '../harness/process/process-exit.js';
import { SCHEMA_VERSION } from '../harness/store/schema.js';
import type { RunKind, VerdictName } from '../harness/store/store.js';
import { replayCommand, storedReplayOptions } from './replay-command.js';
import { crashCoverage, type CrashCoverage } from './crash-coverage.js';

/**
 * Fail ranks over flaky over nondeterministic over unknown over pass; a suite with no cases, with
 * unfinished ones, or whose every case the SUT declined (skipped), is unknown: inconclusive. A
 * failure counts as fail only if it reproduced on every re-run (table case_outcomes), else as flaky;
 * a case whose failure-free run was not reproducible is nondeterministic (stored verdict unknown).
 */
export type SuiteVerdict = VerdictName | 'flaky' | 'nondeterministic';

/** A case's outcome: its stored verdict refined by case_outcomes. */
export type CaseOutcomeName = 'pass' | 'fail' | 'flaky' | 'unknown' | 'nondeterministic' | 'skipped';

export interface VerdictCounts {
  cases: number;
  pass: number;
  /** Failures that reproduced on every re-run (or were not re-run). */
  fail: number;
  /** Failures that did not reproduce on every re-run. */
  flaky: number;
  unknown: number;
  /** Cases whose program the SUT declined (PROTOCOL.md §3, exit 4): neither passed nor failed. */
  skipped: number;
  /** Cases whose failure-free run committed different outputs when run twice. */
  nondeterministic: number;
  /** Cases with no verdict yet: the suite was killed, or is still running. */
  unfinished: number;
}

/** Nearest-rank percentiles, so every figure is one that was observed; null when count is 0. */
export interface Stats {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface SuiteInfo {
  id: number;
  seed: number;
  sutName: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** The suite's options as stored (options_json). */
  options: unknown;
  /** The SUT manifest file the suite ran against, when the options or manifest name one. */
  manifestFile: string | null;
}

export interface FaultKindRow extends VerdictCounts {
  kind: string;
  /** Faults of this kind applied to a start (a case with faults of two kinds counts in both rows). */
  faultsRecorded: number;
  /** Of those, the ones whose moment came before the SUT exited. */
  faultsInjected: number;
  /** Injected faults in a faulty run that went on to exit 0. */
  faultsRecovered: number;
}

/**
 * Faults of every kind (kills, power losses, corruptions, scratch wipes: byFaultKind splits them),
 * counted as "faults landed" in every report and in the progress line; crashed runs count only faults
 * that end a start.
 */
export interface CrashTotals {
  applied: number;
  /** Faults that landed: their moment came before the SUT exited on its own. */
  injected: number;
  /** Landed faults whose run later completed (exit 0). */
  recovered: number;
  faultyRuns: number;
  /** Faulty runs with at least one injected crash. */
  runsCrashed: number;
  /** Faulty runs that ended 'completed' after at least one injected crash. */
  runsRecovered: number;
}

export interface RunOutcomeRow {
  kind: RunKind;
  runs: number;
  completed: number;
  gaveUp: number;
  unfinished: number;
}

export interface ExitTypeRow {
  type: ExitType;
  failureFree: number;
  faulty: number;
  total: number;
}

export interface CaseFault {
  attempt: number;
  kind: string;
  injected: boolean;
  atMs: number | null;
  fault: unknown;
}

export interface CaseProblem {
  caseId: number;
  caseIndex: number;
  scenario: string;
  seed: number;
  path: string;
  /** The stored verdict; `outcome` refines it. */
  verdict: 'fail' | 'unknown';
  outcome: Exclude<CaseOutcomeName, 'pass'>;
  /** Runs of the case (the first and its re-runs) and how many failed the same way; null when it was not re-run. */
  reproduction: { runs: number; reproduced: number } | null;
  anomaly: string | null;
  firstBatchMs: number | null;
  firstKey: string | null;
  message: string | null;
  /** The checker that found the anomaly (or, for an unknown case, the first that could not decide), from the stored verdict. */
  checker: string | null;
  /** The kept temporary directory, if the runner kept it. */
  workDir: string | null;
  faults: CaseFault[];
  replayLine: string;
}

export interface Counterexample {
  caseId: number;
  caseIndex: number;
  scenario: string;
  seed: number;
  path: string;
  replayLine: string;
  /** False when the suite ran with shrinking off: the counterexample is then the case as drawn. */
  shrunk: boolean;
  /** True when shrinking stopped at its budget: the case failed when re-run, but may not be minimal. */
  mayNotBeMinimal: boolean;
  /** The shrunk case, as stored. */
  shrunkCase: unknown;
  /** The counterexample's own path (the shrunk case's; the drawn case's when not shrunk). */
  counterexamplePath: string;
  /** How the shrunk case itself failed, when its row is stored (it may differ from the drawn case's). */
  shrunkFailure: { anomaly: string | null; firstBatchMs: number | null; message: string | null } | null;
}

export interface CaseLine {
  caseId: number;
  caseIndex: number;
  scenario: string;
  seed: number;
  path: string;
  verdict: VerdictName | null;
  /** Null while the case has no verdict. */
  outcome: CaseOutcomeName | null;
  reproduction: { runs: number; reproduced: number } | null;
  anomaly: string | null;
  message: string | null;
  durationMs: number | null;
  replayLine: string;
}

export interface RecoveryCost {
  /**
   * Faulty run total / failure-free run, over cases whose faulty run recovered from a crash. The
   * failure-free time is the case's own run when it completed, else (a reused run) the case's stored
   * failure_free_ms.
   */
  ratio: Stats;
  /** Sum of the faulty run's process durations (every start), same cases. */
  faultyMs: Stats;
  failureFreeMs: Stats;
}

export interface SuiteReport {
  suite: SuiteInfo;
  verdict: SuiteVerdict;
  totals: VerdictCounts;
  byScenario: (VerdictCounts & { scenario: string })[];
  byFaultKind: FaultKindRow[];
  /** Cases in which no fault was applied to any start. */
  casesWithoutFaults: VerdictCounts;
  crashes: CrashTotals;
  /** Cases that reused a failure-free run of an earlier case; null when the store does not record it. */
  casesReusingFailureFree: number | null;
  /** Smaller candidates tried while shrinking, stored as cases but counted nowhere else; null when the store does not record them. */
  shrinkCandidates: number | null;
  runs: RunOutcomeRow[];
  exits: ExitTypeRow[];
  /** Failures that reproduced on every re-run. */
  failures: CaseProblem[];
  /** Failures that did not. */
  flaky: CaseProblem[];
  unknowns: CaseProblem[];
  /** Why the SUT declined cases, most frequent first (its own words: escape where shown). */
  skips: { scenario: string; reason: string; cases: number }[];
  nondeterministic: CaseProblem[];
  counterexamples: Counterexample[];
  recoveryCost: RecoveryCost;
  /** Wall time from a case's start to its verdict, over finished cases. */
  timePerCaseMs: Stats;
  cases: CaseLine[];
  /** Stdout lines of the SUT that were not events (PROTOCOL.md §5), and stops at an output bound: how many, and the first few. */
  garbage: { lines: number; examples: GarbageLine[] };
  /** Writes the SUT made outside its directories (table outside_writes; none in databases from before it). */
  outside: { writes: number; examples: { caseIndex: number | null; path: string; how: string }[] };
  /** Crash-space coverage: the cells landed faults hit, and those never hit (crash-coverage.ts). */
  coverage: CrashCoverage;
}

export interface GarbageLine {
  caseIndex: number;
  /** The line as stored (cut to its first characters), SUT text: escape it wherever it is shown. */
  line: string;
  reason: string;
}

/** Garbage lines a report quotes; the count covers them all. */
const GARBAGE_EXAMPLES_MAX = 5;

export class ReportError extends Error {
  override name = 'ReportError';
}

/** The closed set of the schema's process_exits.type, in the order reports list them. */
const EXIT_TYPES = ['clean', 'nonzero-exit', 'signal', 'timeout', 'killed-by-harness'] as const satisfies readonly ExitType[];
const RUN_KINDS = ['failure-free', 'faulty'] as const satisfies readonly RunKind[];
/** Fault kinds applied between two starts: they end no process, so they are not crashes. */
const BETWEEN_STARTS_KINDS = ['wipe-scratch'];
const IS_CRASH = `f.kind NOT IN (${BETWEEN_STARTS_KINDS.map((k) => `'${k}'`).join(', ')})`;

/** Reads one suite (default: the latest) from an open database or a database file. */
export function suiteReport(source: Database.Database | string, suiteId?: number): SuiteReport {
  if (typeof source !== 'string') return reportFrom(source, suiteId);
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    return reportFrom(db, suiteId, source);
  } finally {
    db.close();
  }
}

/** A case row `c`'s outcome: its verdict refined by case_outcomes (flaky, nondeterministic). */
export const OUTCOME_SQL = `CASE WHEN c.verdict IS NULL THEN NULL ELSE coalesce((SELECT o.outcome FROM case_outcomes o WHERE o.case_id = c.id AND o.outcome != 'fail'), c.verdict) END`;

// Counts by outcome over any set of case rows `c`; every query that groups cases selects these.
export const VERDICT_COUNTS_SQL = `
  count(*) AS cases,
  coalesce(sum(c.verdict = 'pass'), 0) AS pass,
  coalesce(sum(${OUTCOME_SQL} = 'fail'), 0) AS fail,
  coalesce(sum(${OUTCOME_SQL} = 'flaky'), 0) AS flaky,
  coalesce(sum(${OUTCOME_SQL} = 'unknown'), 0) AS unknown,
  coalesce(sum(${OUTCOME_SQL} = 'nondeterministic'), 0) AS nondeterministic,
  coalesce(sum(${OUTCOME_SQL} = 'skipped'), 0) AS skipped,
  coalesce(sum(c.verdict IS NULL), 0) AS unfinished`;

// A case's run of one kind with its process time summed over every start.
const RUN_TOTALS_SQL = `
  SELECT r.case_id, r.outcome, coalesce(sum(e.duration_ms), 0) AS total_ms, count(e.id) AS exits,
         (SELECT coalesce(sum(f.injected), 0) FROM faults f WHERE f.run_id = r.id AND ${IS_CRASH}) AS crashes
  FROM runs r LEFT JOIN process_exits e ON e.run_id = r.id
  WHERE r.kind = ?
  GROUP BY r.id`;

function reportFrom(db: Database.Database, suiteIdArg: number | undefined, source = 'the database'): SuiteReport {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    throw new ReportError(`${source}: expected a streamcheck database of schema version ${SCHEMA_VERSION}, received version ${version}`);
  }
  const suiteRow = (
    suiteIdArg === undefined
      ? db.prepare('SELECT * FROM suites ORDER BY id DESC LIMIT 1').get()
      : db.prepare('SELECT * FROM suites WHERE id = ?').get(suiteIdArg)
  ) as SuiteRow | undefined;
  if (suiteRow === undefined) {
    throw new ReportError(suiteIdArg === undefined ? `${source}: no suite has been stored yet` : `${source}: expected suite ${suiteIdArg}, received no such suite`);
  }
  const id = suiteRow.id;
  const options = parseJson(suiteRow.options_json);
  const manifestFile = manifestFileOf(options, parseJson(suiteRow.manifest_json));
  const replayOptions = storedReplayOptions(options, manifestFile);
  // Columns later versions of schema 1 added: shrink candidates are case rows with role 'shrink', and a
  // case may reuse an earlier case's failure-free run, keeping only its time.
  const caseColumns = new Set((db.prepare("SELECT name FROM pragma_table_info('cases')").all() as { name: string }[]).map((c) => c.name));
  const hasRole = caseColumns.has('role');
  const hasFailureFreeMs = caseColumns.has('failure_free_ms');
  const IN_SUITE = hasRole ? "c.suite_id = ? AND c.role = 'case'" : 'c.suite_id = ?';
  const all = <T>(sql: string, ...params: unknown[]): T[] => db.prepare(sql).all(...params) as T[];
  const one = <T>(sql: string, ...params: unknown[]): T => db.prepare(sql).get(...params) as T;

  const totals = one<VerdictCounts>(`SELECT ${VERDICT_COUNTS_SQL} FROM cases c WHERE ${IN_SUITE}`, id);
  const byScenario = all<VerdictCounts & { scenario: string }>(
    `SELECT c.scenario AS scenario, ${VERDICT_COUNTS_SQL} FROM cases c WHERE ${IN_SUITE} GROUP BY c.scenario ORDER BY c.scenario`,
    id,
  );

  // A case counts once per fault kind it had, whatever the number of faults of that kind.
  const byFaultKind = all<FaultKindRow>(
    `SELECT k.kind AS kind, ${VERDICT_COUNTS_SQL},
            sum(k.recorded) AS faultsRecorded, sum(k.injected) AS faultsInjected, sum(k.recovered) AS faultsRecovered
     FROM (SELECT f.case_id, f.kind, count(*) AS recorded, sum(f.injected) AS injected,
                  sum(f.injected = 1 AND r.outcome = 'completed') AS recovered
           FROM faults f JOIN runs r ON r.id = f.run_id
           GROUP BY f.case_id, f.kind) k
     JOIN cases c ON c.id = k.case_id
     WHERE ${IN_SUITE}
     GROUP BY k.kind ORDER BY k.kind`,
    id,
  );
  const casesWithoutFaults = one<VerdictCounts>(
    `SELECT ${VERDICT_COUNTS_SQL} FROM cases c WHERE ${IN_SUITE} AND NOT EXISTS (SELECT 1 FROM faults f WHERE f.case_id = c.id)`,
    id,
  );

  const crashCounts = one<{ applied: number; injected: number; recovered: number }>(
    `SELECT count(*) AS applied, coalesce(sum(f.injected), 0) AS injected,
            coalesce(sum(f.injected = 1 AND r.outcome = 'completed'), 0) AS recovered
     FROM faults f JOIN runs r ON r.id = f.run_id JOIN cases c ON c.id = f.case_id
     WHERE ${IN_SUITE}`,
    id,
  );
  const faultyRunCounts = one<{ faultyRuns: number; runsCrashed: number; runsRecovered: number }>(
    `SELECT count(*) AS faultyRuns, coalesce(sum(t.crashes > 0), 0) AS runsCrashed,
            coalesce(sum(t.crashes > 0 AND t.outcome = 'completed'), 0) AS runsRecovered
     FROM (${RUN_TOTALS_SQL}) t JOIN cases c ON c.id = t.case_id
     WHERE ${IN_SUITE}`,
    'faulty',
    id,
  );

  const runRows = all<RunOutcomeRow>(
    `SELECT r.kind AS kind, count(*) AS runs, coalesce(sum(r.outcome = 'completed'), 0) AS completed,
            coalesce(sum(r.outcome = 'gave-up'), 0) AS gaveUp, coalesce(sum(r.outcome IS NULL), 0) AS unfinished
     FROM runs r JOIN cases c ON c.id = r.case_id WHERE ${IN_SUITE} GROUP BY r.kind`,
    id,
  );
  const runs = RUN_KINDS.map((kind) => runRows.find((r) => r.kind === kind) ?? { kind, runs: 0, completed: 0, gaveUp: 0, unfinished: 0 });

  const exitRows = all<ExitTypeRow>(
    `SELECT e.type AS type, coalesce(sum(r.kind = 'failure-free'), 0) AS failureFree, coalesce(sum(r.kind = 'faulty'), 0) AS faulty, count(*) AS total
     FROM process_exits e JOIN runs r ON r.id = e.run_id JOIN cases c ON c.id = r.case_id
     WHERE ${IN_SUITE} GROUP BY e.type`,
    id,
  );
  const exits = EXIT_TYPES.map((type) => exitRows.find((r) => r.type === type) ?? { type, failureFree: 0, faulty: 0, total: 0 });

  const problemRows = all<ProblemRow>(
    `SELECT c.id, c.case_index, c.scenario, c.seed, c.path, c.verdict, ${OUTCOME_SQL} AS outcome, o.reruns, o.reproduced, c.anomaly, c.first_batch_ms, c.first_key, c.message, c.work_dir,
            CASE WHEN json_valid(c.verdict_json) THEN coalesce(json_extract(c.verdict_json, '$.anomaly.checker'),
              (SELECT json_extract(x.value, '$.checker') FROM json_each(c.verdict_json, '$.results') x WHERE json_extract(x.value, '$.type') = 'unknown' LIMIT 1)) END AS checker
     FROM cases c LEFT JOIN case_outcomes o ON o.case_id = c.id AND o.outcome != 'nondeterministic'
     WHERE ${IN_SUITE} AND c.verdict IN ('fail', 'unknown') ORDER BY c.case_index`,
    id,
  );
  const faultsOf = db.prepare('SELECT attempt, kind, injected, at_ms, fault_json FROM faults WHERE case_id = ? ORDER BY attempt, id');
  const skips = all<{ scenario: string; reason: string; cases: number }>(
    `SELECT c.scenario AS scenario, coalesce(c.message, '(no reason stored)') AS reason, count(*) AS cases
     FROM cases c WHERE ${IN_SUITE} AND c.verdict = 'skipped' GROUP BY c.scenario, c.message ORDER BY cases DESC, c.scenario`,
    id,
  );
  const timedKillsOf = (caseId: number) =>
    (db.prepare("SELECT attempt, kind, injected, fault_json FROM faults WHERE case_id = ? AND kind IN ('kill-after', 'kill-at-event') ORDER BY attempt, id").all(caseId) as FaultDbRow[]).map((f) => ({ attempt: f.attempt, kind: f.kind, injected: f.injected === 1, fault: parseJson(f.fault_json) }));
  const problems = problemRows.map((r): CaseProblem => ({
    caseId: r.id,
    caseIndex: r.case_index,
    scenario: r.scenario,
    seed: r.seed,
    path: r.path,
    verdict: r.verdict,
    outcome: r.outcome,
    reproduction: r.reruns === null ? null : { runs: r.reruns + 1, reproduced: (r.reproduced ?? 0) + 1 },
    checker: r.checker,
    anomaly: r.anomaly,
    firstBatchMs: r.first_batch_ms,
    firstKey: r.first_key,
    message: r.message,
    workDir: r.work_dir,
    faults: (faultsOf.all(r.id) as FaultDbRow[]).map((f) => ({ attempt: f.attempt, kind: f.kind, injected: f.injected === 1, atMs: f.at_ms, fault: parseJson(f.fault_json) })),
    replayLine: replayCommand(r, replayOptions, timedKillsOf(r.id)),
  }));

  const counterexamples = all<CounterexampleRow>(
    // The shrunk case's own row (a shrink candidate at the verified path that failed), where stored.
    `SELECT x.case_id, c.case_index, c.scenario, c.seed, c.path, x.replay_line, x.case_json, p.state AS shrink_state, p.verified_path,
            s.id AS shrunk_found, s.anomaly AS shrunk_anomaly, s.first_batch_ms AS shrunk_first_batch_ms, s.message AS shrunk_message
     FROM counterexamples x JOIN cases c ON c.id = x.case_id LEFT JOIN shrink_progress p ON p.case_id = c.id
     LEFT JOIN cases s ON ${hasRole ? "s.id = (SELECT max(id) FROM cases WHERE parent_case_id = c.id AND role = 'shrink' AND path = p.verified_path AND verdict = 'fail')" : '0'}
     WHERE c.suite_id = ? ORDER BY c.case_index, x.id`,
    id,
  ).map((r): Counterexample => ({
    caseId: r.case_id,
    caseIndex: r.case_index,
    scenario: r.scenario,
    seed: r.seed,
    path: r.path,
    replayLine: r.replay_line,
    shrunk: !(isRecord(options) && options['shrink'] === false),
    mayNotBeMinimal: r.shrink_state === 'budget-ended',
    shrunkCase: parseJson(r.case_json),
    counterexamplePath: r.verified_path ?? r.path,
    shrunkFailure: r.shrunk_found === null ? null : { anomaly: r.shrunk_anomaly, firstBatchMs: r.shrunk_first_batch_ms, message: r.shrunk_message },
  }));

  // Recovery cost only where there was a recovery to pay for, and a failure-free run to compare with:
  // the case's own, or the time it stored for the run it reused.
  const ownFailureFree = "CASE WHEN ff.outcome = 'completed' AND ff.exits > 0 THEN ff.total_ms END";
  const costRows = all<{ faulty_ms: number; failure_free_ms: number }>(
    `SELECT * FROM (
       SELECT fy.total_ms AS faulty_ms,
              ${hasFailureFreeMs ? `CASE WHEN ff.case_id IS NULL THEN c.failure_free_ms ELSE ${ownFailureFree} END` : ownFailureFree} AS failure_free_ms
       FROM cases c
       JOIN (${RUN_TOTALS_SQL}) fy ON fy.case_id = c.id
       LEFT JOIN (${RUN_TOTALS_SQL}) ff ON ff.case_id = c.id
       WHERE ${IN_SUITE} AND fy.outcome = 'completed' AND fy.crashes > 0)
     WHERE failure_free_ms > 0`,
    'faulty',
    'failure-free',
    id,
  );
  const recoveryCost: RecoveryCost = {
    ratio: stats(costRows.map((r) => r.faulty_ms / r.failure_free_ms)),
    faultyMs: stats(costRows.map((r) => r.faulty_ms)),
    failureFreeMs: stats(costRows.map((r) => r.failure_free_ms)),
  };

  const caseRows = all<CaseDbRow>(
    `SELECT c.id, c.case_index, c.scenario, c.seed, c.path, c.verdict, ${OUTCOME_SQL} AS outcome, o.reruns, o.reproduced, c.anomaly, c.message,
            CASE WHEN c.finished_at IS NULL THEN NULL
                 ELSE round((julianday(c.finished_at) - julianday(c.started_at)) * 86400000) END AS duration_ms
     FROM cases c LEFT JOIN case_outcomes o ON o.case_id = c.id AND o.outcome != 'nondeterministic' WHERE ${IN_SUITE} ORDER BY c.case_index`,
    id,
  );
  const cases = caseRows.map((r): CaseLine => ({
    caseId: r.id,
    caseIndex: r.case_index,
    scenario: r.scenario,
    seed: r.seed,
    path: r.path,
    verdict: r.verdict,
    outcome: r.outcome,
    reproduction: r.reruns === null ? null : { runs: r.reruns + 1, reproduced: (r.reproduced ?? 0) + 1 },
    anomaly: r.anomaly,
    message: r.message,
    durationMs: r.duration_ms,
    replayLine: replayCommand(r, replayOptions, timedKillsOf(r.id)),
  }));
  const timePerCaseMs = stats(cases.flatMap((c) => (c.verdict !== null && c.durationMs !== null ? [c.durationMs] : [])));

  const count = (sql: string): number => one<{ n: number }>(sql, id).n;
  const casesReusingFailureFree = caseColumns.has('failure_free_reused') ? count(`SELECT count(*) AS n FROM cases c WHERE ${IN_SUITE} AND c.failure_free_reused = 1`) : null;
  const shrinkCandidates = hasRole ? count("SELECT count(*) AS n FROM cases c WHERE c.suite_id = ? AND c.role = 'shrink'") : null;

  const garbageCount = count(`SELECT count(*) AS n FROM events e JOIN runs r ON r.id = e.run_id JOIN cases c ON c.id = r.case_id WHERE ${IN_SUITE} AND e.kind = 'garbage'`);
  const garbageExamples = all<{ case_index: number; json: string }>(
    `SELECT c.case_index, e.json FROM events e JOIN runs r ON r.id = e.run_id JOIN cases c ON c.id = r.case_id WHERE ${IN_SUITE} AND e.kind = 'garbage' ORDER BY e.id LIMIT ${GARBAGE_EXAMPLES_MAX}`,
    id,
  ).map((r): GarbageLine => {
    const j = parseJson(r.json);
    const field = (k: string): string => (isRecord(j) && typeof j[k] === 'string' ? (j[k] as string) : '');
    return { caseIndex: r.case_index, line: field('line'), reason: field('reason') };
  });

  const hasOutside = one<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'outside_writes'").n > 0;
  const outside = hasOutside
    ? {
        writes: count('SELECT count(*) AS n FROM outside_writes WHERE suite_id = ?'),
        examples: all<{ case_index: number | null; path: string; how: string }>(
          `SELECT c.case_index, w.path, w.how FROM outside_writes w LEFT JOIN cases c ON c.id = w.case_id WHERE w.suite_id = ? ORDER BY w.id LIMIT ${GARBAGE_EXAMPLES_MAX}`,
          id,
        ).map((r) => ({ caseIndex: r.case_index, path: r.path, how: r.how })),
      }
    : { writes: 0, examples: [] };

  const suiteDuration = one<{ ms: number | null }>(
    `SELECT CASE WHEN finished_at IS NULL THEN NULL ELSE round((julianday(finished_at) - julianday(started_at)) * 86400000) END AS ms FROM suites WHERE id = ?`,
    id,
  );

  return {
    suite: {
      id,
      seed: suiteRow.seed,
      sutName: suiteRow.sut_name,
      startedAt: suiteRow.started_at,
      finishedAt: suiteRow.finished_at,
      durationMs: suiteDuration.ms,
      options,
      manifestFile,
    },
    verdict: totals.fail > 0 ? 'fail' : totals.flaky > 0 ? 'flaky' : totals.nondeterministic > 0 ? 'nondeterministic' : totals.cases === 0 || totals.unknown > 0 || totals.unfinished > 0 || totals.skipped === totals.cases ? 'unknown' : 'pass',
    totals,
    byScenario,
    byFaultKind,
    casesWithoutFaults,
    crashes: { ...crashCounts, ...faultyRunCounts },
    casesReusingFailureFree,
    shrinkCandidates,
    coverage: crashCoverage(db, [id]),
    runs,
    exits,
    failures: problems.filter((p) => p.outcome === 'fail'),
    flaky: problems.filter((p) => p.outcome === 'flaky'),
    unknowns: problems.filter((p) => p.outcome === 'unknown'),
    nondeterministic: problems.filter((p) => p.outcome === 'nondeterministic'),
    garbage: { lines: garbageCount, examples: garbageExamples },
    outside,
    skips,
    counterexamples,
    recoveryCost,
    timePerCaseMs,
    cases,
  };
}

interface SuiteRow {
  id: number;
  started_at: string;
  finished_at: string | null;
  seed: number;
  sut_name: string;
  manifest_json: string;
  options_json: string;
}

interface ProblemRow {
  id: number;
  case_index: number;
  scenario: string;
  seed: number;
  path: string;
  verdict: 'fail' | 'unknown';
  outcome: Exclude<CaseOutcomeName, 'pass'>;
  reruns: number | null;
  reproduced: number | null;
  checker: string | null;
  anomaly: string | null;
  first_batch_ms: number | null;
  first_key: string | null;
  message: string | null;
  work_dir: string | null;
}

interface FaultDbRow {
  attempt: number;
  kind: string;
  injected: number;
  at_ms: number | null;
  fault_json: string;
}

interface CounterexampleRow {
  case_id: number;
  case_index: number;
  scenario: string;
  seed: number;
  path: string;
  replay_line: string;
  case_json: string;
  shrink_state: string | null;
  verified_path: string | null;
  shrunk_anomaly: string | null;
  shrunk_first_batch_ms: number | null;
  shrunk_message: string | null;
  shrunk_found: number | null;
}

interface CaseDbRow {
  id: number;
  case_index: number;
  scenario: string;
  seed: number;
  path: string;
  verdict: VerdictName | null;
  outcome: CaseOutcomeName | null;
  reruns: number | null;
  reproduced: number | null;
  anomaly: string | null;
  message: string | null;
  duration_ms: number | null;
}

/** A stored JSON column; text that does not parse is kept as the text, never dropped. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The manifest file a suite ran against. The options may name it as `sut`, `manifest`, `manifestFile`
 * or `manifestPath` (a string, or a loaded manifest with a `file`); else the stored manifest may be a
 * loaded manifest with its `file`. Null means the suite ran against the default SUT, or did not say.
 */
function manifestFileOf(options: unknown, manifest: unknown): string | null {
  const fileOf = (v: unknown): string | null => {
    if (typeof v === 'string' && v !== '') return v;
    if (isRecord(v) && typeof v['file'] === 'string' && v['file'] !== '') return v['file'];
    return null;
  };
  if (isRecord(options)) {
    for (const key of ['sut', 'manifest', 'manifestFile', 'manifestPath']) {
      const file = fileOf(options[key]);
      if (file !== null) return file;
    }
  }
  return isRecord(manifest) ? fileOf(manifest['file']) : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number | null => (sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
  return { count: sorted.length, median: rank(0.5), p90: rank(0.9) };
}
