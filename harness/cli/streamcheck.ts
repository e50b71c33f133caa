#!/usr/bin/env node
// streamcheck: run a randomized crash suite against a system under test, replay one case exactly,
// or write a report from a suite's SQLite database. Bad arguments get one line naming them (exit 2);
// `run` exits 0 only if every case passed.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadManifest, ManifestError, type LoadedManifest } from '../protocol/manifest.js';
import { DEFAULT_RUN_BOUNDS, type RunBounds } from '../run/run-bounds.js';
import { runSuite, type SuiteEvent, type SuiteResult, type StoredSuiteOptions } from '../run/run-suite.js';
import { Store } from '../store/store.js';
import { scenarioNames } from '../../scenarios/catalog.js';
import { describeReplay, replayCase } from './replay-case.js';
import { durationMs, nonNegativeInt, positiveInt } from './durations.js';
import { writeSuiteReport } from './write-report.js';
import { writeHtmlIndex } from '../../reports/html/write-html-index.js';
import { registerSelftest } from './selftest-command.js';
import { claimResultsFolder, DATABASE_FILE, resultsFolder, RESULTS_DIR_DEFAULT, type ResultsFolder } from './results-folder.js';
import { supportedScenarios } from '../case/supported-scenarios.js';
import { parseShard, type Shard } from '../run/shard.js';
import { registerMerge } from './merge-command.js';
import { MergeError } from '../store/merge-shards.js';
import { referenceManifestFile } from '../protocol/reference-manifest-file.js';
import { levelReached, runConformance, type LevelOutcome } from '../conformance/run-conformance.js';
import { describeLanded } from '../conformance/level-evidence.js';
import { describeFault, describeInjectedFault } from '../faults/fault.js';
import { highestLevel, highestRunnableLevel, isLevel, levelUnavailable, LEVELS, type Level } from '../case/conformance-level.js';

class UsageError extends Error {}

/** Lint findings printed per level; the rest are in SQLite. */
const LINT_SHOWN_MAX = 8;

/** SUT-controlled text (paths) without control characters, so it cannot move the cursor or retitle the terminal. */
const terminalSafe = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

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
      return `${l.level} ${name.padEnd(50)} FAIL  (after ${l.cases} cases): ${l.failure.result.verdict.anomaly?.kind ?? 'fail'}`;
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

function bounds(o: { runTimeout?: number; caseTimeout?: number; restartsMax?: number }): RunBounds {
  return {
    runTimeoutMs: o.runTimeout ?? DEFAULT_RUN_BOUNDS.runTimeoutMs,
    caseTimeoutMs: o.caseTimeout ?? DEFAULT_RUN_BOUNDS.caseTimeoutMs,
    restartsMax: o.restartsMax ?? DEFAULT_RUN_BOUNDS.restartsMax,
  };
}

