// The whole SQLite schema, versioned. Rows are written as things happen (store first, judge second),
// so a suite killed midway keeps every finished case, and checkers can be re-run from the store.
// Bump SCHEMA_VERSION on any change; openStore refuses a database of another version.

// 3: verdict skipped; tables suite_leases, outside_writes, suite_fingerprints, case_outcomes, shrink_progress,
// crash_coverage, corpus (issues 12, 13, 15); views. 4: all of those together (branches that each called
// themselves 3 were merged).
export const SCHEMA_VERSION = 4;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS suites (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  seed INTEGER NOT NULL,
  sut_name TEXT NOT NULL,
  manifest_json TEXT NOT NULL,
  options_json TEXT NOT NULL
);

-- One writer per suite: the process running (or resuming) it. A lease whose holder is gone is taken over.
CREATE TABLE IF NOT EXISTS suite_leases (
  suite_id INTEGER PRIMARY KEY REFERENCES suites(id),
  holder_pid INTEGER NOT NULL,
  holder_host TEXT NOT NULL,
  taken_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS cases (
  id INTEGER PRIMARY KEY,
  suite_id INTEGER REFERENCES suites(id),
  case_index INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  seed INTEGER NOT NULL,
  path TEXT NOT NULL,
  case_json TEXT NOT NULL,
  fault_plan_json TEXT NOT NULL,
  work_dir TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  verdict TEXT CHECK (verdict IN ('pass', 'fail', 'unknown', 'skipped')),
  anomaly TEXT,
  first_batch_ms INTEGER,
  first_key TEXT,
  message TEXT,
  verdict_json TEXT,
  -- 'case': one of the suite's drawn cases; 'shrink': a smaller candidate tried while shrinking it.
  role TEXT NOT NULL DEFAULT 'case' CHECK (role IN ('case', 'shrink')),
  parent_case_id INTEGER REFERENCES cases(id),
  -- Wall time of the failure-free run (possibly reused from an earlier case) and of the faulty run.
  failure_free_ms INTEGER,
  faulty_ms INTEGER,
  failure_free_reused INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS cases_by_index ON cases (suite_id, case_index) WHERE role = 'case';

CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL CHECK (kind IN ('failure-free', 'faulty')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT CHECK (outcome IN ('completed', 'gave-up'))
);

CREATE TABLE IF NOT EXISTS process_exits (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  attempt INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('clean', 'nonzero-exit', 'signal', 'timeout', 'killed-by-harness')),
  exit_code INTEGER,
  signal TEXT,
  timed_out INTEGER NOT NULL,
  killed_by_harness INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  stderr_tail TEXT NOT NULL,
  spawn_error TEXT,
  command_json TEXT NOT NULL,
  UNIQUE (run_id, attempt)
);

CREATE TABLE IF NOT EXISTS faults (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  run_id INTEGER NOT NULL REFERENCES runs(id),
  attempt INTEGER NOT NULL,
  kind TEXT NOT NULL,
  fault_json TEXT NOT NULL,
  -- 0 when the run ended before the fault's moment came (crash point never reached, exit before the delay).
  injected INTEGER NOT NULL,
  at_ms INTEGER
);

CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  attempt INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('event', 'garbage')),
  name TEXT,
  json TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS counterexamples (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  replay_line TEXT NOT NULL,
  case_json TEXT NOT NULL,
  timeline_json TEXT NOT NULL
);

