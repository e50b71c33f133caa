// `streamcheck selftest`: runs the harness against every bug variant of the reference engine (or
// those given with --bugs), each within a time budget, prints a table of which were caught and how
// fast, and stores it in SQLite. Fails (exit 1, through SelftestFailedError) unless every variant
// was caught within its budget.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BUGS, isBugName, type BugName } from '../../reference/engine/bugs.js';
import { levelUnavailable } from '../case/conformance-level.js';
import { capWorkers } from './workers-cap.js';
import { bugLevel } from '../selftest/bug-scenarios.js';
import { DEFAULT_RUN_BOUNDS } from '../run/run-bounds.js';
import { runSelftest, type SelftestEvent } from '../selftest/run-selftest.js';
import { selftestReplays, selftestTable } from '../selftest/selftest-table.js';
import { durationMs, nonNegativeInt, positiveInt } from './durations.js';
import { claimResultsFolder, DATABASE_FILE, resultsFolder, RESULTS_DIR_DEFAULT } from './results-folder.js';

/** Thrown when a variant was not caught, after the table is printed: the CLI exits 1. */
export class SelftestFailedError extends Error {
  override name = 'SelftestFailedError';
}

function bugList(text: string): BugName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('--bugs needs at least one bug name');
  for (const n of names) if (!isBugName(n)) throw new InvalidArgumentError(`unknown bug ${JSON.stringify(n)} (known: ${Object.keys(BUGS).join(', ')})`);
  return names as BugName[];
}

function printer(): (e: SelftestEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'variant-started':
        process.stdout.write(`[${e.position}/${e.total}] ${e.bug}: ${BUGS[e.bug]}\n`);
        break;
      case 'suite':
        if (e.event.type === 'shrinking') process.stdout.write(`  case ${e.event.index} (${e.event.scenario}, seed ${e.event.seed}) failed; shrinking...\n`);
        break;
      case 'variant-finished': {
        const r = e.result;
        const secs = r.msToFirstFailure === null ? '' : ` after ${(r.msToFirstFailure / 1000).toFixed(1)} s`;
        process.stdout.write(`  ${r.caught ? 'caught' : 'NOT caught'}${secs}, ${r.casesRun} cases${r.failure === null ? '' : `: ${r.failure.anomaly}`}\n`);
        break;
      }
      default: {
        const never: never = e;
        throw new Error(`unknown self-test event ${JSON.stringify(never)}`);
      }
    }
  };
}

/** Adds `selftest` to the streamcheck program. */
export function registerSelftest(program: Command): void {
  program
    .command('selftest')
    .description('run the harness against each bug variant of the reference engine and report which it catches')
    .option('--bugs <names>', `comma-separated bugs (default: all): ${Object.keys(BUGS).join(', ')}`, bugList)
    .addOption(new Option('--budget <duration>', 'per variant: start no new case after this long').argParser(durationMs('--budget')).default(60_000, '60s'))
    .addOption(new Option('--shrink-budget <duration>', 'per variant: time to shrink its first failing case (0s: do not shrink)').argParser(durationMs('--shrink-budget')).default(30_000, '30s'))
    .option('--db <file>', `SQLite database (default: <out>/selftest-<time>/${DATABASE_FILE})`)
    .option('--out <dir>', `results folder (default: ./${RESULTS_DIR_DEFAULT} under the current directory)`)
    .option('--seed <n>', 'the seed of every variant\'s suite (default: random)', nonNegativeInt('--seed'))
    .addOption(new Option('--workers <n>', 'cases run at once').argParser(positiveInt('--workers')).default(os.availableParallelism(), `one per core, ${os.availableParallelism()}`))
    .action(async (o: { bugs?: BugName[]; budget: number; shrinkBudget: number; db?: string; out?: string; seed?: number; workers: number }) => {
      const capped = capWorkers(o.workers);
      if (capped.warning !== null) process.stderr.write(`${capped.warning}\n`);
      o.workers = capped.workers;
      const all = o.bugs ?? (Object.keys(BUGS) as BugName[]);
      // A variant whose level cannot run here (L5 without strace) is skipped and named, never counted caught.
      const bugs = all.filter((b) => levelUnavailable(bugLevel(b)) === null);
      const skipped = all.filter((b) => !bugs.includes(b));
      if (skipped.length > 0) {
        if (o.bugs !== undefined) throw new InvalidArgumentError(`--bugs ${skipped.join(', ')}: ${levelUnavailable('L5')}`);
        process.stdout.write(`skipped ${skipped.join(', ')}: ${levelUnavailable('L5')}\n`);
      }
      const seed = o.seed ?? Math.floor(Math.random() * 0x7fffffff);
      const folder = o.db === undefined ? resultsFolder('selftest', o.out) : undefined;
      const dbFile = path.resolve(o.db ?? folder!.dbFile);
      if (folder !== undefined) claimResultsFolder(folder);
      else fs.mkdirSync(path.dirname(dbFile), { recursive: true });
      process.stdout.write(`streamcheck selftest: seed ${seed}, ${bugs.length} variants, budget ${o.budget / 1000} s each, shrink budget ${o.shrinkBudget / 1000} s, ${o.workers} workers\ndatabase: ${path.relative(process.cwd(), dbFile)}\n`);
      const result = await runSelftest({ bugs, seed, budgetMs: o.budget, shrinkBudgetMs: o.shrinkBudget, dbFile, workers: o.workers, bounds: DEFAULT_RUN_BOUNDS }, printer());
      process.stdout.write(`\n${selftestTable(result.variants)}\n`);
      const replays = selftestReplays(result.variants);
      if (replays !== '') process.stdout.write(`\ncounterexamples:\n${replays}\n`);
      const missed = result.variants.filter((v) => !v.caught).map((v) => v.bug);
      if (missed.length > 0) throw new SelftestFailedError(`${missed.length} of ${result.variants.length} variants not caught within ${o.budget / 1000} s: ${missed.join(', ')}`);
      process.stdout.write(`\nall ${result.variants.length} variants caught\n`);
    });
}
