// Runs a crash suite: `cases` cases, case i drawn from its own seed (derived from the suite's seed)
// with scenario i mod the scenario list, `workers` at a time, each a failure-free run (reused where
// possible) and a faulty run under its fault plan; failing cases are shrunk. Every fact is in SQLite
// as it happens, so a suite killed midway resumes (--resume) without losing or repeating a case.

import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Scenario } from '../../scenarios/scenario.js';
import { scenarioNamed } from '../../scenarios/catalog.js';
import { caseArbitrary, caseSeed, type DrawnCase } from '../case/case-arbitrary.js';
import { supportedScenarios } from '../case/supported-scenarios.js';
import { faultProfile, highestRunnableLevel, levelUnavailable, levelUnsupported, type Level } from '../case/conformance-level.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import { Store } from '../store/store.js';
import { processPoolFor, type ProcessPoolStats } from '../process/process-pool.js';
import { FailureFreeRuns } from './failure-free-runs.js';
import { fastTempRoot } from './fast-temp-root.js';
import type { RunBounds } from './run-bounds.js';
import { runCase, type CaseResult } from './run-case.js';
import { shrinkCase, type ShrinkResult } from './shrink-case.js';
import { inShard, type Shard } from './shard.js';

export interface SuiteOptions {
  sut: LoadedManifest;
  manifestFile: string;
  /** Scenario names; empty for every scenario the SUT supports. */
  scenarios: string[];
  cases: number;
  seed: number;
  workers: number;
  dbFile: string;
  /** Start no new case after this long (cases under way finish). */
  timeBudgetMs: number | null;
  bounds: RunBounds;
  shrink: boolean;
  shrinkBudgetMs: number;
  /** Run in serving processes when the manifest declares serve (PROTOCOL.md §9); false: a process per start. */
  serve: boolean;
  /** Which fault kinds cases draw (default: the highest level the manifest allows). */
  level?: Level;
  /** Stop starting cases once one has failed (conformance, self-test). */
  stopAtFirstFailure?: boolean;
  /** Run only this machine's part of the cases (`--shard i/n`); every case when absent. */
  shard?: Shard;
}

/** What a suite stores as its options, and --resume reads back. */
export type StoredSuiteOptions = Omit<SuiteOptions, 'sut' | 'dbFile'>;

export type SuiteEvent =
  | { type: 'started'; suiteId: number; total: number; alreadyDone: number; scenarios: string[]; skipped: { name: string; missing: string[] }[] }
  | { type: 'case-finished'; index: number; scenario: string; seed: number; result: CaseResult }
  | { type: 'shrinking'; index: number; scenario: string; seed: number }
  | { type: 'shrunk'; index: number; scenario: string; seed: number; shrink: ShrinkResult }
  | { type: 'budget-exhausted'; started: number };

export interface SuiteFailure {
  index: number;
  scenario: string;
  seed: number;
  path: string;
  line: string;
  replayLine: string;
  result: CaseResult;
  drawn: DrawnCase;
}

export interface SuiteResult {
  suiteId: number;
  dbFile: string;
  casesRun: number;
  counts: { pass: number; fail: number; unknown: number };
  crashesInjected: number;
  casesWithCrash: number;
  failures: SuiteFailure[];
  stoppedByBudget: boolean;
  /** Serving-process figures, or null when every start spawned the command. */
  processes: ProcessPoolStats | null;
}

/** One line that names a failure and replays it: scenario, seed and path first. */
export function failureLine(scenario: string, seed: number, p: string, r: CaseResult): string {
  const a = r.verdict.anomaly;
  const where = a === null ? '' : `${a.batchTimeMs === null ? '' : ` at batch ${a.batchTimeMs} ms`}${a.output === null ? '' : ` in "${a.output}"`}${a.key === null ? '' : ` key ${a.key}`}`;
  return `FAIL scenario=${scenario} seed=${seed} path=${p}: ${a?.kind ?? r.verdict.verdict}${where}: ${a?.message ?? ''}`;
}

