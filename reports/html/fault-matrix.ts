// Cases by scenario and fault kind, with their verdicts: the suite page's matrix. A case counts once
// under each kind of fault it had, and under "(none)" when no fault was applied to it.

import type Database from 'better-sqlite3';
import { VERDICT_COUNTS_SQL, type VerdictCounts } from '../suite-report.js';
import { inSuiteSql } from './in-suite-sql.js';

const NO_FAULT = '(none)';

export interface FaultMatrixCell extends VerdictCounts {
  scenario: string;
  faultKind: string;
}

export function faultMatrix(db: Database.Database, suiteId: number): FaultMatrixCell[] {
  return db
    .prepare(
      `SELECT c.scenario AS scenario, coalesce(k.kind, '${NO_FAULT}') AS faultKind, ${VERDICT_COUNTS_SQL}
       FROM cases c LEFT JOIN (SELECT DISTINCT case_id, kind FROM faults) k ON k.case_id = c.id
       WHERE ${inSuiteSql(db)}
       GROUP BY c.scenario, faultKind ORDER BY c.scenario, faultKind`,
    )
    .all(suiteId) as FaultMatrixCell[];
}
