// Runs a crash suite: `cases` cases, case i drawn from its own seed (derived from the suite's seed)
// with scenario i mod the scenario list, `workers` at a time, each a failure-free run (reused where
// possible) and a faulty run under its fault plan. A failing case is re-run up to `reruns` times:
// it is a FAIL only if every re-run failed the same way (anomaly kind and checker), else FLAKY with
// its reproduction rate; a FAIL is then shrunk. Every fact is in SQLite as it happens, so a suite
// killed midway resumes (--resume) without losing or repeating a case, and continues a shrink that
// did not end at a local minimum.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Scenario } from '../../scenarios/scenario.js';
import { caseSeed, type DrawnCase } from '../case/case-arbitrary.js';
import { suiteFingerprint } from './suite-fingerprint.js';
import { scenarioForSut, supportedScenarios } from '../case/supported-scenarios.js';
import { faultProfile, highestRunnableLevel, levelUnavailable, levelUnsupported, type Level } from '../case/conformance-level.js';
import type { LoadedManifest } from '../protocol/manifest.js';
import { Store } from '../store/store.js';
import { processPoolFor, type ProcessPoolStats } from '../process/process-pool.js';
import { ServiceSet } from '../process/service-set.js';
import { FailureFreeRuns } from './failure-free-runs.js';
import { survivorSweep, type Survivor } from '../process/process-group.js';
import { CwdWatch, type OutsideWrite } from './outside-writes.js';
import { makeSuiteWorkRoot, removeSuiteWorkRoot, sweepDeadWorkRoots } from './suite-work-root.js';
import type { RunBounds } from './run-bounds.js';
import { runCase, type CaseResult } from './run-case.js';
import { shrinkCase, type ShrinkResult } from './shrink-case.js';
import { failureOutcome, reproductionRate, type CaseOutcome, type OutcomeName } from '../check/case-outcome.js';
import { failureSignature, type FailureSignature } from '../check/failure-signature.js';

/** Re-runs of a failing case before it is called FAIL (all reproduced) or FLAKY (some did not). */
export const RERUNS_DEFAULT = 3;
/** The most re-runs --reruns accepts: each is a whole faulty run. */
export const RERUNS_MAX = 20;
import { drawnAtPath } from '../case/drawn-at-path.js';
import { crashSpace, isReferenceEngine, type CoverageDimension } from '../case/crash-space.js';
import { formatKillAtEvents, parseKillAtEvents } from '../case/replay-line.js';
import { manifestHash, mergeCorpus, readCorpusFile, writeCorpusFile, type CorpusEntry } from '../store/corpus-file.js';
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
  /** The budget, not `cases`, ends the suite (--time-budget alone): reaching it finishes the suite. */
  untilBudget?: boolean;
  bounds: RunBounds;
  shrink: boolean;
  shrinkBudgetMs: number;
  /** Run in serving processes when the manifest declares serve (PROTOCOL.md §9); false: a process per start. */
  serve: boolean;
  /** Which fault kinds cases draw (default: the highest level the manifest allows). */
  level?: Level;
  /** Stop starting cases once one has failed (conformance, self-test). */
  stopAtFirstFailure?: boolean;
  /** Re-runs of a failing case to tell FAIL from FLAKY (default RERUNS_DEFAULT; 0: every failure is a FAIL). */
  reruns?: number;
  /** Run each failure-free run twice and compare output hashes; differing ones make the case NONDETERMINISTIC. */
  checkDeterminism?: boolean;
  /** Start no new case once this many cases failed or were flaky (null or absent: no limit). */
  maxFailures?: number | null;
  /** Stored failures of this SUT to replay before the drawn cases (corpus-entries-for.ts), as cases cases, cases+1, ... */
  corpus?: CorpusEntry[];
  /** The corpus file every failing case found is added to (null or absent: none). */
  corpusFile?: string | null;
  /** Where failing cases keep the crash states their timed kills left (default: <db>-crash-states beside the database). */
  crashStatesDir?: string;
  /** The crash space the level could hit (crash-space.ts), stored so reports can name the cells never hit. */
  crashSpace?: Record<CoverageDimension, string[]>;
  /** Run only this machine's part of the cases (`--shard i/n`); every case when absent. */
  shard?: Shard;
}

