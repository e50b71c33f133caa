#!/usr/bin/env node
// streamcheck: run a randomized crash suite against a system under test, replay one case exactly,
// list the scenarios a SUT runs, or write a report from a suite's SQLite database. Bad arguments get
// one line naming them (exit 2); `run` exits 0 only if every case passed (flaky failures too, with
// --allow-flaky) or was declined by the SUT (skipped), and at least one passed.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { terminalSafe } from '../../reports/terminal-safe.js';
import cliProgress from 'cli-progress';
import { loadManifest, ManifestError, type LoadedManifest } from '../protocol/manifest.js';
import { DEFAULT_RUN_BOUNDS, type RunBounds } from '../run/run-bounds.js';
import { DEFAULT_OUTPUT_BOUNDS } from '../process/output-bounds.js';
import { containmentMode } from '../process/process-group.js';
import { StoreError } from '../store/store.js';
import { capWorkers } from './workers-cap.js';
import { runSuite, RERUNS_DEFAULT, RERUNS_MAX, type SuiteEvent, type SuiteFailure, type SuiteResult, type StoredSuiteOptions } from '../run/run-suite.js';
import { suiteFingerprint } from '../run/suite-fingerprint.js';
import { resumeConflicts, type FixedOption } from './resume-conflicts.js';
import { reproductionRate } from '../check/case-outcome.js';
import { signatureKey } from '../check/failure-signature.js';
import { faultsInjected, inputRecords } from '../selftest/run-variant.js';
import { Store } from '../store/store.js';
import { scenarioNamed, scenarioNames } from '../../scenarios/catalog.js';
import { supportedScenarios } from '../case/supported-scenarios.js';
import { describeReplay, replayCase } from './replay-case.js';
import { boundedInt, durationMs, nonNegativeInt, positiveInt } from './durations.js';
import { writeSuiteReport } from './write-report.js';
import { writeHtmlIndex } from '../../reports/html/write-html-index.js';
import { registerSelftest } from './selftest-command.js';
import { claimResultsFolder, DATABASE_FILE, resultsFolder, RESULTS_DIR_DEFAULT, type ResultsFolder } from './results-folder.js';
import { parseShard, type Shard } from '../run/shard.js';
import { registerMerge } from './merge-command.js';
import { MergeError } from '../store/merge-shards.js';
import { referenceManifestFile } from '../protocol/reference-manifest-file.js';
import { levelReached, runConformance, type LevelOutcome } from '../conformance/run-conformance.js';
import { describeLanded } from '../conformance/level-evidence.js';
import { describeFault, describeInjectedFault } from '../faults/fault.js';
import { parseCorruptFiles, parseKillAtEvents, type CorruptedFile, type KillAtEvent } from '../case/replay-line.js';
import { CorpusError, mergeCorpus, readCorpusFile, writeCorpusFile, type CorpusEntry } from '../store/corpus-file.js';
import { corpusEntriesFor } from '../run/corpus-entries-for.js';
import Database from 'better-sqlite3';
import { crashSpace, isReferenceEngine, parseCoverageCells, type RequiredCell } from '../case/crash-space.js';
import { crashCoverage, describeCoverage, emptyCells } from '../../reports/crash-coverage.js';
import { faultProfile, highestLevel, highestRunnableLevel, isLevel, levelUnavailable, LEVELS, type Level } from '../case/conformance-level.js';

class UsageError extends Error {}

/** The progress bar hides the cursor; every exit shows it again (Ctrl-C included). */
let cursorHidden = false;
/** The database a command is writing, named in errors SQLite gives without a path ("database or disk is full"). */
let currentDbFile: string | null = null;
/** `run`'s case count when neither --cases nor --time-budget is given. */
const CASES_DEFAULT = 100;
/** With --time-budget alone a suite runs until the budget; this only bounds its list of case indexes. */
const casesUnderBudgetMax = 1_000_000;

/** Lint findings printed per level; the rest are in SQLite. */
const LINT_SHOWN_MAX = 8;

/** Everything the CLI prints goes through terminalSafe: SUT-controlled text (its name, stderr, paths, messages)
 *  cannot move the cursor, clear the screen or retitle the terminal. */
const say = (text: string): boolean => process.stdout.write(terminalSafe(text, true));

/** The HTML report's file beside the Markdown report's: report.md -> report.html (never the same file). */
function htmlBeside(markdownFile: string): string {
  const ext = path.extname(markdownFile);
  return path.join(path.dirname(markdownFile), `${path.basename(markdownFile, ext)}${ext === '.html' ? '.report' : ''}.html`);
}

function describeLevel(l: LevelOutcome): string {
  const name = { L1: 'failure-free', L2: 'timed SIGKILLs', L3: 'crash points, crashes in recovery, scratch loss', L4: 'storage faults', L5: 'storage crash states (power loss, syscall kills)' }[l.level];
  switch (l.outcome) {
    case 'pass':
      return `${l.level} ${name.padEnd(50)} PASS  (${l.cases} cases)`;
    case 'fail':
      // A flaky failure fails the level too (the SUT was seen losing), but says that its re-runs did not all fail.
      return `${l.level} ${name.padEnd(50)} FAIL  (after ${l.cases} cases): ${l.failure.result.verdict.anomaly?.kind ?? 'fail'}${l.failure.outcome.type === 'flaky' ? ` (flaky: ${reproductionRate(l.failure.outcome)})` : ''}`;
    case 'unknown':
      return `${l.level} ${name.padEnd(50)} UNKNOWN: ${l.detail}`;
    case 'not-run':
    case 'not-claimed':
      return `${l.level} ${name.padEnd(50)} ${l.detail}`;
    default: {
      const never: never = l;
      return JSON.stringify(never);
    }
  }
}

