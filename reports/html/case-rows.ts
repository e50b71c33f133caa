// Every stored row of one case that its HTML section draws from: process exits, faults and SUT
// events of both runs, read once. Events are capped (EVENTS_MAX) so a chatty SUT cannot make a
// report unreadably large; the cap is reported, never silent.

import type Database from 'better-sqlite3';
import type { TimelineRun } from './timeline-mark.js';

const EVENTS_MAX = 5000;

export interface ExitDbRow {
  run: TimelineRun;
  attempt: number;
  type: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stderrTail: string;
}

export interface FaultDbRow {
  run: TimelineRun;
  attempt: number;
  kind: string;
  injected: boolean;
  atMs: number | null;
  faultJson: string;
}

export interface EventDbRow {
  run: TimelineRun;
  attempt: number;
  atMs: number;
  kind: 'event' | 'garbage';
  name: string | null;
  json: string;
}

export interface CaseRows {
  runs: { run: TimelineRun; outcome: string | null }[];
  exits: ExitDbRow[];
  faults: FaultDbRow[];
  events: EventDbRow[];
  /** Events not read because of EVENTS_MAX. */
  eventsCut: number;
  caseJson: string | null;
  verdictJson: string | null;
}

export function caseRows(db: Database.Database, caseId: number): CaseRows {
  const runs = db.prepare('SELECT kind AS run, outcome FROM runs WHERE case_id = ? ORDER BY id').all(caseId) as CaseRows['runs'];
  const exits = db
    .prepare(
      `SELECT r.kind AS run, e.attempt, e.type, e.exit_code AS exitCode, e.signal, e.duration_ms AS durationMs, e.stderr_tail AS stderrTail
       FROM process_exits e JOIN runs r ON r.id = e.run_id WHERE r.case_id = ? ORDER BY r.id, e.attempt`,
    )
    .all(caseId) as ExitDbRow[];
  const faults = (
    db
      .prepare(
        `SELECT r.kind AS run, f.attempt, f.kind, f.injected, f.at_ms AS atMs, f.fault_json AS faultJson
         FROM faults f JOIN runs r ON r.id = f.run_id WHERE f.case_id = ? ORDER BY r.id, f.attempt, f.id`,
      )
      .all(caseId) as (Omit<FaultDbRow, 'injected'> & { injected: number })[]
  ).map((f) => ({ ...f, injected: f.injected === 1 }));
  const eventsSql = `FROM events e JOIN runs r ON r.id = e.run_id WHERE r.case_id = ?`;
  const events = db
    .prepare(`SELECT r.kind AS run, e.attempt, e.at_ms AS atMs, e.kind, e.name, e.json ${eventsSql} ORDER BY r.id, e.attempt, e.at_ms, e.id LIMIT ${EVENTS_MAX}`)
    .all(caseId) as EventDbRow[];
  const total = (db.prepare(`SELECT count(*) AS n ${eventsSql}`).get(caseId) as { n: number }).n;
  const c = db.prepare('SELECT case_json AS caseJson, verdict_json AS verdictJson FROM cases WHERE id = ?').get(caseId) as { caseJson: string | null; verdictJson: string | null } | undefined;
  return { runs, exits, faults, events, eventsCut: total - events.length, caseJson: c?.caseJson ?? null, verdictJson: c?.verdictJson ?? null };
}