/** What a suite stores as its options, and --resume reads back. */
export type StoredSuiteOptions = Omit<SuiteOptions, 'sut' | 'dbFile'>;

export type SuiteEvent =
  | { type: 'started'; suiteId: number; total: number; alreadyDone: number; scenarios: string[]; skipped: { name: string; why: string }[]; swept: { workRoots: string[]; processes: Survivor[] }; corpus: number }
  | { type: 'case-finished'; index: number; scenario: string; seed: number; result: CaseResult }
  | { type: 'reran'; index: number; scenario: string; seed: number; outcome: CaseOutcome }
  | { type: 'shrinking'; index: number; scenario: string; seed: number; resumedFrom: string | null }
  | { type: 'shrunk'; index: number; scenario: string; seed: number; shrink: ShrinkResult }
  | { type: 'budget-exhausted'; started: number }
  | { type: 'max-failures'; failures: number; started: number };

export interface SuiteFailure {
  index: number;
  scenario: string;
  seed: number;
  path: string;
  line: string;
  replayLine: string;
  result: CaseResult;
  drawn: DrawnCase;
  /** 'fail' (reproduced on every re-run) or 'flaky' (not on all). */
  outcome: Extract<CaseOutcome, { type: 'fail' | 'flaky' }>;
  /** What groups failures of one bug: anomaly kind, checker and scenario. */
  signature: FailureSignature;
  /** How shrinking ended; null when the case was not shrunk (flaky, or --no-shrink). */
  shrink: { ending: ShrinkResult['ending']; candidates: number; unverified: string[] } | null;
}

export interface SuiteResult {
  suiteId: number;
  dbFile: string;
  casesRun: number;
  /** Cases by outcome: a failure is either fail or flaky, never both. */
  counts: Record<OutcomeName, number>;
  crashesInjected: number;
  casesWithCrash: number;
  failures: SuiteFailure[];
  stoppedByBudget: boolean;
  /** Stopped early because maxFailures cases failed. */
  stoppedByMaxFailures: boolean;
  /** Serving-process figures, or null when every start spawned the command. */
  processes: ProcessPoolStats | null;
  /** Processes a SUT started that outlived their process group (setsid) and were killed after their case:
   *  how many, and the first SURVIVORS_LISTED_MAX of them. */
  survivors: { count: number; listed: Survivor[] };
  /** Writes outside the SUT's directories (harness/run/outside-writes.ts), the first SURVIVORS_LISTED_MAX of them; all are in SQLite. */
  outside: { count: number; listed: OutsideWrite[] };
  /** Stored failures replayed first, and how many of them failed again. */
  corpusReplayed: number;
  corpusFailed: number;
  /** Failures this suite added to the corpus (file and table). */
  corpusAdded: number;
}

/** Survivors kept in a suite's result (the count is complete; the list is for the message). */
const SURVIVORS_LISTED_MAX = 20;

/** One line that names a failure and replays it: scenario, seed and path first. */
export function failureLine(scenario: string, seed: number, p: string, r: CaseResult, outcome?: CaseOutcome): string {
  const a = r.verdict.anomaly;
  const where = a === null ? '' : `${a.batchTimeMs === null ? '' : ` at batch ${a.batchTimeMs} ms`}${a.output === null ? '' : ` in "${a.output}"`}${a.key === null ? '' : ` key ${a.key}`}`;
  const head = outcome?.type === 'flaky' ? `FLAKY (${reproductionRate(outcome)})` : 'FAIL';
  return `${head} scenario=${scenario} seed=${seed} path=${p}: ${a?.kind ?? r.verdict.verdict}${where}: ${a?.message ?? ''}`;
}

/** Same anomaly kind and checker: a re-run reproduced the failure. */
const sameFailure = (a: CaseResult, b: CaseResult): boolean => b.verdict.verdict === 'fail' && b.verdict.anomaly?.kind === a.verdict.anomaly?.kind && b.verdict.anomaly?.checker === a.verdict.anomaly?.checker;

