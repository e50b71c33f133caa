// Everything the HTML section of one failing (or unknown) case shows, read from the store: its
// timeline, expected against received by batch and by key, process exits with their stderr, and its
// counterexample (the minimal input, the fault plan, the replay line and that run's own timeline).

import type Database from 'better-sqlite3';
import type { CaseProblem, Counterexample } from '../suite-report.js';
import { batchCommits, type BatchCommits } from './batch-commits.js';
import { caseRows, type ExitDbRow } from './case-rows.js';
import type { StoredVerdict } from './stored-verdict.js';
import { timelineFromJson } from './timeline-from-json.js';
import { timelineFromRows } from './timeline-from-rows.js';
import type { TimelineMark } from './timeline-mark.js';

export interface CaseDetail {
  problem: CaseProblem;
  verdict: StoredVerdict;
  marks: TimelineMark[];
  /** Events of the case not read (the store holds more than a report draws). */
  eventsCut: number;
  commits: BatchCommits[];
  /** No failure-free run rows: the case reused an earlier case's, so expected commits are unknown here. */
  failureFreeReused: boolean;
  exits: ExitDbRow[];
  /** The case's own input and program (cases.case_json). */
  drawnCase: unknown;
  counterexample: { replayLine: string; shrunk: boolean; shrunkCase: unknown; marks: TimelineMark[]; skipped: number } | null;
}

export function caseDetail(db: Database.Database, problem: CaseProblem, verdict: StoredVerdict, counterexample: Counterexample | undefined): CaseDetail {
  const rows = caseRows(db, problem.caseId);
  let stored: CaseDetail['counterexample'] = null;
  if (counterexample !== undefined) {
    const row = db.prepare('SELECT timeline_json FROM counterexamples WHERE case_id = ? ORDER BY id DESC LIMIT 1').get(problem.caseId) as { timeline_json: string } | undefined;
    const t = timelineFromJson(row?.timeline_json ?? '[]');
    stored = { replayLine: counterexample.replayLine, shrunk: counterexample.shrunk, shrunkCase: counterexample.shrunkCase, marks: t.marks, skipped: t.skipped };
  }
  return {
    problem,
    verdict,
    marks: timelineFromRows(rows),
    eventsCut: rows.eventsCut,
    commits: batchCommits(rows.events),
    failureFreeReused: !rows.runs.some((r) => r.run === 'failure-free'),
    exits: rows.exits,
    drawnCase: parse(rows.caseJson),
    counterexample: stored,
  };
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
