// Cases by scenario and fault kind, with their verdicts: the suite page's matrix. A case counts once
// under each kind of fault it had, and under "(none)" when no fault was applied to it.

import type Database from 'better-sqlite3';
import type { VerdictCounts } from '../suite-report.js';
import { inSuiteSql } from './in-suite-sql.js';

const NO_FAULT = '(none)';

export interface FaultMatrixCell extends VerdictCounts {
  scenario: string;
  faultKind: string;
}

export function faultMatrix(db: Database.Database, suiteId: number): FaultMatrixCell[] {
  return db
    .prepare(
      `SELECT c.scenario AS scenario, coalesce(k.kind, '${NO_FAULT}') AS faultKind, count(*) AS cases,
              coalesce(sum(c.verdict = 'pass'), 0) AS pass, coalesce(sum(c.verdict = 'fail'), 0) AS fail,
              coalesce(sum(c.verdict = 'unknown'), 0) AS unknown, coalesce(sum(c.verdict IS NULL), 0) AS unfinished
       FROM cases c LEFT JOIN (SELECT DISTINCT case_id, kind FROM faults) k ON k.case_id = c.id
       WHERE ${inSuiteSql(db)}
       GROUP BY c.scenario, faultKind ORDER BY c.scenario, faultKind`,
    )
    .all(suiteId) as FaultMatrixCell[];
}