function corruptFilesArg(text: string): CorruptedFile[] {
  try {
    return parseCorruptFiles(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function killAtEventsArg(text: string): KillAtEvent[] {
  try {
    return parseKillAtEvents(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function levelArg(text: string): Level {
  if (!isLevel(text)) throw new InvalidArgumentError(`--level must be one of ${LEVELS.join(', ')}, received ${JSON.stringify(text)}`);
  return text;
}

/** This package's version, from its package.json (two folders above dist/harness/cli). */
function packageVersion(): string {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The reference engine's manifest (with or without its startup snapshot, whichever loads here) when no --sut is given. */
const sutFile = (sut: string | undefined): string => (sut === undefined ? referenceManifestFile((line) => process.stderr.write(`note: ${line}\n`)) : path.resolve(sut));
/** The regression corpus every run reads and adds to, across result folders (under the current directory). */
const DEFAULT_CORPUS = path.join(RESULTS_DIR_DEFAULT, 'corpus.json');
/** --workers as asked, capped by cores and memory (workers-cap.ts), with its warning on stderr. */
function cappedWorkers(requested: number): number {
  const capped = capWorkers(requested);
  if (capped.warning !== null) process.stderr.write(`${capped.warning}\n`);
  return capped.workers;
}
const SUT_HELP = 'the system under test\'s manifest (default: the reference engine)';

function manifestAt(file: string): LoadedManifest {
  if (!fs.existsSync(file)) throw new UsageError(`--sut: no manifest file ${file}`);
  return loadManifest(file);
}

function scenarioList(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const known = scenarioNames();
  for (const n of names) if (!known.includes(n)) throw new InvalidArgumentError(`unknown scenario ${JSON.stringify(n)} (known: ${known.join(', ')})`);
  return names;
}

function bounds(o: { runTimeout?: number; caseTimeout?: number; restartsMax?: number; stdoutLineMaxBytes?: number; eventsPerStartMax?: number; outputFileMaxBytes?: number }): RunBounds {
  return {
    runTimeoutMs: o.runTimeout ?? DEFAULT_RUN_BOUNDS.runTimeoutMs,
    caseTimeoutMs: o.caseTimeout ?? DEFAULT_RUN_BOUNDS.caseTimeoutMs,
    restartsMax: o.restartsMax ?? DEFAULT_RUN_BOUNDS.restartsMax,
    output: {
      ...DEFAULT_OUTPUT_BOUNDS,
      ...(o.stdoutLineMaxBytes === undefined ? {} : { stdoutLineMaxBytes: o.stdoutLineMaxBytes }),
      ...(o.eventsPerStartMax === undefined ? {} : { eventsPerStartMax: o.eventsPerStartMax }),
      ...(o.outputFileMaxBytes === undefined ? {} : { outputFileMaxBytes: o.outputFileMaxBytes }),
    },
  };
}

/** Prints progress: a bar on a terminal, one line per failure always. */
/** Progress on stderr; with untilBudget the total is only a bound, so it is not shown. */
function progressPrinter(cases: number, untilBudget = false): { onEvent: (e: SuiteEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  const bar = tty ? new cliProgress.SingleBar({ format: `cases ${untilBudget ? '{value}' : '{bar} {value}/{total}'} | pass {pass} fail {fail} unknown {unknown} skipped {skipped} | faults landed {faults}${untilBudget ? '' : ' | {eta_formatted}'}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  // Faults landed, every kind, counted as the summary counts them (verdict-line.ts).
  const tally = { pass: 0, fail: 0, unknown: 0, skipped: 0, faults: 0 };
  let total = cases;
  let finished = 0;
  if (bar !== undefined) cursorHidden = true;
  const line = (text: string) => {
    if (bar !== undefined) bar.stop();
    say(`${text}\n`);
    if (bar !== undefined) bar.start(total, finished, tally);
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'started':
          finished = e.alreadyDone;
          total = e.total;
          for (const s of e.skipped) line(`skipping scenario ${s.name}: ${s.why}`);
          if (e.corpus > 0) line(`corpus: replaying ${e.corpus} stored failure(s) of this SUT first, as cases ${e.total - e.corpus}..${e.total - 1}`);
          if (e.alreadyDone > 0) line(`resuming suite ${e.suiteId}: ${e.alreadyDone} of ${e.total} cases already done`);
          if (e.swept.workRoots.length > 0) line(`removed ${e.swept.workRoots.length} work root(s) of streamcheck processes that no longer run: ${e.swept.workRoots.join(', ')}`);
          if (e.swept.processes.length > 0) line(`killed ${e.swept.processes.length} SUT process(es) left by streamcheck processes that no longer run: ${e.swept.processes.map((p) => `${p.pid} ${p.command}`).join('; ')}`);
          bar?.start(total, finished, tally);
          break;
        case 'case-finished':
          finished += 1;
          tally[e.result.verdict.verdict] += 1;
          tally.faults += e.result.timeline.filter((x) => x.type === 'fault' && x.injected).length;
          if (bar !== undefined) bar.update(finished, tally);
          else if (finished % 25 === 0 || (!untilBudget && finished === total)) process.stderr.write(`${finished}${untilBudget ? '' : `/${total}`} cases: pass ${tally.pass} fail ${tally.fail} unknown ${tally.unknown} skipped ${tally.skipped}, faults landed ${tally.faults}\n`);
          if (e.result.outcome.type === 'nondeterministic') line(`NONDETERMINISTIC scenario=${e.scenario} seed=${e.seed} path=0: the failure-free run committed different outputs when run twice\n  ${e.result.replayLine}`);
          else if (e.result.verdict.verdict === 'unknown') line(`UNKNOWN scenario=${e.scenario} seed=${e.seed} path=0: ${e.result.verdict.results.find((r) => r.type === 'unknown')?.type === 'unknown' ? (e.result.verdict.results.find((r) => r.type === 'unknown') as { error: string }).error : ''}\n  ${e.result.replayLine}`);
          break;
        case 'reran':
          if (e.outcome.type === 'flaky') line(`case ${e.index} (scenario=${e.scenario} seed=${e.seed}) FLAKY: ${reproductionRate(e.outcome)}; not shrunk`);
          else if (e.outcome.type === 'fail' && e.outcome.runs > 1) line(`case ${e.index} (scenario=${e.scenario} seed=${e.seed}) failed, ${reproductionRate(e.outcome)}`);
          break;
        case 'shrinking':
          line(e.resumedFrom === null ? `case ${e.index} (scenario=${e.scenario} seed=${e.seed}) failed; shrinking...` : `resuming the shrink of case ${e.index} (scenario=${e.scenario} seed=${e.seed}) from path ${e.resumedFrom}...`);
          break;
        case 'shrunk':
          line(
            !e.shrink.verified
              ? `case ${e.index} (scenario=${e.scenario} seed=${e.seed}): shrinking found no case that failed again after ${e.shrink.candidates} candidates: no counterexample`
              : `case ${e.index} (scenario=${e.scenario} seed=${e.seed}) shrunk after ${e.shrink.candidates} candidates${e.shrink.ending === 'budget-ended' ? ' (stopped at the shrink budget: the smallest case re-run and seen failing, which may not be minimal)' : ''}: path ${e.shrink.path}`,
          );
          break;
        case 'budget-exhausted':
          line(`time budget used up after starting ${e.started} cases; resume with --resume`);
          break;
        case 'max-failures':
          line(`stopped early: ${e.failures} failing cases reached --max-failures after starting ${e.started} cases; resume with --resume`);
          break;
        default: {
          const never: never = e;
          throw new Error(`unknown suite event ${JSON.stringify(never)}`);
        }
      }
    },
    stop: () => bar?.stop(),
  };
}

/** Timeline entries printed under a suite's failure (replay prints them all). */
const failureTimelineMax = 60;

/** A failure in full: its line (FAIL or FLAKY), replay line, case and timeline, and how shrinking ended. */
function printFailure(f: SuiteFailure, level: Level): void {
  const details = describeReplay({ scenario: f.scenario, seed: f.seed, path: f.path, level }, f.drawn, f.result, failureTimelineMax, true).split('\n');
  details[0] = f.line;
  if (f.shrink?.ending === 'budget-ended') details.splice(1, 0, `shrinking stopped at its budget after ${f.shrink.candidates} candidates: this case was re-run and seen failing, but it may not be minimal`);
  if (f.shrink !== null && f.shrink.unverified.length > 0) details.splice(1, 0, `smaller candidates that failed once passed when re-run, so they are not printed (paths ${f.shrink.unverified.join(', ')})`);
  if (f.outcome.type === 'flaky') details.splice(1, 0, `not shrunk: the failure did not reproduce on every re-run (${reproductionRate(f.outcome)})`);
  say(`\n${details.map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n')}\n`);
}

/** Smaller first: fewer input records, then fewer injected faults, then the shorter path. */
const counterexampleSize = (f: SuiteFailure): [number, number, number] => [inputRecords(f), faultsInjected(f.result), f.path.length];
const smaller = (a: SuiteFailure, b: SuiteFailure): number => {
  const x = counterexampleSize(a);
  const y = counterexampleSize(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.index - b.index;
};

/** Failures grouped by signature (anomaly kind, checker, scenario; FAIL apart from FLAKY): each group once, with its smallest counterexample; verbose prints every failure. */
function printFailures(result: SuiteResult, level: Level, verbose: boolean): void {
  const groups = new Map<string, SuiteFailure[]>();
  for (const f of [...result.failures].sort((a, b) => a.index - b.index)) {
    const key = `${f.outcome.type} ${signatureKey(f.signature)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const members of groups.values()) {
    const s = members[0]!.signature;
    const what = `${members[0]!.outcome.type === 'flaky' ? 'FLAKY' : 'FAIL'} ${s.anomaly} found by ${s.checker} in scenario ${s.scenario}`;
    say(`\n== ${members.length} ${members.length === 1 ? 'case' : 'cases'}: ${what} (case ${members.map((m) => m.index).join(', ')})${verbose || members.length === 1 ? '' : '; the smallest below, -v shows each'}\n`);
    for (const f of verbose ? members : [[...members].sort(smaller)[0]!]) printFailure(f, level);
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('streamcheck')
    .version(packageVersion(), '-V, --version', 'print streamcheck\'s version')
    .description('Crash-tests a streaming engine\'s checkpointing: randomized SIGKILLs, restarts, and checks against a failure-free run and a pure model.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error: ') ? `streamcheck: ${s}` : s) });
  let exitCode = 0;

  program
    .command('run')
    .description('run a randomized crash suite')
    .option('--sut <manifest>', SUT_HELP)
    .option('--scenarios <names>', `comma-separated scenarios (default: all the SUT supports): ${scenarioNames().join(', ')}`, scenarioList)
    .option('--cases <n>', `number of cases (default: ${CASES_DEFAULT}, or as many as --time-budget allows when that is given alone)`, positiveInt('--cases'))
    .option('--seed <n>', 'the suite\'s seed (default: random)', nonNegativeInt('--seed'))
    .addOption(new Option('--workers <n>', 'cases run at once').argParser(positiveInt('--workers')).default(os.availableParallelism(), `one per core, ${os.availableParallelism()}`))
    .option('--db <file>', `SQLite database (default: <out>/run-<time>/${DATABASE_FILE})`)
    .option('--out <dir>', `results folder (default: ./${RESULTS_DIR_DEFAULT} under the current directory)`)
    .option('--time-budget <duration>', 'start no new case after this long, e.g. 2m', durationMs('--time-budget'))
    .option('--no-shrink', 'do not shrink failing cases')
    .option('--no-serve', 'start the SUT command for every run, even if its manifest declares serve (PROTOCOL.md §9)')
    .addOption(new Option('--shrink-budget <duration>', 'time to spend shrinking one failing case').argParser(durationMs('--shrink-budget')).default(60_000, '60s'))
    .option('--run-timeout <duration>', 'bound on one start of the SUT', durationMs('--run-timeout'))
    .option('--case-timeout <duration>', 'bound on a case\'s faulty run, all restarts together', durationMs('--case-timeout'))
    .option('--restarts-max <n>', 'restarts after the first start before a case gives up', nonNegativeInt('--restarts-max'))
    .option('--stdout-line-max-bytes <n>', `longest stdout line of a SUT before its case is output-too-large (default ${DEFAULT_OUTPUT_BOUNDS.stdoutLineMaxBytes})`, positiveInt('--stdout-line-max-bytes'))
    .option('--events-per-start-max <n>', `stdout lines one start may print (default ${DEFAULT_OUTPUT_BOUNDS.eventsPerStartMax})`, positiveInt('--events-per-start-max'))
    .option('--output-file-max-bytes <n>', `largest output file read (default ${DEFAULT_OUTPUT_BOUNDS.outputFileMaxBytes})`, positiveInt('--output-file-max-bytes'))
    .option('--level <level>', 'conformance level of the faults to inject, L1..L5 (default: the highest the SUT allows that this machine can run)', levelArg)
    .addOption(new Option('--resume [suiteId]', 'continue the latest (or given) suite in --db').argParser(positiveInt('--resume')))
    .option('--report <file>', 'write the Markdown report here (default: beside the database), and the HTML report beside it')
    .option('--shard <i/n>', 'run only shard i of n of the suite\'s cases (same seed on every machine; join them with merge)', parseShard)
    .option('--junit <file>', 'also write a JUnit XML report (one test case per case) for CI')
    .option('--reruns <n>', `re-runs of a failing case: FAIL if every one fails the same way, else FLAKY (at most ${RERUNS_MAX})`, boundedInt('--reruns', RERUNS_MAX), RERUNS_DEFAULT)
    .option('--allow-flaky', 'exit 0 even if some failures are flaky (they are still reported)')
    .option('--check-determinism', 'run each failure-free run twice and compare output hashes; a difference makes the case NONDETERMINISTIC')
    .option('--max-failures <n>', 'start no new case once this many cases failed (FAIL or FLAKY)', positiveInt('--max-failures'))
    .option('-v, --verbose', 'print every failure in full, not one per signature')
    .option('--corpus <file>', 'the regression corpus: its failures of this SUT are replayed first, and new failures are added to it (default: results/corpus.json, or corpus.json beside --db)')
    .option('--no-corpus', 'neither replay nor add to the regression corpus')
    .option('--min-coverage <cells>', 'exit non-zero when one of these crash-space cells stays empty, e.g. crash-point:output:renamed,phase:recovery-2,kill-after/phase:recovery-1')
    .action(async (o, command: Command) => {
      let coverageShort = false;
      const fromCli = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
      let manifestFile: string = sutFile(o.sut);
      let opts: StoredSuiteOptions;
      let resumeId: number | undefined;
      let dbFile: string;
      let folder: ResultsFolder | undefined;
      if (o.resume !== undefined) {
        if (o.db === undefined) throw new UsageError('--resume needs --db <file>: the database of the suite to continue');
        if (!fs.existsSync(o.db)) throw new UsageError(`--db: no database ${o.db} to resume`);
        dbFile = path.resolve(o.db);
        currentDbFile = dbFile;
        const store = Store.open(dbFile);
        const suite = store.suite(o.resume === true ? undefined : o.resume);
        store.close();
        if (suite === undefined) throw new UsageError(`--resume: ${o.db} has no suite${o.resume === true ? '' : ` ${o.resume}`}`);
        // Suites stored before serve mode existed ran a process per start.
        opts = { serve: false, ...(suite.options as Partial<StoredSuiteOptions>) } as StoredSuiteOptions;
        const given: Partial<Record<FixedOption, unknown>> = {};
        const fixed: [string, FixedOption, unknown][] = [
          ['sut', 'manifestFile', manifestFile],
          ['scenarios', 'scenarios', o.scenarios],
          ['cases', 'cases', o.cases],
          ['seed', 'seed', o.seed],
          ['level', 'level', o.level],
          ['shrink', 'shrink', o.shrink],
          ['serve', 'serve', o.serve],
          ['runTimeout', 'runTimeoutMs', o.runTimeout],
          ['caseTimeout', 'caseTimeoutMs', o.caseTimeout],
          ['restartsMax', 'restartsMax', o.restartsMax],
          ['reruns', 'reruns', o.reruns],
          ['checkDeterminism', 'checkDeterminism', o.checkDeterminism === true],
        ];
        for (const [name, key, value] of fixed) if (fromCli(name)) given[key] = value;
        const fingerprintStore = Store.open(dbFile);
        const storedFingerprint = fingerprintStore.suiteFingerprint(suite.id);
        fingerprintStore.close();
        const conflicts = resumeConflicts(suite.id, opts, given, { stored: storedFingerprint, now: suiteFingerprint(opts.manifestFile, manifestAt(opts.manifestFile)) });
        if (conflicts.length > 0) throw new UsageError(conflicts.join('\nstreamcheck: error: '));
        // What may change between two sittings of one suite: how fast, and how long.
        if (fromCli('workers')) opts.workers = o.workers;
        if (fromCli('timeBudget')) opts.timeBudgetMs = o.timeBudget;
        if (fromCli('shrinkBudget')) opts.shrinkBudgetMs = o.shrinkBudget;
        if (fromCli('maxFailures')) opts.maxFailures = o.maxFailures;
        manifestFile = opts.manifestFile;
        resumeId = suite.id;
      } else {
        folder = o.db === undefined ? resultsFolder('run', o.out) : undefined;
        dbFile = path.resolve(o.db ?? folder!.dbFile);
        opts = {
          manifestFile,
          scenarios: o.scenarios ?? [],
          cases: o.cases ?? (o.timeBudget === undefined ? CASES_DEFAULT : casesUnderBudgetMax),
          untilBudget: o.cases === undefined && o.timeBudget !== undefined,
          seed: o.seed ?? Math.floor(Math.random() * 0x7fffffff),
          workers: o.workers,
          timeBudgetMs: o.timeBudget ?? null,
          bounds: bounds(o),
          shrink: o.shrink,
          shrinkBudgetMs: o.shrinkBudget,
          serve: o.serve,
          level: o.level,
          reruns: o.reruns,
          checkDeterminism: o.checkDeterminism === true,
          maxFailures: o.maxFailures ?? null,
          corpusFile: o.corpus === false ? null : typeof o.corpus === 'string' ? path.resolve(o.corpus) : (o.db === undefined ? path.join(path.dirname(path.dirname(dbFile)), 'corpus.json') : path.join(path.dirname(dbFile), 'corpus.json')),
          // Crash states of failing cases (crash-state-files.ts): in the results folder's root, shared by its
          // runs, so the corpus's replays find the states of the runs that found them.
          crashStatesDir: o.db === undefined ? path.join(path.dirname(path.dirname(dbFile)), 'crash-states') : `${dbFile.replace(/\.(sqlite|db)$/, '')}-crash-states`,
          ...(o.shard === undefined ? {} : { shard: o.shard as Shard }),
        };
        if (opts.corpusFile != null) {
          const { replay, skipped } = corpusEntriesFor(readCorpusFile(opts.corpusFile, true), manifestAt(manifestFile).manifest);
          opts.corpus = replay;
          for (const x of skipped) process.stdout.write(`corpus: not replaying ${x.entry.scenario} seed ${x.entry.seed} path ${x.entry.path} (${x.entry.level}): ${x.why}\n`);
        }
      }
      const sut = manifestAt(manifestFile);
      opts.workers = cappedWorkers(opts.workers);
      if (opts.level === undefined) {
        opts.level = highestRunnableLevel(sut.manifest);
        const claimed = highestLevel(sut.manifest);
        if (claimed !== opts.level) say(`note: running at level ${opts.level}, not ${claimed}: ${levelUnavailable(claimed)}\n`);
      } else if (levelUnavailable(opts.level) !== null) {
        throw new UsageError(`--level ${opts.level}: ${levelUnavailable(opts.level)}`);
      }
      // Checked: only now does anything appear on disk.
      if (folder !== undefined) claimResultsFolder(folder);
      else fs.mkdirSync(path.dirname(dbFile), { recursive: true });
      currentDbFile = dbFile;
      const space = crashSpace(faultProfile(opts.level, sut.manifest), isReferenceEngine(sut.manifest.command));
      let required: RequiredCell[] = [];
      if (o.minCoverage !== undefined) {
        try {
          required = parseCoverageCells(o.minCoverage as string, space);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      }
      const howMany = opts.untilBudget === true ? `cases until the time budget (${Math.round((opts.timeBudgetMs ?? 0) / 1000)} s)` : `${opts.cases} cases`;
      say(`streamcheck run: level ${opts.level}, seed ${opts.seed}, ${howMany}${opts.shard === undefined ? '' : ` (shard ${opts.shard.index}/${opts.shard.count})`}, ${sut.manifest.services === undefined ? `${opts.workers} workers` : `1 worker (the SUT has services: ${sut.manifest.services.map((x) => x.name).join(', ')}, started for the suite)`}, SUT ${sut.manifest.name}\ndatabase: ${path.relative(process.cwd(), dbFile)}\ncontainment: ${containmentMode()}\n`);
      const progress = progressPrinter(opts.cases + (opts.corpus?.length ?? 0), opts.untilBudget === true);
      let result: SuiteResult;
      try {
        result = await runSuite({ ...opts, sut, dbFile }, progress.onEvent, resumeId);
      } finally {
        progress.stop();
      }
      printFailures(result, (opts.level ?? highestRunnableLevel(sut.manifest)) as Level, o.verbose === true);
      if (result.outside.count > 0) {
        say(`\nwarning: the SUT wrote ${result.outside.count} time(s) outside its checkpoint, output and scratch directories (table outside_writes):\n${result.outside.listed.map((w) => `  ${w.path}: ${w.how}\n`).join('')}`);
      }
      if (result.survivors.count > 0) {
        say(`\nwarning: ${result.survivors.count} process(es) started by the SUT left their process group (setsid) and outlived their case; the harness killed them:\n${result.survivors.listed.map((p) => `  pid ${p.pid}: ${p.command}\n`).join('')}`);
      }
      const reportFile = path.resolve(o.report ?? path.join(path.dirname(dbFile), 'report.md'));
      const htmlFile = htmlBeside(reportFile);
      const summary = writeSuiteReport(dbFile, result.suiteId, reportFile, o.junit === undefined ? undefined : path.resolve(o.junit), htmlFile);
      say(`\n${summary}\nreport: ${path.relative(process.cwd(), reportFile)}\nhtml report: ${path.relative(process.cwd(), htmlFile)}\n`);
      if (required.length > 0) {
        const db = new Database(dbFile, { readonly: true });
        let empty: string[];
        try {
          empty = emptyCells(crashCoverage(db, [result.suiteId]), required);
        } finally {
          db.close();
        }
        if (empty.length > 0) {
          say(`--min-coverage: ${empty.length} of ${required.length} required cell(s) never hit by a landed fault: ${empty.join(', ')}\n`);
          coverageShort = true;
        }
      }
      if (result.corpusReplayed > 0) say(`corpus: ${result.corpusReplayed} stored failure(s) replayed, ${result.corpusFailed} failed again\n`);
      if (result.corpusAdded > 0 && opts.corpusFile != null) say(`corpus: ${result.corpusAdded} new failure(s) added to ${path.relative(process.cwd(), opts.corpusFile)}\n`);
      const c = result.counts;
      const flakyFails = c.flaky > 0 && o.allowFlaky !== true;
      if (c.flaky > 0 && o.allowFlaky === true && c.fail === 0) say(`${c.flaky} flaky ${c.flaky === 1 ? 'case' : 'cases'} allowed by --allow-flaky\n`);
      // A suite whose every case the SUT declined tested nothing: inconclusive, not a pass.
      const allSkipped = result.casesRun > 0 && c.skipped === result.casesRun;
      exitCode = c.fail === 0 && c.unknown === 0 && c.nondeterministic === 0 && !flakyFails && !allSkipped && !result.stoppedByBudget && !result.stoppedByMaxFailures && !coverageShort ? 0 : 1;
    });

  program
    .command('scenarios')
    .description('list which scenarios a SUT runs (and as what), and why the others cannot')
    .option('--sut <manifest>', SUT_HELP)
    .option('--verbose', 'also print what each scenario\'s program does')
    .action((o) => {
      const sut = manifestAt(sutFile(o.sut));
      const { choices } = supportedScenarios(sut.manifest);
      const width = Math.max(...choices.map((c) => c.name.length));
      for (const c of choices) {
        process.stdout.write(`${c.runs ? 'runs ' : 'skips'}  ${c.name.padEnd(width)}  ${c.why}\n`);
        // What the program is, so a workload's author need not read scenarios/catalog/.
        if (o.verbose === true) process.stdout.write(`       ${' '.repeat(width)}  ${scenarioNamed(c.name).description}\n`);
      }
      const runs = choices.filter((c) => c.runs).length;
      process.stdout.write(`${sut.manifest.name}: ${runs} of ${choices.length} scenarios run\n`);
      if (runs === 0) exitCode = 2;
    });

  program
    .command('replay')
    .description('re-run exactly one case, from the line a failure printed')
    .option('--sut <manifest>', SUT_HELP)
    .requiredOption('--scenario <name>', 'the case\'s scenario')
    .requiredOption('--seed <n>', 'the case\'s seed', nonNegativeInt('--seed'))
    .option('--path <path>', 'the fast-check path of the (shrunk) case', '0')
    .option('--keep <dir>', 'where to keep the case\'s directories', path.join(os.tmpdir(), 'streamcheck-replays'))
    .option('--level <level>', 'the conformance level the case was drawn at (default: the highest the SUT allows)', levelArg)
    .option('--run-timeout <duration>', 'bound on one start of the SUT', durationMs('--run-timeout'))
    .option('--case-timeout <duration>', 'bound on the faulty run', durationMs('--case-timeout'))
    .option('--restarts-max <n>', 'restarts before giving up', nonNegativeInt('--restarts-max'))
    .option('--no-serve', 'start the SUT command for every run, even if its manifest declares serve (PROTOCOL.md §9)')
    .option('--kill-at-events <list>', 'where the recorded run\'s timed kills landed, as start:event-line[+ms][@state digest] (- for one that did not land), e.g. 1:5+3ms@3fa2c1d0b9e8,3:-; printed by the failure', killAtEventsArg)
    .option('--corrupt-files <list>', 'which metadata checkpoint file each recorded corruption struck, as start:file (URI-encoded), e.g. 2:checkpoint-28000; printed by the failure', corruptFilesArg)
    .option('--crash-states <dir>', 'where the recorded run kept the crash states its timed kills left (printed by the failure): put back exactly when the replayed kill leaves another state (a state missing there is said so, and the replay re-runs the start for it instead); read only')
    .action(async (o) => {
      if (!scenarioNames().includes(o.scenario)) throw new UsageError(`--scenario: unknown scenario ${JSON.stringify(o.scenario)} (known: ${scenarioNames().join(', ')})`);
      if (!/^\d+(:\d+)*$/.test(o.path)) throw new UsageError(`--path must look like 0:1:3, received ${JSON.stringify(o.path)}`);
      const manifestFile = sutFile(o.sut);
      const sut = manifestAt(manifestFile);
      if (o.crashStates !== undefined && fs.existsSync(o.crashStates) && !fs.statSync(o.crashStates).isDirectory()) throw new UsageError(`--crash-states: ${JSON.stringify(o.crashStates)} is not a directory`);
      const options = { sut, manifestFile, scenario: o.scenario, seed: o.seed, path: o.path, level: (o.level ?? highestRunnableLevel(sut.manifest)) as Level, bounds: bounds(o), keepDir: path.resolve(o.keep), serve: o.serve as boolean, killAtEvents: (o.killAtEvents ?? []) as KillAtEvent[], corruptFiles: (o.corruptFiles ?? []) as CorruptedFile[], ...(o.crashStates === undefined ? {} : { crashStatesDir: path.resolve(o.crashStates as string) }) };
      let replayed: Awaited<ReturnType<typeof replayCase>>;
      try {
        replayed = await replayCase(options);
      } catch (error) {
        // Kill points or corrupted files that name starts the case does not have: the operator's line is wrong.
        if (/^--(kill-at-events|corrupt-files) /.test((error as Error).message)) throw new UsageError((error as Error).message);
        throw error;
      }
      const { drawn, result } = replayed;
      say(`${describeReplay(options, drawn, result)}\n`);
      exitCode = result.verdict.verdict === 'pass' ? 0 : result.verdict.verdict === 'fail' ? 1 : 3;
    });

  program
    .command('conformance')
    .description('run a suite at each conformance level (L1..L5) and report which levels the SUT passes')
    .option('--sut <manifest>', SUT_HELP)
    .option('--cases-per-level <n>', 'cases at each level', positiveInt('--cases-per-level'), 40)
    .addOption(new Option('--level-budget <duration>', 'start no new case of a level after this long').argParser(durationMs('--level-budget')).default(120_000, '2m'))
    .addOption(new Option('--shrink-budget <duration>', 'time to spend shrinking the failing case').argParser(durationMs('--shrink-budget')).default(60_000, '60s'))
    .option('--scenarios <names>', 'comma-separated scenarios (default: all the SUT supports)', scenarioList)
    .option('--seed <n>', 'seed (default: random)', nonNegativeInt('--seed'))
    .addOption(new Option('--workers <n>', 'cases run at once').argParser(positiveInt('--workers')).default(os.availableParallelism(), `one per core, ${os.availableParallelism()}`))
    .option('--db <file>', `SQLite database (default: <out>/conformance-<time>/${DATABASE_FILE})`)
    .option('--out <dir>', `results folder (default: ./${RESULTS_DIR_DEFAULT} under the current directory)`)
    .action(async (o) => {
      const manifestFile = sutFile(o.sut);
      const sut = manifestAt(manifestFile);
      const folder = o.db === undefined ? resultsFolder('conformance', o.out) : undefined;
      const dbFile = path.resolve(o.db ?? folder!.dbFile);
      if (folder !== undefined) claimResultsFolder(folder);
      else fs.mkdirSync(path.dirname(dbFile), { recursive: true });
      const seed = o.seed ?? Math.floor(Math.random() * 0x7fffffff);
      say(`streamcheck conformance: ${sut.manifest.name}, seed ${seed}, ${o.casesPerLevel} cases per level\ndatabase: ${path.relative(process.cwd(), dbFile)}\n`);
      const outcomes = await runConformance(
        { sut, manifestFile, dbFile, casesPerLevel: o.casesPerLevel, seed, workers: cappedWorkers(o.workers), levelBudgetMs: o.levelBudget, shrinkBudgetMs: o.shrinkBudget, bounds: bounds({}), scenarios: o.scenarios ?? [] },
        (l) => {
          say(`${describeLevel(l)}\n`);
          const e = 'evidence' in l ? l.evidence : undefined;
          if (e === undefined) return;
          say(`     ${describeLanded(e)}\n`);
          if (e.lint.length > 0) {
            say(`     durability lint: ${e.lint.length} finding(s) in the failure-free runs' traces\n`);
            for (const f of e.lint.slice(0, LINT_SHOWN_MAX)) say(`       ${f.kind} ${terminalSafe(f.shape.slice(f.kind.length + 1))} (${f.cases} case(s)): ${terminalSafe(f.example)}\n`);
            if (e.lint.length > LINT_SHOWN_MAX) say(`       and ${e.lint.length - LINT_SHOWN_MAX} more (table durability_findings)\n`);
          }
          if (e.outside.length > 0) {
            say(`     writes outside the SUT's directories: ${e.outside.length}${e.outside.length >= 20 ? '+' : ''} (table outside_writes)\n`);
            for (const w of e.outside.slice(0, LINT_SHOWN_MAX)) say(`       ${terminalSafe(w.path)}: ${w.how}\n`);
          }
        },
      );
      const reached = levelReached(outcomes);
      say(`\n${sut.manifest.name} conforms to ${reached === null ? 'no level' : `level ${reached}`} (highest claimed: ${highestLevel(sut.manifest)})\n`);
      const failed = outcomes.find((x) => x.outcome === 'fail');
      if (failed !== undefined && failed.outcome === 'fail') {
        const plan = failed.failure.result.plan;
        const faults = failed.failure.result.timeline.flatMap((e) => (e.type === 'fault' && e.run === 'faulty' ? [`start ${e.attempt}: ${describeInjectedFault(e.fault)}${e.injected ? '' : ' (did not land)'}${e.detail === undefined ? '' : ` — ${terminalSafe(e.detail)}`}`] : []));
        say(`\nfirst failing case (level ${failed.level}):\n${failed.failure.line}\n  fault plan: ${plan.faults.map(describeFault).join('; ') || 'none'}\n${faults.map((f) => `    ${f}\n`).join('')}  replay: ${failed.failure.replayLine}\n`);
      }
      const suiteIds = outcomes.flatMap((x) => ('suiteId' in x ? [x.suiteId] : []));
      if (suiteIds.length > 0) {
        const db = new Database(dbFile, { readonly: true });
        try {
          const lines = describeCoverage(crashCoverage(db, suiteIds));
          if (lines.length > 0) process.stdout.write(`\ncrash-space coverage (landed faults, all levels):\n${lines.map((l) => `  ${terminalSafe(l)}\n`).join('')}`);
        } finally {
          db.close();
        }
      }
      exitCode = reached === highestLevel(sut.manifest) ? 0 : 1;
    });

  registerSelftest(program);
  registerMerge(program, (code) => {
    exitCode = code;
  });

  const corpus = program.command('corpus').description('the regression corpus: failing cases kept to be replayed first by every run against the same SUT');
  corpus
    .command('export <file>')
    .description('write the corpus (or one database\'s found failures) to a JSON file you can commit')
    .option('--from <corpus file>', 'the corpus to export', DEFAULT_CORPUS)
    .option('--db <file>', 'export the failures a suite database found instead')
    .option('--sut <manifest>', 'only the entries of this SUT')
    .action((file: string, o) => {
      let entries: CorpusEntry[];
      if (o.db !== undefined) {
        if (!fs.existsSync(o.db)) throw new UsageError(`--db: no database ${o.db}`);
        const store = Store.open(path.resolve(o.db));
        try {
          entries = mergeCorpus([], store.corpusEntries()).entries;
        } finally {
          store.close();
        }
      } else entries = readCorpusFile(path.resolve(o.from), false);
      if (o.sut !== undefined) {
        const name = manifestAt(path.resolve(o.sut)).manifest.name;
        entries = entries.filter((e) => e.sut === name);
      }
      writeCorpusFile(path.resolve(file), entries);
      process.stdout.write(`${entries.length} corpus entr${entries.length === 1 ? 'y' : 'ies'} written to ${path.relative(process.cwd(), path.resolve(file))}\n`);
    });
  corpus
    .command('import <file>')
    .description('add the entries of a corpus JSON file (validated) to the corpus')
    .option('--into <corpus file>', 'the corpus to add to', DEFAULT_CORPUS)
    .action((file: string, o) => {
      const incoming = readCorpusFile(path.resolve(file), false);
      const into = path.resolve(o.into);
      const merged = mergeCorpus(readCorpusFile(into, true), incoming);
      writeCorpusFile(into, merged.entries);
      process.stdout.write(`${merged.added} of ${incoming.length} entr${incoming.length === 1 ? 'y' : 'ies'} added to ${path.relative(process.cwd(), into)} (${merged.entries.length} in all)\n`);
    });

  program
    .command('report')
    .description('write a report of a suite from its SQLite database')
    .option('--db <file>', 'the suite\'s database (required unless --html-index)')
    .option('--suite <id>', 'which suite (default: the latest)', positiveInt('--suite'))
    .option('--out <file>', 'where to write the Markdown report (default: print it)')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--html <file or dir>', 'also write the self-contained HTML report (a directory: report.html in it)')
    .option('--html-index <results-dir>', 'write the HTML report of every suite of every *.sqlite under a results folder, and index.html linking them')
    .action((o) => {
      if (o.htmlIndex !== undefined) {
        if (!fs.statSync(o.htmlIndex, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--html-index: no folder ${o.htmlIndex}`);
        const { indexFile, pages } = writeHtmlIndex(path.resolve(o.htmlIndex));
        say(`${pages.length} suite ${pages.length === 1 ? 'page' : 'pages'} written\nhtml index: ${path.relative(process.cwd(), indexFile)}\n`);
        if (o.db === undefined) return;
      }
      if (o.db === undefined) throw new UsageError('--db <file> is required (or --html-index <results-dir>)');
      if (!fs.existsSync(o.db)) throw new UsageError(`--db: no database ${o.db}`);
      const html = o.html === undefined ? undefined : fs.statSync(o.html, { throwIfNoEntry: false })?.isDirectory() || o.html.endsWith(path.sep) ? path.resolve(o.html, 'report.html') : path.resolve(o.html);
      const summary = writeSuiteReport(path.resolve(o.db), o.suite, o.out === undefined ? undefined : path.resolve(o.out), o.junit === undefined ? undefined : path.resolve(o.junit), html);
      say(`${summary}\n${html === undefined ? '' : `html report: ${path.relative(process.cwd(), html)}\n`}`);
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number; code?: string }).exitCode;
    if (code !== undefined && typeof (error as { code?: string }).code === 'string' && (error as { code: string }).code.startsWith('commander.')) {
      return (error as { code: string }).code === 'commander.helpDisplayed' || (error as { code: string }).code === 'commander.version' || code === 0 ? 0 : 2;
    }
    throw error;
  }
  return exitCode;
}

process.on('exit', () => {
  if (cursorHidden && process.stderr.isTTY === true) process.stderr.write('\u001b[?25h');
});
// A signal ends the process through process.exit, so the exit hooks run: SUT process groups and
// survivors are killed, the suite's work root is removed, the cursor comes back.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nstreamcheck: ${signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`}; finished cases are in the database (continue with --resume)\n`);
    process.exit(code);
  });
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof ManifestError || error instanceof InvalidArgumentError || error instanceof StoreError || error instanceof CorpusError || error instanceof MergeError;
    const message = error instanceof Error ? error.message : String(error);
    // SQLite names no file ("database or disk is full"); the operator needs to know which.
    const sqlite = currentDbFile !== null && typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('SQLITE_');
    // Several problems (a refused --resume) are several lines, each one prefixed; nothing else the message holds is a control character.
    process.stderr.write(`${terminalSafe(sqlite ? `${message}: ${currentDbFile}` : message, true).split('\n').map((l) => (l.startsWith('streamcheck: error: ') ? l : `streamcheck: error: ${l}`)).join('\n')}\n`);
    if (!usage && error instanceof Error && error.stack !== undefined && process.env.STREAMCHECK_DEBUG === '1') process.stderr.write(`${error.stack}\n`);
    process.exit(usage ? 2 : 1);
  },
);
