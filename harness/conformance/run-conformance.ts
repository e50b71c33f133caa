// `streamcheck conformance`: runs a suite at each conformance level in turn (L1 failure-free, L2
// timed SIGKILLs, L3 crash points + crashes in recovery + scratch loss, L4 storage faults), up to the
// highest level the SUT's manifest allows, stopping at the first level that fails. Each level's
// outcome, and the failing case of the first failing level, are printed and stored in SQLite.

import { LEVELS, levelUnavailable, levelUnsupported, type Level } from '../case/conformance-level.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import type { RunBounds } from '../run/run-bounds.js';
import { runSuite, type SuiteEvent, type SuiteFailure } from '../run/run-suite.js';
import { Store } from '../store/store.js';
import { inconclusive, levelEvidence, type LevelEvidence } from './level-evidence.js';

export type LevelOutcome =
  | { level: Level; outcome: 'pass'; suiteId: number; cases: number; evidence: LevelEvidence }
  | { level: Level; outcome: 'fail'; suiteId: number; cases: number; failure: SuiteFailure; evidence: LevelEvidence }
  | { level: Level; outcome: 'unknown'; suiteId: number; cases: number; detail: string; evidence?: LevelEvidence }
  | { level: Level; outcome: 'not-run'; detail: string }
  | { level: Level; outcome: 'not-claimed'; detail: string };

export interface ConformanceOptions {
  sut: LoadedManifest;
  manifestFile: string;
  dbFile: string;
  casesPerLevel: number;
  seed: number;
  workers: number;
  /** Start no new case of a level after this long. */
  levelBudgetMs: number;
  shrinkBudgetMs: number;
  bounds: RunBounds;
  scenarios: string[];
}

export async function runConformance(o: ConformanceOptions, onLevel: (l: LevelOutcome) => void = () => {}, onEvent: (level: Level, e: SuiteEvent) => void = () => {}): Promise<LevelOutcome[]> {
  const outcomes: LevelOutcome[] = [];
  let blocked: Level | null = null;
  for (const level of LEVELS) {
    let outcome: LevelOutcome;
    const unsupported = levelUnsupported(o.sut.manifest, level);
    const unavailable = levelUnavailable(level);
    if (unsupported !== null) {
      outcome = { level, outcome: 'not-claimed', detail: `not claimed: ${unsupported}` };
    } else if (blocked !== null) {
      outcome = { level, outcome: 'not-run', detail: `not run: level ${blocked} did not pass` };
    } else if (unavailable !== null) {
      // Claimed but not runnable on this machine: inconclusive, never a pass.
      outcome = { level, outcome: 'not-run', detail: `INCONCLUSIVE, skipped: ${unavailable}` };
      blocked = level;
    } else {
      const r = await runSuite(
        {
          sut: o.sut,
          manifestFile: o.manifestFile,
          scenarios: o.scenarios,
          cases: o.casesPerLevel,
          seed: o.seed,
          workers: o.workers,
          dbFile: o.dbFile,
          timeBudgetMs: o.levelBudgetMs,
          bounds: o.bounds,
          shrink: true,
          shrinkBudgetMs: o.shrinkBudgetMs,
          serve: true,
          level,
          stopAtFirstFailure: true,
        },
        (e) => onEvent(level, e),
      );
      const first = r.failures[0];
      const evidenceStore = Store.open(o.dbFile);
      let evidence: LevelEvidence;
      try {
        evidence = levelEvidence(evidenceStore, r.suiteId);
      } finally {
        evidenceStore.close();
      }
      const thin = inconclusive(level, evidence, o.sut.manifest.services !== undefined);
      if (first !== undefined) outcome = { level, outcome: 'fail', suiteId: r.suiteId, cases: r.casesRun, failure: first, evidence };
      else if (r.counts.nondeterministic > 0) outcome = { level, outcome: 'unknown', suiteId: r.suiteId, cases: r.casesRun, detail: `${r.counts.nondeterministic} case(s) nondeterministic: the failure-free run committed different outputs when run twice`, evidence };
      else if (r.counts.unknown > 0) outcome = { level, outcome: 'unknown', suiteId: r.suiteId, cases: r.casesRun, detail: `${r.counts.unknown} case(s) could not be judged`, evidence };
      else if (r.casesRun > 0 && r.counts.skipped === r.casesRun) outcome = { level, outcome: 'unknown', suiteId: r.suiteId, cases: r.casesRun, detail: 'inconclusive: the SUT declined every case (exit 4)', evidence };
      else if (r.casesRun === 0) outcome = { level, outcome: 'unknown', suiteId: r.suiteId, cases: 0, detail: 'no case ran within the level\'s time budget', evidence };
      else if (thin !== null) outcome = { level, outcome: 'unknown', suiteId: r.suiteId, cases: r.casesRun, detail: `inconclusive: ${thin}`, evidence };
      else outcome = { level, outcome: 'pass', suiteId: r.suiteId, cases: r.casesRun, evidence };
      if (outcome.outcome !== 'pass') blocked = level;
    }
    outcomes.push(outcome);
    const store = Store.open(o.dbFile);
    try {
      store.recordConformance({
        sutName: o.sut.manifest.name,
        level,
        outcome: outcome.outcome,
        suiteId: 'suiteId' in outcome ? outcome.suiteId : null,
        cases: 'cases' in outcome ? outcome.cases : 0,
        failures: outcome.outcome === 'fail' ? 1 : 0,
        detail: outcome.outcome === 'fail' ? outcome.failure.line : 'detail' in outcome ? outcome.detail : null,
        replayLine: outcome.outcome === 'fail' ? outcome.failure.replayLine : null,
      });
    } finally {
      store.close();
    }
    onLevel(outcome);
  }
  return outcomes;
}

/** The highest level passed, or null. */
export function levelReached(outcomes: readonly LevelOutcome[]): Level | null {
  let reached: Level | null = null;
  for (const o of outcomes) {
    if (o.outcome === 'pass') reached = o.level;
    else if (o.outcome !== 'not-claimed') break;
  }
  return reached;
}