export async function runSuite(o: SuiteOptions, onEvent: (e: SuiteEvent) => void = () => {}, resumeSuiteId?: number): Promise<SuiteResult> {
  const store = Store.open(o.dbFile);
  // What dead harnesses left (a SIGKILL gives no chance to clean up): their work roots and SUT processes.
  const swept = { workRoots: sweepDeadWorkRoots(), processes: survivorSweep() };
  let workRoot: string;
  try {
    workRoot = makeSuiteWorkRoot();
  } catch (error) {
    store.close();
    throw error;
  }
  const failureFree = new FailureFreeRuns(path.join(workRoot, 'failure-free'), o.checkDeterminism === true);
  const reruns = Math.min(RERUNS_MAX, o.reruns ?? RERUNS_DEFAULT);
  // A service-kill in one case would strike every other case's runs on the same server: a SUT with
  // services runs one case at a time.
  const workers = o.sut.manifest.services === undefined ? o.workers : 1;
  const pool = o.serve ? processPoolFor(o.sut, workers) : undefined;
  let services: ServiceSet | null = null;
  // Cases that do not pass keep their directories beside the database, for inspection.
  const casesDir = `${o.dbFile.replace(/\.(sqlite|db)$/, '')}-cases`;
  // The crash states failing cases' timed kills left, for their replay lines (crash-state-files.ts).
  const crashStatesDir = path.resolve(o.crashStatesDir ?? `${o.dbFile.replace(/\.(sqlite|db)$/, '')}-crash-states`);
  let leased: number | null = null;
  const survivors: Survivor[] = [];
  let survivorCount = 0;
  const outside: OutsideWrite[] = [];
  let outsideCount = 0;
  // The SUT runs in its manifest's cwd (where its command lives); what appears there is reported.
  const cwdWatch = new CwdWatch(o.sut.cwd, [path.dirname(path.resolve(o.dbFile)), path.resolve(casesDir), crashStatesDir]);
  fs.mkdirSync(casesDir, { recursive: true });
  try {
    const { scenarios, skipped } = supportedScenarios(o.sut.manifest, o.scenarios);
    if (scenarios.length === 0) throw new Error(`the SUT ${o.sut.manifest.name} supports none of the scenarios: ${skipped.map((s) => `${s.name} (${s.why})`).join('; ')}`);
    let suiteId: number;
    let done = new Set<number>();
    if (resumeSuiteId !== undefined) {
      suiteId = resumeSuiteId;
      // One writer per suite: a second resume (or a resume while the suite runs) stops here with one line.
      store.takeSuiteLease(suiteId);
      leased = suiteId;
      store.dropUnfinishedCases(suiteId);
      done = store.finishedCaseIndexes(suiteId);
      store.reopenSuite(suiteId);
    } else {
      const lvl = o.level ?? highestRunnableLevel(o.sut.manifest);
      const space = crashSpace(faultProfile(lvl, o.sut.manifest), isReferenceEngine(o.sut.manifest.command));
      const stored: StoredSuiteOptions = { ...(o.shard === undefined ? {} : { shard: o.shard }), crashSpace: space, crashStatesDir, corpus: o.corpus ?? [], corpusFile: o.corpusFile ?? null, level: o.level, stopAtFirstFailure: o.stopAtFirstFailure, manifestFile: o.manifestFile, scenarios: o.scenarios, cases: o.cases, untilBudget: o.untilBudget, seed: o.seed, workers: o.workers, timeBudgetMs: o.timeBudgetMs, bounds: o.bounds, shrink: o.shrink, shrinkBudgetMs: o.shrinkBudgetMs, serve: o.serve, reruns, checkDeterminism: o.checkDeterminism === true, maxFailures: o.maxFailures ?? null };
      suiteId = store.beginSuite({ seed: o.seed, sutName: o.sut.manifest.name, manifest: o.sut.manifest, options: stored });
      store.setSuiteFingerprint(suiteId, suiteFingerprint(o.manifestFile, o.sut));
      store.takeSuiteLease(suiteId);
      leased = suiteId;
    }
    services = await ServiceSet.start(o.sut.manifest, o.sut.cwd);
    const corpus = o.corpus ?? [];
    const total = Array.from({ length: o.cases }, (_, i) => i).filter((i) => inShard(i, o.shard)).length + corpus.length;
    onEvent({ type: 'started', suiteId, total, alreadyDone: done.size, scenarios: scenarios.map((s) => s.name), skipped, swept, corpus: corpus.length });

    const level = o.level ?? highestRunnableLevel(o.sut.manifest);
    const unsupported = levelUnsupported(o.sut.manifest, level) ?? levelUnavailable(level);
    if (unsupported !== null) throw new Error(`${o.sut.manifest.name} cannot be tested at level ${level}: ${unsupported}`);
    const caps = faultProfile(level, o.sut.manifest);
    // Stored failures first (indexes cases, cases+1, ...), then the drawn cases.
    const todo = [...Array.from({ length: corpus.length }, (_, k) => o.cases + k), ...Array.from({ length: o.cases }, (_, i) => i).filter((i) => inShard(i, o.shard))].filter((i) => !done.has(i));
    const hash = manifestHash(o.sut.manifest);
    const found: CorpusEntry[] = [];
    let corpusReplayed = 0;
    let corpusFailed = 0;
    const counts: Record<OutcomeName, number> = { pass: 0, fail: 0, flaky: 0, unknown: 0, nondeterministic: 0, skipped: 0 };
    const failures: SuiteFailure[] = [];
    let crashesInjected = 0;
    let casesWithCrash = 0;
    let casesRun = 0;
    let stoppedByBudget = false;
    let stoppedByMaxFailures = false;
    const t0 = Date.now();
    const common = { sut: o.sut, failureFree, workRoot, keepRoot: casesDir, crashStatesDir, manifestFile: o.manifestFile, level, bounds: o.bounds, store, suiteId, serve: o.serve, pool, storage: caps.powerLoss || caps.syscallCrashes, services: services ?? undefined };

    // Path '0' is the case as first drawn: the one place a case is drawn is drawnAtPath.
    const drawnAt0 = (scenario: Scenario, seed: number): DrawnCase => drawnAtPath(scenario, caps, seed, '0')!;

    /** Shrinks a FAIL (or continues an interrupted shrink) and returns the failure to print, or null when nothing failed again. */
    const shrinkFailure = async (index: number, scenario: Scenario, seed: number, caseId: number | null, original: { drawn: DrawnCase; result: CaseResult | null }, outcome: Extract<CaseOutcome, { type: 'fail' }>, resumeFrom?: { path: string; candidates: number }): Promise<SuiteFailure | null> => {
      onEvent({ type: 'shrinking', index, scenario: scenario.name, seed, resumedFrom: resumeFrom?.path ?? null });
      const shrink = await shrinkCase(scenario, caps, seed, original, { ...common, caseIndex: index, shrinkOf: caseId ?? undefined, shrinkBudgetMs: o.shrinkBudgetMs, ...(resumeFrom === undefined ? {} : { resumeFrom }) });
      onEvent({ type: 'shrunk', index, scenario: scenario.name, seed, shrink });
      if (!shrink.verified) return null;
      if (caseId !== null) store.recordCounterexample(caseId, shrink.result.replayLine, shrink.drawn, shrink.result.timeline);
      const r = shrink.result;
      return { index, scenario: scenario.name, seed, path: shrink.path, line: failureLine(scenario.name, seed, shrink.path, r), replayLine: r.replayLine, result: r, drawn: shrink.drawn, outcome, signature: failureSignature(scenario.name, r.verdict), shrink: { ending: shrink.ending, candidates: shrink.candidates, unverified: shrink.unverified } };
    };

    /** A stored failure, replayed at its own level and kill points; a failure again is not shrunk (it was). */
    const replayStored = async (index: number, entry: CorpusEntry): Promise<void> => {
      const scenario = scenarioForSut(entry.scenario, o.sut.manifest);
      const entryCaps = faultProfile(entry.level, o.sut.manifest);
      const drawn = drawnAtPath(scenario, entryCaps, entry.seed, entry.path);
      if (drawn === undefined) throw new Error(`corpus entry: seed ${entry.seed} and path ${entry.path} name no case of scenario ${entry.scenario}`);
      const result = await runCase({ seed: entry.seed, path: entry.path, drawn, killAtEvents: parseKillAtEvents(entry.killAtEvents) }, { ...common, level: entry.level, storage: entryCaps.powerLoss || entryCaps.syscallCrashes, caseIndex: index });
      store.recordCorpus(suiteId, result.caseId, 'replayed', entry);
      casesRun += 1;
      corpusReplayed += 1;
      counts[result.outcome.type] += 1;
      crashesInjected += result.crashesInjected;
      if (result.crashesInjected > 0) casesWithCrash += 1;
      onEvent({ type: 'case-finished', index, scenario: scenario.name, seed: entry.seed, result });
      if (result.verdict.verdict !== 'fail') return;
      corpusFailed += 1;
      if (result.caseId !== null) store.recordCounterexample(result.caseId, result.replayLine, drawn, result.timeline);
      const outcome = { type: 'fail' as const, runs: 1, reproduced: 1 };
      failures.push({ index, scenario: scenario.name, seed: entry.seed, path: entry.path, line: failureLine(scenario.name, entry.seed, entry.path, result, outcome), replayLine: result.replayLine, result, drawn, outcome, signature: failureSignature(scenario.name, result.verdict), shrink: null });
    };

    /** A failing case found by this suite joins the corpus: table now, file at the end. */
    const keep = (f: SuiteFailure): void => {
      const entry: CorpusEntry = { sut: o.sut.manifest.name, manifestHash: hash, scenario: f.scenario, seed: f.seed, path: f.path, level, killAtEvents: formatKillAtEvents(f.result.killAtEvents), anomaly: f.result.verdict.anomaly?.kind ?? null, addedAt: new Date().toISOString() };
      store.recordCorpus(suiteId, f.result.caseId, 'found', entry);
      found.push(entry);
    };
    const addFailure = (f: SuiteFailure): void => {
      failures.push(f);
      keep(f);
    };

    const runOne = async (index: number): Promise<void> => {
      if (index >= o.cases) return replayStored(index, corpus[index - o.cases]!);
      const scenario: Scenario = scenarios[index % scenarios.length]!;
      const seed = caseSeed(o.seed, index);
      const drawn = drawnAt0(scenario, seed);
      const result = await runCase({ seed, path: '0', drawn }, { ...common, caseIndex: index });
      // Whatever the case's SUT processes left outside their groups dies here, and is reported.
      const left = survivorSweep();
      survivorCount += left.length;
      survivors.push(...left.slice(0, Math.max(0, SURVIVORS_LISTED_MAX - survivors.length)));
      const inCwd = cwdWatch.newEntries();
      if (inCwd.length > 0) store.recordOutsideWrites(suiteId, null, inCwd);
      for (const w of [...result.outside, ...inCwd]) {
        outsideCount += 1;
        if (outside.length < SURVIVORS_LISTED_MAX) outside.push(w);
      }
      casesRun += 1;
      crashesInjected += result.crashesInjected;
      if (result.crashesInjected > 0) casesWithCrash += 1;
      onEvent({ type: 'case-finished', index, scenario: scenario.name, seed, result });
      if (result.outcome.type !== 'fail') {
        counts[result.outcome.type] += 1;
        return;
      }
      // Re-run the very case (unstored: these are not cases of the suite) to see whether it reproduces,
      // as its replay line would: its timed kills at the recorded points and states, its corruptions
      // on the recorded files. A FLAKY verdict is then about the SUT given the same crashes, not about
      // where a new delay happened to land.
      let reproduced = 0;
      const seen: { verdict: string; anomaly: string | null; checker: string | null }[] = [];
      for (let k = 0; k < reruns; k++) {
        const again = await runCase({ seed, path: '0', drawn, killAtEvents: result.killAtEvents, corruptFiles: result.corruptFiles }, { ...common, store: undefined, keepWorkDir: 'never', crashStatesWrite: false });
        seen.push({ verdict: again.verdict.verdict, anomaly: again.verdict.anomaly?.kind ?? null, checker: again.verdict.anomaly?.checker ?? null });
        if (sameFailure(result, again)) reproduced += 1;
      }
      const outcome = failureOutcome(reruns, reproduced) as Extract<CaseOutcome, { type: 'fail' | 'flaky' }>;
      counts[outcome.type] += 1;
      if (result.caseId !== null) store.setCaseOutcome(result.caseId, { outcome: outcome.type, reruns, reproduced, detail: { reruns: seen } });
      onEvent({ type: 'reran', index, scenario: scenario.name, seed, outcome });
      const asDrawn: SuiteFailure = { index, scenario: scenario.name, seed, path: '0', line: failureLine(scenario.name, seed, '0', result, outcome), replayLine: result.replayLine, result, drawn, outcome, signature: failureSignature(scenario.name, result.verdict), shrink: null };
      if (outcome.type === 'flaky') {
        // A flaky case is not shrunk: a candidate that passes would prove nothing.
        addFailure(asDrawn);
        return;
      }
      if (!o.shrink) {
        if (result.caseId !== null) store.recordCounterexample(result.caseId, result.replayLine, drawn, result.timeline);
        addFailure(asDrawn);
        return;
      }
      addFailure((await shrinkFailure(index, scenario, seed, result.caseId, { drawn, result }, outcome)) ?? asDrawn);
    };

    // Shrinks an earlier run of this suite left unfinished (killed, or stopped at its budget) go on first.
    if (resumeSuiteId !== undefined && o.shrink) {
      for (const u of store.unfinishedShrinks(suiteId)) {
        const scenario = scenarios.find((x) => x.name === u.scenario);
        if (scenario === undefined) continue;
        const stored = store.caseOutcome(u.caseId);
        const outcome = { type: 'fail' as const, runs: (stored?.reruns ?? 0) + 1, reproduced: (stored?.reproduced ?? 0) + 1 };
        const f = await shrinkFailure(u.caseIndex, scenario, u.seed, u.caseId, { drawn: drawnAt0(scenario, u.seed), result: null }, outcome, { path: u.progress.path, candidates: u.progress.candidates });
        if (f !== null) addFailure(f);
      }
    }

    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        if (o.stopAtFirstFailure === true && failures.length + counts.fail + counts.flaky > 0) return;
        if (o.maxFailures !== undefined && o.maxFailures !== null && counts.fail + counts.flaky >= o.maxFailures) {
          if (next < todo.length) stoppedByMaxFailures = true;
          return;
        }
        if (o.timeBudgetMs !== null && Date.now() - t0 > o.timeBudgetMs) {
          if (next < todo.length) stoppedByBudget = true;
          return;
        }
        const i = next++;
        if (i >= todo.length) return;
        await runOne(todo[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
    if (stoppedByBudget && o.untilBudget === true) stoppedByBudget = false;
    if (stoppedByBudget) onEvent({ type: 'budget-exhausted', started: next });
    if (stoppedByMaxFailures) onEvent({ type: 'max-failures', failures: counts.fail + counts.flaky, started: next });
    if (!stoppedByBudget && !stoppedByMaxFailures) store.finishSuite(suiteId);
    let corpusAdded = 0;
    if (o.corpusFile != null && found.length > 0) {
      const merged = mergeCorpus(readCorpusFile(o.corpusFile, true), found);
      writeCorpusFile(o.corpusFile, merged.entries);
      corpusAdded = merged.added;
    }
    return { suiteId, dbFile: o.dbFile, casesRun, counts, crashesInjected, casesWithCrash, failures, stoppedByBudget, stoppedByMaxFailures, processes: pool === undefined ? null : { ...pool.stats }, survivors: { count: survivorCount, listed: survivors }, outside: { count: outsideCount, listed: outside }, corpusReplayed, corpusFailed, corpusAdded };
  } finally {
    await pool?.close();
    await services?.stop();
    failureFree.cleanup();
    removeSuiteWorkRoot(workRoot);
    if (leased !== null) store.releaseSuiteLease(leased);
    if (fs.existsSync(casesDir) && fs.readdirSync(casesDir).length === 0) fs.rmSync(casesDir, { recursive: true, force: true });
    store.close();
  }
}
