// What each restart of a faulty run cost: the time from the restart to the first sign of progress
// (a batch completed or an output committed) and to completion (a clean exit). Derived from stored
// events, faults and process durations; restart times are reconstructed as in attempt-spans.ts.

import type Database from 'better-sqlite3';
import { attemptSpans } from './attempt-spans.js';
import { inSuiteSql } from './in-suite-sql.js';

const PROGRESS_EVENTS = ['batch-completed', 'output-committed'];
const BEFORE_START_KINDS = ['wipe-scratch', 'corrupt-checkpoint'];

export interface RestartRecovery {
  caseIndex: number;
  attempt: number;
  /** Null when the restart printed no progress event. */
  toFirstProgressMs: number | null;
  /** Null when the restart did not exit cleanly. */
  toCompletionMs: number | null;
}

export function restartRecoveries(db: Database.Database, suiteId: number): RestartRecovery[] {
  const inSuite = inSuiteSql(db);
  const exits = db
    .prepare(
      `SELECT r.id AS runId, c.case_index AS caseIndex, e.attempt, e.type, e.duration_ms AS durationMs
       FROM process_exits e JOIN runs r ON r.id = e.run_id JOIN cases c ON c.id = r.case_id
       WHERE r.kind = 'faulty' AND ${inSuite} ORDER BY r.id, e.attempt`,
    )
    .all(suiteId) as { runId: number; caseIndex: number; attempt: number; type: string; durationMs: number }[];
  const beforeStart = db
    .prepare(
      `SELECT f.run_id AS runId, f.attempt, max(f.at_ms) AS atMs FROM faults f JOIN cases c ON c.id = f.case_id
       WHERE f.kind IN (${BEFORE_START_KINDS.map((k) => `'${k}'`).join(', ')}) AND f.at_ms IS NOT NULL AND ${inSuite} GROUP BY f.run_id, f.attempt`,
    )
    .all(suiteId) as { runId: number; attempt: number; atMs: number }[];
  const lines = db
    .prepare(
      `SELECT e.run_id AS runId, e.attempt, min(e.at_ms) AS firstLineMs,
              min(CASE WHEN e.name IN (${PROGRESS_EVENTS.map((n) => `'${n}'`).join(', ')}) THEN e.at_ms END) AS firstProgressMs
       FROM events e JOIN runs r ON r.id = e.run_id JOIN cases c ON c.id = r.case_id
       WHERE r.kind = 'faulty' AND ${inSuite} GROUP BY e.run_id, e.attempt`,
    )
    .all(suiteId) as { runId: number; attempt: number; firstLineMs: number; firstProgressMs: number | null }[];

  const key = (runId: number, attempt: number) => `${runId}:${attempt}`;
  const before = new Map(beforeStart.map((b) => [key(b.runId, b.attempt), b.atMs]));
  const firsts = new Map(lines.map((l) => [key(l.runId, l.attempt), l]));
  const byRun = new Map<number, typeof exits>();
  for (const e of exits) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), e]);

  const out: RestartRecovery[] = [];
  for (const [runId, runExits] of byRun) {
    const spans = attemptSpans(
      runExits.map((e) => ({
        attempt: e.attempt,
        durationMs: e.durationMs,
        beforeStartMs: before.get(key(runId, e.attempt)) ?? null,
        firstLineMs: firsts.get(key(runId, e.attempt))?.firstLineMs ?? null,
      })),
    );
    for (const e of runExits) {
      if (e.attempt < 2) continue;
      const span = spans.find((s) => s.attempt === e.attempt)!;
      const progress = firsts.get(key(runId, e.attempt))?.firstProgressMs ?? null;
      out.push({
        caseIndex: e.caseIndex,
        attempt: e.attempt,
        toFirstProgressMs: progress === null ? null : Math.max(0, progress - span.startMs),
        toCompletionMs: e.type === 'clean' ? e.durationMs : null,
      });
    }
  }
  return out.sort((a, b) => a.caseIndex - b.caseIndex || a.attempt - b.attempt);
}
