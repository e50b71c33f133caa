// streamcheck's programmatic API, what `import { runSuite, runConformance, readResults } from
// 'streamcheck'` gives: run a crash suite or a conformance check from your own test (ava, vitest,
// node:test) and read a stored suite's results. The same engine as the command; every fact is in the
// SQLite database it names, and the Markdown and HTML reports are written beside it.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifest } from './harness/protocol/manifest.js';
import { referenceManifestFile } from './harness/protocol/reference-manifest-file.js';
import { DEFAULT_RUN_BOUNDS, type RunBounds } from './harness/run/run-bounds.js';
import { runSuite as runStoredSuite, type SuiteEvent } from './harness/run/run-suite.js';
import { runConformance as runLevels, levelReached, type LevelOutcome } from './harness/conformance/run-conformance.js';
import { highestLevel, highestRunnableLevel, levelUnavailable, type Level } from './harness/case/conformance-level.js';
import { claimResultsFolder, resultsFolder } from './harness/cli/results-folder.js';
import { writeSuiteReport } from './harness/cli/write-report.js';
import type { Shard } from './harness/run/shard.js';
import { suiteReport, type SuiteReport } from './reports/suite-report.js';
import { scenarioNames } from './scenarios/catalog.js';

export type { Level, LevelOutcome, RunBounds, Shard, SuiteEvent, SuiteReport };
export { scenarioNames };

export interface RunSuiteOptions {
  /** The system under test's manifest file (PROTOCOL.md); default: the reference engine. */
  sut?: string;
  /** Scenario names; default: every scenario the SUT supports. */
  scenarios?: string[];
  /** Default 100. */
  cases?: number;
  /** Default: random (the result names it). */
  seed?: number;
  /** Cases at once; default one per core. */
  workers?: number;
  /** Default: the highest level the SUT allows that this machine can run. */
  level?: Level;
  /** The database; default <out>/run-<time>/streamcheck.sqlite. */
  db?: string;
  /** Results folder when no db is given; default ./streamcheck-results. */
  out?: string;
  timeBudgetMs?: number;
  /** Shrink failing cases (default true), each for at most shrinkBudgetMs (default 60 000). */
  shrink?: boolean;
  shrinkBudgetMs?: number;
  /** Use the SUT's serve mode when its manifest declares one (default true). */
  serve?: boolean;
  shard?: Shard;
  bounds?: Partial<RunBounds>;
  onEvent?: (e: SuiteEvent) => void;
}

export interface SuiteFailureLine {
  scenario: string;
  seed: number;
  path: string;
  /** FAIL scenario=... seed=... path=...: what went wrong. */
  line: string;
  /** The command that re-runs the (shrunk) case. */
  replayLine: string;
}

export interface SuiteOutcome {
  /** 'pass' only if every case ran and passed. */
  verdict: 'pass' | 'fail' | 'unknown';
  suiteId: number;
  seed: number;
  level: Level;
  dbFile: string;
  reportFile: string;
  htmlFile: string;
  counts: { pass: number; fail: number; unknown: number };
  failures: SuiteFailureLine[];
  /** The one-screen summary the command prints. */
  summary: string;
}

function databaseFile(kind: 'run' | 'conformance', db: string | undefined, out: string | undefined): string {
  if (db !== undefined) {
    fs.mkdirSync(path.dirname(path.resolve(db)), { recursive: true });
    return path.resolve(db);
  }
  const folder = resultsFolder(kind, out);
  claimResultsFolder(folder);
  return folder.dbFile;
}

/** Runs a crash suite; rejects on a bad manifest or option (before anything is written). */
export async function runSuite(o: RunSuiteOptions = {}): Promise<SuiteOutcome> {
  const manifestFile = o.sut === undefined ? referenceManifestFile() : path.resolve(o.sut);
  const sut = loadManifest(manifestFile);
  const level = o.level ?? highestRunnableLevel(sut.manifest);
  const unavailable = levelUnavailable(level);
  if (unavailable !== null) throw new Error(`level ${level}: ${unavailable}`);
  const dbFile = databaseFile('run', o.db, o.out);
  const seed = o.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const result = await runStoredSuite(
    {
      sut,
      manifestFile,
      scenarios: o.scenarios ?? [],
      cases: o.cases ?? 100,
      seed,
      workers: o.workers ?? os.availableParallelism(),
      dbFile,
      timeBudgetMs: o.timeBudgetMs ?? null,
      bounds: { ...DEFAULT_RUN_BOUNDS, ...o.bounds },
      shrink: o.shrink ?? true,
      shrinkBudgetMs: o.shrinkBudgetMs ?? 60_000,
      serve: o.serve ?? true,
      level,
      ...(o.shard === undefined ? {} : { shard: o.shard }),
    },
    o.onEvent,
  );
  const reportFile = path.join(path.dirname(dbFile), 'report.md');
  const htmlFile = path.join(path.dirname(dbFile), 'report.html');
  const summary = writeSuiteReport(dbFile, result.suiteId, reportFile, undefined, htmlFile);
  const verdict = result.counts.fail > 0 ? 'fail' : result.counts.unknown > 0 || result.stoppedByBudget ? 'unknown' : 'pass';
  return {
    verdict,
    suiteId: result.suiteId,
    seed,
    level,
    dbFile,
    reportFile,
    htmlFile,
    counts: result.counts,
    failures: result.failures.map((f) => ({ scenario: f.scenario, seed: f.seed, path: f.path, line: f.line, replayLine: f.replayLine })),
    summary,
  };
}

export interface ConformanceCheckOptions {
  sut?: string;
  /** Default 40. */
  casesPerLevel?: number;
  seed?: number;
  workers?: number;
  /** Start no new case of a level after this long; default 120 000. */
  levelBudgetMs?: number;
  shrinkBudgetMs?: number;
  scenarios?: string[];
  db?: string;
  out?: string;
  onLevel?: (l: LevelOutcome) => void;
}

export interface ConformanceOutcome {
  /** The highest level passed, or null. */
  reached: Level | null;
  /** The highest level the manifest claims. */
  claimed: Level;
  levels: LevelOutcome[];
  seed: number;
  dbFile: string;
}

/** Runs a suite at each conformance level up to the one the manifest claims, stopping at the first that does not pass. */
export async function runConformance(o: ConformanceCheckOptions = {}): Promise<ConformanceOutcome> {
  const manifestFile = o.sut === undefined ? referenceManifestFile() : path.resolve(o.sut);
  const sut = loadManifest(manifestFile);
  const dbFile = databaseFile('conformance', o.db, o.out);
  const seed = o.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const levels = await runLevels(
    { sut, manifestFile, dbFile, casesPerLevel: o.casesPerLevel ?? 40, seed, workers: o.workers ?? os.availableParallelism(), levelBudgetMs: o.levelBudgetMs ?? 120_000, shrinkBudgetMs: o.shrinkBudgetMs ?? 60_000, bounds: DEFAULT_RUN_BOUNDS, scenarios: o.scenarios ?? [] },
    o.onLevel,
  );
  return { reached: levelReached(levels), claimed: highestLevel(sut.manifest), levels, seed, dbFile };
}

/** What a stored suite found (the latest in the database, or suiteId), read from SQLite alone. */
export function readResults(dbFile: string, suiteId?: number): SuiteReport {
  return suiteReport(path.resolve(dbFile), suiteId);
}
