// What a conformance level's verdict rests on, read back from SQLite: per fault kind, how many were
// applied to a start and how many landed (a kill after the run had exited, a corruption with no
// file to corrupt, a power loss without a usable trace did not land), and the durability lint of the
// level's traces. A level whose own fault kinds landed fewer than landedMin times is inconclusive.

import type { Level } from '../case/conformance-level.js';
import type { Store } from '../store/store.js';

/** The fault kinds each level adds to the one below: the ones its verdict must rest on. */
export const LEVEL_FAULT_KINDS: Readonly<Record<Level, readonly string[]>> = {
  L1: [],
  L2: ['kill-after'],
  L3: ['crash-point'],
  L4: ['corrupt-checkpoint'],
  L5: ['power-loss', 'syscall-kill'],
};

/** A level's own fault kinds must each land at least this often for a pass. */
export const LANDED_MIN = 1;

export interface LevelEvidence {
  /** `why`: what one fault of the kind that did not land said (the reason a level is inconclusive). */
  faults: { kind: string; applied: number; landed: number; why: string | null }[];
  lint: { kind: string; shape: string; cases: number; example: string }[];
  /** Failure-free runs that should have been traced and were not, with why. */
  untraced: string[];
  /** Writes outside the SUT's directories (table outside_writes): a finding, not a verdict. */
  outside: { path: string; how: string }[];
}

export function levelEvidence(store: Store, suiteId: number): LevelEvidence {
  const faults = store.db
    .prepare(
      `SELECT f.kind AS kind, count(*) AS applied, sum(f.injected) AS landed,
              max(CASE WHEN f.injected = 0 THEN json_extract(f.fault_json, '$.detail') END) AS why
       FROM faults f JOIN cases c ON c.id = f.case_id
       WHERE c.suite_id = ? AND c.role = 'case' GROUP BY f.kind ORDER BY f.kind`,
    )
    .all(suiteId) as LevelEvidence['faults'];
  const lint = store.db
    .prepare(
      `SELECT d.kind AS kind, d.shape AS shape, count(DISTINCT d.case_id) AS cases,
              min(d.op || ' (file change ' || d.seq || coalesce(', batch ' || d.batch_time_ms, '') || '): ' || d.message) AS example
       FROM durability_findings d JOIN cases c ON c.id = d.case_id WHERE c.suite_id = ? AND c.role = 'case' GROUP BY d.shape ORDER BY d.kind, d.shape`,
    )
    .all(suiteId) as LevelEvidence['lint'];
  const untraced = (
    store.db.prepare(`SELECT DISTINCT t.reason AS reason FROM traces t JOIN cases c ON c.id = t.case_id WHERE c.suite_id = ? AND t.status = 'untraced'`).all(suiteId) as { reason: string }[]
  ).map((r) => r.reason);
  const outside = store.db
    .prepare(`SELECT DISTINCT w.path AS path, w.how AS how FROM outside_writes w WHERE w.suite_id = ? ORDER BY w.id LIMIT 20`)
    .all(suiteId) as LevelEvidence['outside'];
  return { faults, lint, untraced, outside };
}

/** The kinds a level's verdict rests on: its own, and from L2 on, for a SUT with services (a database
 *  server), service-kill at every level, since each level's suite kills them too. */
export function levelFaultKinds(level: Level, hasServices = false): readonly string[] {
  return hasServices && level !== 'L1' ? [...LEVEL_FAULT_KINDS[level], 'service-kill'] : LEVEL_FAULT_KINDS[level];
}

/** Why the level's pass would rest on too little, or null when every kind it adds landed enough. */
export function inconclusive(level: Level, e: LevelEvidence, hasServices = false): string | null {
  const short = levelFaultKinds(level, hasServices).flatMap((kind) => {
    const f = e.faults.find((x) => x.kind === kind) ?? { kind, applied: 0, landed: 0, why: null };
    return f.landed < LANDED_MIN ? [`${f.landed} of ${f.applied} ${kind} faults landed (at least ${LANDED_MIN} needed)${f.why === null ? '' : `; one said: ${f.why}`}`] : [];
  });
  if (e.untraced.length > 0) short.push(`failure-free runs not traced: ${e.untraced.join('; ')}`);
  return short.length === 0 ? null : short.join('; ');
}

/** "landed: power-loss 5/5, syscall-kill 3/4" */
export function describeLanded(e: LevelEvidence): string {
  return e.faults.length === 0 ? 'no faults applied' : `faults landed: ${e.faults.map((f) => `${f.kind} ${f.landed}/${f.applied}`).join(', ')}`;
}