-- One row per bug variant of a \`streamcheck selftest\`: was the bug caught, how fast, and how small
-- its shrunk counterexample is. The variant's cases are an ordinary suite (suite_id). Rows of one
-- self-test share selftest_started_at.
CREATE TABLE IF NOT EXISTS selftest_results (
  id INTEGER PRIMARY KEY,
  selftest_started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  variant TEXT NOT NULL,
  suite_id INTEGER REFERENCES suites(id),
  seed INTEGER NOT NULL,
  scenarios_json TEXT NOT NULL,
  budget_ms INTEGER NOT NULL,
  shrink_budget_ms INTEGER NOT NULL,
  caught INTEGER NOT NULL,
  ms_to_first_failure INTEGER,
  cases_run INTEGER NOT NULL,
  -- The first failing case and what it found.
  case_id INTEGER REFERENCES cases(id),
  anomaly TEXT,
  message TEXT,
  failure_line TEXT,
  -- The shrunk counterexample: its size (input records, faults injected or planned) and replay line.
  shrunk_path TEXT,
  shrunk_input_records INTEGER,
  shrunk_faults INTEGER,
  shrunk_replay_line TEXT,
  shrink_candidates INTEGER,
  shrink_interrupted INTEGER
);

CREATE TABLE IF NOT EXISTS conformance_results (
  id INTEGER PRIMARY KEY,
  run_at TEXT NOT NULL,
  sut_name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('L1', 'L2', 'L3', 'L4', 'L5')),
  -- 'pass', 'fail', 'unknown', 'not-run' (a lower level failed), 'not-claimed' (the manifest does not allow it)
  outcome TEXT NOT NULL,
  suite_id INTEGER REFERENCES suites(id),
  cases INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  detail TEXT,
  replay_line TEXT
);

-- The file-operation trace of a case's failure-free run (level L5, PROTOCOL.md §10), once per run
-- traced (reused = 1 for the cases that shared it): its operations without their data (at most
-- traceOpsStoredMax), what made it incomplete, and writes outside the SUT's directories.
CREATE TABLE IF NOT EXISTS traces (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  status TEXT NOT NULL CHECK (status IN ('traced', 'untraced')),
  reason TEXT,
  reused INTEGER NOT NULL,
  file_changes INTEGER,
  fsyncs INTEGER,
  ops_json TEXT,
  incomplete_json TEXT,
  outside_json TEXT
);

-- Writes a SUT made outside its directories (harness/run/outside-writes.ts): from its trace, or seen
-- beside its run directories or in its cwd; case_id is NULL for what was seen in the cwd.
CREATE TABLE IF NOT EXISTS outside_writes (
  id INTEGER PRIMARY KEY,
  suite_id INTEGER REFERENCES suites(id),
  case_id INTEGER REFERENCES cases(id),
  path TEXT NOT NULL,
  how TEXT NOT NULL
);

-- Durability lint of a traced failure-free run (harness/check/durability-lint.ts): one row per finding.
CREATE TABLE IF NOT EXISTS durability_findings (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  shape TEXT NOT NULL,
  seq INTEGER NOT NULL,
  syscall TEXT NOT NULL,
  op TEXT NOT NULL,
  path TEXT NOT NULL,
  batch_time_ms INTEGER,
  message TEXT NOT NULL
);

-- Crash-space coverage (issue 12 item 2): for every fault that landed, the cells of the crash space
-- it hit, one row each: its crash point by name, the file operation it struck (a syscall kill's or an
-- I/O error's system call), the power-loss crash state, and its phase (first-run, recovery-1, ...).
CREATE TABLE IF NOT EXISTS crash_coverage (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  fault_kind TEXT NOT NULL,
  dimension TEXT NOT NULL CHECK (dimension IN ('crash-point', 'file-op', 'power-loss', 'phase')),
  value TEXT NOT NULL
);

-- The regression corpus (issue 12 item 7, harness/store/corpus-file.ts): failing cases this suite
-- found ('found', added to the corpus file) and stored failures it replayed first ('replayed';
-- case_id is the case that replayed it).
CREATE TABLE IF NOT EXISTS corpus (
  id INTEGER PRIMARY KEY,
  suite_id INTEGER NOT NULL REFERENCES suites(id),
  case_id INTEGER REFERENCES cases(id),
  role TEXT NOT NULL CHECK (role IN ('found', 'replayed')),
  sut_name TEXT NOT NULL,
  manifest_hash TEXT NOT NULL,
  scenario TEXT NOT NULL,
  seed INTEGER NOT NULL,
  path TEXT NOT NULL,
  level TEXT NOT NULL,
  kill_at_events TEXT NOT NULL,
  anomaly TEXT,
  added_at TEXT NOT NULL
);

-- Views for the questions people ask of a suite in sqlite3 (README, "Asking the database"). Drawn
-- cases only (role 'case'); a view changes no table, so databases of this version gain them on open.
-- What a landed fault of each kind cost: faulty run against failure-free run of the cases it landed in.
CREATE VIEW IF NOT EXISTS recovery_cost_by_fault_kind AS
SELECT c.suite_id AS suite_id, k.kind AS kind,
       count(*) AS cases,
       sum(k.landed) AS faults_landed,
       sum(r.outcome = 'completed') AS cases_recovered,
       round(avg(CAST(c.faulty_ms AS REAL) / NULLIF(c.failure_free_ms, 0)), 2) AS mean_cost_ratio,
       round(max(CAST(c.faulty_ms AS REAL) / NULLIF(c.failure_free_ms, 0)), 2) AS max_cost_ratio,
       round(avg(c.faulty_ms - c.failure_free_ms)) AS mean_extra_ms
FROM (SELECT case_id, run_id, kind, count(*) AS landed FROM faults WHERE injected = 1 GROUP BY case_id, run_id, kind) k
JOIN cases c ON c.id = k.case_id
JOIN runs r ON r.id = k.run_id
WHERE c.role = 'case'
GROUP BY c.suite_id, k.kind;

-- Cases that did not pass, grouped by what the checkers found ('unknown' when none was named).
CREATE VIEW IF NOT EXISTS failures_by_anomaly AS
SELECT c.suite_id AS suite_id, c.verdict AS verdict, coalesce(c.anomaly, c.verdict) AS anomaly,
       count(*) AS cases,
       group_concat(DISTINCT c.scenario) AS scenarios,
       min(c.case_index) AS first_case_index
FROM cases c
WHERE c.role = 'case' AND c.verdict IN ('fail', 'unknown')
GROUP BY c.suite_id, c.verdict, coalesce(c.anomaly, c.verdict);

CREATE INDEX IF NOT EXISTS cases_by_suite ON cases (suite_id, verdict);
CREATE INDEX IF NOT EXISTS events_by_run ON events (run_id, attempt);

-- Version 3, issue 12 (verdicts that rest on re-runs); additive: three tables, nothing else changed.

-- What a suite ran against, so --resume refuses a suite whose manifest file or SUT command changed.
CREATE TABLE IF NOT EXISTS suite_fingerprints (
  suite_id INTEGER PRIMARY KEY REFERENCES suites(id),
  manifest_sha256 TEXT NOT NULL,
  command_json TEXT NOT NULL
);

-- A case's outcome where its verdict alone does not say it: a failure re-run up to the suite's
-- reruns bound ('fail' if every re-run reproduced it, else 'flaky'), or a case whose failure-free
-- run gave different outputs twice ('nondeterministic'; cases.verdict is then 'unknown').
CREATE TABLE IF NOT EXISTS case_outcomes (
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  outcome TEXT NOT NULL CHECK (outcome IN ('fail', 'flaky', 'nondeterministic')),
  reruns INTEGER NOT NULL,
  reproduced INTEGER NOT NULL,
  detail TEXT
);

-- Shrinking of a failing case as it goes: the path of the smallest candidate seen failing so far, so
-- --resume continues an interrupted shrink; state 'shrinking' until it ends at a local minimum
-- ('minimal') or at its budget ('budget-ended'); verified_path is the counterexample re-run and seen
-- failing at the end (null: none was).
CREATE TABLE IF NOT EXISTS shrink_progress (
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  path TEXT NOT NULL,
  candidates INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('shrinking', 'minimal', 'budget-ended')),
  verified_path TEXT,
  updated_at TEXT NOT NULL
);
`;