/** Prints progress: a bar on a terminal, one line per failure always. */
function progressPrinter(cases: number): { onEvent: (e: SuiteEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  const bar = tty ? new cliProgress.SingleBar({ format: 'cases {bar} {value}/{total} | pass {pass} fail {fail} unknown {unknown} | faults landed {faults} | {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  // Faults landed, every kind, counted as the summary counts them (verdict-line.ts).
  const tally = { pass: 0, fail: 0, unknown: 0, faults: 0 };
  let total = cases;
  let finished = 0;
  const say = (line: string) => {
    if (bar !== undefined) bar.stop();
    process.stdout.write(`${line}\n`);
    if (bar !== undefined) bar.start(total, finished, tally);
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'started':
          finished = e.alreadyDone;
          total = e.total;
          for (const s of e.skipped) say(`skipping scenario ${s.name}: the SUT does not implement ${s.missing.join(', ')}`);
          if (e.alreadyDone > 0) say(`resuming suite ${e.suiteId}: ${e.alreadyDone} of ${e.total} cases already done`);
          bar?.start(total, finished, tally);
          break;
        case 'case-finished':
          finished += 1;
          tally[e.result.verdict.verdict] += 1;
          tally.faults += e.result.timeline.filter((x) => x.type === 'fault' && x.injected).length;
          if (bar !== undefined) bar.update(finished, tally);
          else if (finished % 25 === 0 || finished === total) process.stderr.write(`${finished}/${total} cases: pass ${tally.pass} fail ${tally.fail} unknown ${tally.unknown}, faults landed ${tally.faults}\n`);
          if (e.result.verdict.verdict === 'unknown') say(`UNKNOWN scenario=${e.scenario} seed=${e.seed} path=0: ${e.result.verdict.results.find((r) => r.type === 'unknown')?.type === 'unknown' ? (e.result.verdict.results.find((r) => r.type === 'unknown') as { error: string }).error : ''}\n  ${e.result.replayLine}`);
          break;
        case 'shrinking':
          say(`case ${e.index} (scenario=${e.scenario} seed=${e.seed}) failed; shrinking...`);
          break;
        case 'shrunk':
          say(`  shrunk after ${e.shrink.candidates} candidates${e.shrink.interrupted ? ' (stopped at the shrink budget)' : ''}: path ${e.shrink.path}`);
          break;
        case 'budget-exhausted':
          say(`time budget used up after starting ${e.started} cases; resume with --resume`);
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

function printFailures(result: SuiteResult, level: Level): void {
  for (const f of result.failures) {
    const details = describeReplay({ scenario: f.scenario, seed: f.seed, path: f.path, level }, f.drawn, f.result, failureTimelineMax, true);
    process.stdout.write(`\n${details.split('\n').map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n')}\n`);
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
    .option('--cases <n>', 'number of cases', positiveInt('--cases'), 100)
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
    .option('--level <level>', 'conformance level of the faults to inject, L1..L5 (default: the highest the SUT allows that this machine can run)', levelArg)
    .addOption(new Option('--resume [suiteId]', 'continue the latest (or given) suite in --db').argParser(positiveInt('--resume')))
    .option('--report <file>', 'write the Markdown report here (default: beside the database), and the HTML report beside it')
    .option('--shard <i/n>', 'run only shard i of n of the suite\'s cases (same seed on every machine; join them with merge)', parseShard)
    .option('--junit <file>', 'also write a JUnit XML report (one test case per case) for CI')
    .action(async (o) => {
      let manifestFile: string = sutFile(o.sut);
      let opts: StoredSuiteOptions;
      let resumeId: number | undefined;
      let dbFile: string;
      let folder: ResultsFolder | undefined;
      if (o.resume !== undefined) {
        if (o.db === undefined) throw new UsageError('--resume needs --db <file>: the database of the suite to continue');
        if (!fs.existsSync(o.db)) throw new UsageError(`--db: no database ${o.db} to resume`);
        dbFile = path.resolve(o.db);
        const store = Store.open(dbFile);
        const suite = store.suite(o.resume === true ? undefined : o.resume);
        store.close();
        if (suite === undefined) throw new UsageError(`--resume: ${o.db} has no suite${o.resume === true ? '' : ` ${o.resume}`}`);
        // Suites stored before serve mode existed ran a process per start.
        opts = { serve: false, ...(suite.options as Partial<StoredSuiteOptions>) } as StoredSuiteOptions;
        manifestFile = opts.manifestFile;
        resumeId = suite.id;
      } else {
        folder = o.db === undefined ? resultsFolder('run', o.out) : undefined;
        dbFile = path.resolve(o.db ?? folder!.dbFile);
        opts = {
          manifestFile,
          scenarios: o.scenarios ?? [],
          cases: o.cases,
          seed: o.seed ?? Math.floor(Math.random() * 0x7fffffff),
          workers: o.workers,
          timeBudgetMs: o.timeBudget ?? null,
          bounds: bounds(o),
          shrink: o.shrink,
          shrinkBudgetMs: o.shrinkBudget,
          serve: o.serve,
          level: o.level,
          ...(o.shard === undefined ? {} : { shard: o.shard as Shard }),
        };
      }
      const sut = manifestAt(manifestFile);
      if (opts.level === undefined) {
        opts.level = highestRunnableLevel(sut.manifest);
        const claimed = highestLevel(sut.manifest);
        if (claimed !== opts.level) process.stdout.write(`note: running at level ${opts.level}, not ${claimed}: ${levelUnavailable(claimed)}\n`);
      } else if (levelUnavailable(opts.level) !== null) {
        throw new UsageError(`--level ${opts.level}: ${levelUnavailable(opts.level)}`);
      }
      if (supportedScenarios(sut.manifest.operations, opts.scenarios).scenarios.length === 0) throw new UsageError(`--sut: ${sut.manifest.name} implements none of the scenarios' operations`);
      // Checked: only now does anything appear on disk.
      if (folder !== undefined) claimResultsFolder(folder);
      else fs.mkdirSync(path.dirname(dbFile), { recursive: true });
      process.stdout.write(`streamcheck run: level ${opts.level}, seed ${opts.seed}, ${opts.cases} cases${opts.shard === undefined ? '' : ` (shard ${opts.shard.index}/${opts.shard.count})`}, ${opts.workers} workers, SUT ${sut.manifest.name}\ndatabase: ${path.relative(process.cwd(), dbFile)}\n`);
      const progress = progressPrinter(opts.cases);
      let result: SuiteResult;
      try {
        result = await runSuite({ ...opts, sut, dbFile }, progress.onEvent, resumeId);
      } finally {
        progress.stop();
      }
      printFailures(result, (opts.level ?? highestRunnableLevel(sut.manifest)) as Level);
      const reportFile = path.resolve(o.report ?? path.join(path.dirname(dbFile), 'report.md'));
      const htmlFile = htmlBeside(reportFile);
      const summary = writeSuiteReport(dbFile, result.suiteId, reportFile, o.junit === undefined ? undefined : path.resolve(o.junit), htmlFile);
      process.stdout.write(`\n${summary}\nreport: ${path.relative(process.cwd(), reportFile)}\nhtml report: ${path.relative(process.cwd(), htmlFile)}\n`);
      exitCode = result.counts.fail === 0 && result.counts.unknown === 0 && !result.stoppedByBudget ? 0 : 1;
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
    .action(async (o) => {
      if (!scenarioNames().includes(o.scenario)) throw new UsageError(`--scenario: unknown scenario ${JSON.stringify(o.scenario)} (known: ${scenarioNames().join(', ')})`);
      if (!/^\d+(:\d+)*$/.test(o.path)) throw new UsageError(`--path must look like 0:1:3, received ${JSON.stringify(o.path)}`);
      const manifestFile = sutFile(o.sut);
      const sut = manifestAt(manifestFile);
      const options = { sut, manifestFile, scenario: o.scenario, seed: o.seed, path: o.path, level: (o.level ?? highestRunnableLevel(sut.manifest)) as Level, bounds: bounds(o), keepDir: path.resolve(o.keep), serve: o.serve as boolean };
      const { drawn, result } = await replayCase(options);
      process.stdout.write(`${describeReplay(options, drawn, result)}\n`);
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
      process.stdout.write(`streamcheck conformance: ${sut.manifest.name}, seed ${seed}, ${o.casesPerLevel} cases per level\ndatabase: ${path.relative(process.cwd(), dbFile)}\n`);
      const outcomes = await runConformance(
        { sut, manifestFile, dbFile, casesPerLevel: o.casesPerLevel, seed, workers: o.workers, levelBudgetMs: o.levelBudget, shrinkBudgetMs: o.shrinkBudget, bounds: bounds({}), scenarios: o.scenarios ?? [] },
        (l) => {
          process.stdout.write(`${describeLevel(l)}\n`);
          const e = 'evidence' in l ? l.evidence : undefined;
          if (e === undefined) return;
          process.stdout.write(`     ${describeLanded(e)}\n`);
          if (e.lint.length > 0) {
            process.stdout.write(`     durability lint: ${e.lint.length} finding(s) in the failure-free runs' traces\n`);
            for (const f of e.lint.slice(0, LINT_SHOWN_MAX)) process.stdout.write(`       ${f.kind} ${terminalSafe(f.shape.slice(f.kind.length + 1))} (${f.cases} case(s)): ${terminalSafe(f.example)}\n`);
            if (e.lint.length > LINT_SHOWN_MAX) process.stdout.write(`       and ${e.lint.length - LINT_SHOWN_MAX} more (table durability_findings)\n`);
          }
        },
      );
      const reached = levelReached(outcomes);
      process.stdout.write(`\n${sut.manifest.name} conforms to ${reached === null ? 'no level' : `level ${reached}`} (highest claimed: ${highestLevel(sut.manifest)})\n`);
      const failed = outcomes.find((x) => x.outcome === 'fail');
      if (failed !== undefined && failed.outcome === 'fail') {
        const plan = failed.failure.result.plan;
        const faults = failed.failure.result.timeline.flatMap((e) => (e.type === 'fault' && e.run === 'faulty' ? [`start ${e.attempt}: ${describeInjectedFault(e.fault)}${e.injected ? '' : ' (did not land)'}${e.detail === undefined ? '' : ` — ${terminalSafe(e.detail)}`}`] : []));
        process.stdout.write(`\nfirst failing case (level ${failed.level}):\n${failed.failure.line}\n  fault plan: ${plan.faults.map(describeFault).join('; ') || 'none'}\n${faults.map((f) => `    ${f}\n`).join('')}  replay: ${failed.failure.replayLine}\n`);
      }
      exitCode = reached === highestLevel(sut.manifest) ? 0 : 1;
    });

  registerSelftest(program);
  registerMerge(program, (code) => {
    exitCode = code;
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
        process.stdout.write(`${pages.length} suite ${pages.length === 1 ? 'page' : 'pages'} written\nhtml index: ${path.relative(process.cwd(), indexFile)}\n`);
        if (o.db === undefined) return;
      }
      if (o.db === undefined) throw new UsageError('--db <file> is required (or --html-index <results-dir>)');
      if (!fs.existsSync(o.db)) throw new UsageError(`--db: no database ${o.db}`);
      const html = o.html === undefined ? undefined : fs.statSync(o.html, { throwIfNoEntry: false })?.isDirectory() || o.html.endsWith(path.sep) ? path.resolve(o.html, 'report.html') : path.resolve(o.html);
      const summary = writeSuiteReport(path.resolve(o.db), o.suite, o.out === undefined ? undefined : path.resolve(o.out), o.junit === undefined ? undefined : path.resolve(o.junit), html);
      process.stdout.write(`${summary}\n${html === undefined ? '' : `html report: ${path.relative(process.cwd(), html)}\n`}`);
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

process.on('SIGINT', () => {
  process.stderr.write('\nstreamcheck: interrupted; finished cases are in the database (continue with --resume)\n');
  process.exit(130);
});
process.on('SIGTERM', () => process.exit(143));

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof ManifestError || error instanceof InvalidArgumentError || error instanceof MergeError;
    process.stderr.write(`streamcheck: error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!usage && error instanceof Error && error.stack !== undefined && process.env.STREAMCHECK_DEBUG === '1') process.stderr.write(`${error.stack}\n`);
    process.exit(usage ? 2 : 1);
  },
);
