// All one suite's HTML report draws, read from its SQLite store alone (reports never run anything):
// the suite report the Markdown uses, plus the fault-kind matrix, what each restart cost, failure
// groups and, for the first DETAILED_CASES_MAX failing or unknown cases, their full details.

import Database from 'better-sqlite3';
import { suiteReport, type Counterexample, type SuiteReport } from '../suite-report.js';
import { caseDetail, type CaseDetail } from './case-detail.js';
import { faultMatrix, type FaultMatrixCell } from './fault-matrix.js';
import { problemGroups, type ProblemGroup } from './problem-groups.js';
import { restartRecoveries, type RestartRecovery } from './restart-recoveries.js';
import { storedVerdict, type StoredVerdict } from './stored-verdict.js';

/** Cases drawn in full; the rest are listed with their replay lines. */
const DETAILED_CASES_MAX = 20;

export interface HtmlSuiteData {
  report: SuiteReport;
  matrix: FaultMatrixCell[];
  recoveries: RestartRecovery[];
  groups: ProblemGroup[];
  details: CaseDetail[];
}

export function htmlSuiteData(dbFile: string, suiteId?: number): HtmlSuiteData {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const report = suiteReport(db, suiteId);
    const id = report.suite.id;
    const problems = [...report.failures, ...report.flaky, ...report.nondeterministic, ...report.unknowns].sort((a, b) => a.caseIndex - b.caseIndex);
    const verdictOf = db.prepare('SELECT verdict_json FROM cases WHERE id = ?');
    const verdicts = new Map<number, StoredVerdict>(problems.map((p) => [p.caseId, storedVerdict((verdictOf.get(p.caseId) as { verdict_json: string | null } | undefined)?.verdict_json ?? null)]));
    // The newest counterexample of a case is the smallest shrinking reached.
    const counterexamples = new Map<number, Counterexample>(report.counterexamples.map((x) => [x.caseId, x]));
    return {
      report,
      matrix: faultMatrix(db, id),
      recoveries: restartRecoveries(db, id),
      groups: problemGroups(problems, verdicts),
      details: problems.slice(0, DETAILED_CASES_MAX).map((p) => caseDetail(db, p, verdicts.get(p.caseId)!, counterexamples.get(p.caseId))),
    };
  } finally {
    db.close();
  }
}
