// Crash-space coverage of one or more suites, from SQLite alone (table crash_coverage, written for
// every fault that landed in a drawn case; shrink candidates do not count): per dimension, the cells
// hit with the fault kinds and cases that hit them, and the cells the level could hit (the suite's
// stored crashSpace) that nothing hit. Used by the terminal summary, report.md, the HTML report and
// --min-coverage.

import type Database from 'better-sqlite3';
import { COVERAGE_DIMENSIONS as DIMENSIONS } from '../harness/case/crash-space.js';

export interface CrashCoverage {
  /** Per dimension: each cell hit, with the number of cases and the fault kinds that hit it. */
  hit: Record<string, { value: string; cases: number; kinds: string[] }[]>;
  /** Per dimension: the cells the levels could hit that no landed fault hit. */
  neverHit: Record<string, string[]>;
  /** The rows, for checking cells restricted to a fault kind. */
  rows: { faultKind: string; dimension: string; value: string }[];
}

export function crashCoverage(db: Database.Database, suiteIds: readonly number[]): CrashCoverage {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crash_coverage'").get() !== undefined;
  const hit: CrashCoverage['hit'] = {};
  const neverHit: CrashCoverage['neverHit'] = {};
  const rows: CrashCoverage['rows'] = [];
  const space: Record<string, Set<string>> = Object.fromEntries(DIMENSIONS.map((d) => [d, new Set<string>()]));
  for (const id of suiteIds) {
    const options = db.prepare('SELECT options_json FROM suites WHERE id = ?').get(id) as { options_json: string } | undefined;
    let stored: unknown;
    try {
      stored = options === undefined ? undefined : (JSON.parse(options.options_json) as { crashSpace?: unknown }).crashSpace;
    } catch {
      stored = undefined;
    }
    if (typeof stored === 'object' && stored !== null) {
      for (const d of DIMENSIONS) {
        const values = (stored as Record<string, unknown>)[d];
        if (Array.isArray(values)) for (const v of values) if (typeof v === 'string') space[d]!.add(v);
      }
    }
    if (!hasTable) continue;
    rows.push(
      ...(db
        .prepare(`SELECT DISTINCT k.fault_kind AS faultKind, k.dimension AS dimension, k.value AS value FROM crash_coverage k JOIN cases c ON c.id = k.case_id WHERE c.suite_id = ? AND c.role = 'case'`)
        .all(id) as CrashCoverage['rows']),
    );
  }
  const counts = hasTable && suiteIds.length > 0
    ? (db
        .prepare(
          `SELECT k.dimension AS dimension, k.value AS value, count(DISTINCT k.case_id) AS cases, group_concat(DISTINCT k.fault_kind) AS kinds
           FROM crash_coverage k JOIN cases c ON c.id = k.case_id
           WHERE c.suite_id IN (${suiteIds.map(() => '?').join(', ')}) AND c.role = 'case' GROUP BY k.dimension, k.value ORDER BY k.dimension, k.value`,
        )
        .all(...suiteIds) as { dimension: string; value: string; cases: number; kinds: string }[])
    : [];
  for (const d of DIMENSIONS) {
    hit[d] = counts.filter((c) => c.dimension === d).map((c) => ({ value: c.value, cases: c.cases, kinds: c.kinds.split(',').sort() }));
    const seen = new Set(hit[d]!.map((c) => c.value));
    neverHit[d] = [...space[d]!].filter((v) => !seen.has(v)).sort();
  }
  return { hit, neverHit, rows };
}

/** Compact lines: one per dimension with anything to say. */
export function describeCoverage(c: CrashCoverage): string[] {
  return DIMENSIONS.flatMap((d) => {
    const hit = c.hit[d]!;
    const never = c.neverHit[d]!;
    if (hit.length === 0 && never.length === 0) return [];
    const hitText = hit.map((h) => `${h.value} ${h.cases}`).join(', ');
    return [`${d}: ${hit.length} hit${hit.length === 0 ? '' : ` (${hitText})`}${never.length === 0 ? '' : `; never hit: ${never.join(', ')}`}`];
  });
}

/** The required cells (optionally of one fault kind) that no landed fault hit. */
export function emptyCells(c: CrashCoverage, required: readonly { faultKind: string | null; dimension: string; value: string }[]): string[] {
  return required
    .filter((r) => !c.rows.some((x) => x.dimension === r.dimension && x.value === r.value && (r.faultKind === null || x.faultKind === r.faultKind)))
    .map((r) => `${r.faultKind === null ? '' : `${r.faultKind}/`}${r.dimension}:${r.value}`);
}