export async function runSuite(o: SuiteOptions, onEvent: (e: SuiteEvent) => void = () => {}, resumeSuiteId?: number): Promise<SuiteResult> {
  const store = Store.open(o.dbFile);
  const workRoot = fs.mkdtempSync(path.join(fastTempRoot(), 'streamcheck-suite-'));
  const failureFree = new FailureFreeRuns(path.join(workRoot, 'failure-free'));
  const pool = o.serve ? processPoolFor(o.sut, o.workers) : undefined;
  // Cases that do not pass keep their directories beside the database, for inspection.
  const casesDir = `${o.dbFile.replace(/\.(sqlite|db)$/, '')}-cases`;
  fs.mkdirSync(casesDir, { recursive: true });
  try {
    const { scenarios, skipped } = supportedScenarios(o.sut.manifest.operations, o.scenarios);
    if (scenarios.length === 0) throw new Error(`the SUT ${o.sut.manifest.name} supports none of the scenarios: ${skipped.map((s) => `${s.name} (needs ${s.missing.join(', ')})`).join('; ')}`);
    let suiteId: number;
    let done = new Set<number>();
    if (resumeSuiteId !== undefined) {
      suiteId = resumeSuiteId;
      store.dropUnfinishedCases(suiteId);
      done = store.finishedCaseIndexes(suiteId);
      store.reopenSuite(suiteId);
    } else {
      const stored: StoredSuiteOptions = { ...(o.shard === undefined ? {} : { shard: o.shard }), level: o.level, stopAtFirstFailure: o.stopAtFirstFailure, manifestFile: o.manifestFile, scenarios: o.scenarios, cases: o.cases, seed: o.seed, workers: o.workers, timeBudgetMs: o.timeBudgetMs, bounds: o.bounds, shrink: o.shrink, shrinkBudgetMs: o.shrinkBudgetMs, serve: o.serve };
      suiteId = store.beginSuite({ seed: o.seed, sutName: o.sut.manifest.name, manifest: o.sut.manifest, options: stored });
    }
    const total = Array.from({ length: o.cases }, (_, i) => i).filter((i) => inShard(i, o.shard)).length;
    onEvent({ type: 'started', suiteId, total, alreadyDone: done.size, scenarios: scenarios.map((s) => s.name), skipped });

    const level = o.level ?? highestRunnableLevel(o.sut.manifest);
    const unsupported = levelUnsupported(o.sut.manifest, level) ?? levelUnavailable(level);
    if (unsupported !== null) throw new Error(`${o.sut.manifest.name} cannot be tested at level ${level}: ${unsupported}`);
    const caps = faultProfile(level, o.sut.manifest);
    const todo = Array.from({ length: o.cases }, (_, i) => i).filter((i) => inShard(i, o.shard) && !done.has(i));
    const counts = { pass: 0, fail: 0, unknown: 0 };
    const failures: SuiteFailure[] = [];
    let crashesInjected = 0;
    let casesWithCrash = 0;
    let casesRun = 0;
    let stoppedByBudget = false;
    const t0 = Date.now();
    const common = { sut: o.sut, failureFree, workRoot, keepRoot: casesDir, manifestFile: o.manifestFile, level, bounds: o.bounds, store, suiteId, pool, storage: caps.powerLoss || caps.syscallCrashes };

    const runOne = async (index: number): Promise<void> => {
      const scenario: Scenario = scenarios[index % scenarios.length]!;
      const seed = caseSeed(o.seed, index);
      const drawn = fc.sample(caseArbitrary(scenario, caps), { seed, numRuns: 1 })[0]!;
      const result = await runCase({ seed, path: '0', drawn }, { ...common, caseIndex: index });
      casesRun += 1;
      counts[result.verdict.verdict] += 1;
      crashesInjected += result.crashesInjected;
      if (result.crashesInjected > 0) casesWithCrash += 1;
      onEvent({ type: 'case-finished', index, scenario: scenario.name, seed, result });
      if (result.verdict.verdict !== 'fail') return;
      let failure: SuiteFailure = { index, scenario: scenario.name, seed, path: '0', line: failureLine(scenario.name, seed, '0', result), replayLine: result.replayLine, result, drawn };
      if (o.shrink) {
        onEvent({ type: 'shrinking', index, scenario: scenario.name, seed });
        const shrink = await shrinkCase(scenarioNamed(scenario.name), caps, seed, { drawn, result }, { ...common, caseIndex: index, shrinkOf: result.caseId ?? undefined, shrinkBudgetMs: o.shrinkBudgetMs });
        onEvent({ type: 'shrunk', index, scenario: scenario.name, seed, shrink });
        if (shrink.result.verdict.verdict === 'fail') {
          failure = { index, scenario: scenario.name, seed, path: shrink.path, line: failureLine(scenario.name, seed, shrink.path, shrink.result), replayLine: shrink.result.replayLine, result: shrink.result, drawn: shrink.drawn };
          if (result.caseId !== null) store.recordCounterexample(result.caseId, shrink.result.replayLine, shrink.drawn, shrink.result.timeline);
        }
      } else if (result.caseId !== null) {
        store.recordCounterexample(result.caseId, result.replayLine, drawn, result.timeline);
      }
      failures.push(failure);
    };

    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        if (o.stopAtFirstFailure === true && failures.length + counts.fail > 0) return;
        if (o.timeBudgetMs !== null && Date.now() - t0 > o.timeBudgetMs) {
          if (next < todo.length) stoppedByBudget = true;
          return;
        }
        const i = next++;
        if (i >= todo.length) return;
        await runOne(todo[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.workers) }, worker));
    if (stoppedByBudget) onEvent({ type: 'budget-exhausted', started: next });
    else store.finishSuite(suiteId);
    return { suiteId, dbFile: o.dbFile, casesRun, counts, crashesInjected, casesWithCrash, failures, stoppedByBudget, processes: pool === undefined ? null : { ...pool.stats } };
  } finally {
    await pool?.close();
    failureFree.cleanup();
    fs.rmSync(workRoot, { recursive: true, force: true });
    if (fs.existsSync(casesDir) && fs.readdirSync(casesDir).length === 0) fs.rmSync(casesDir, { recursive: true, force: true });
    store.close();
  }
}
