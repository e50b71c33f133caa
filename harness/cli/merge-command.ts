// `streamcheck merge a.sqlite b.sqlite ... --db all.sqlite`: joins the shards of one suite (run with
// --shard i/n on several machines) into one database and writes its Markdown and HTML reports beside
// it. Shards of different suites are refused with one line (MergeError, exit 2).

import * as path from 'node:path';
import type { Command } from 'commander';
import { mergeShards } from '../store/merge-shards.js';
import { writeSuiteReport } from './write-report.js';

/** Adds `merge` to the streamcheck program; sets the exit status through `exit`. */
export function registerMerge(program: Command, exit: (code: number) => void): void {
  program
    .command('merge')
    .description('merge the databases of a suite\'s shards (run --shard i/n) into one suite and one report')
    .argument('<shards...>', 'the shards\' databases')
    .requiredOption('--db <file>', 'the merged database to write (must not exist)')
    .option('--report <file>', 'the Markdown report (default: report.md beside --db), and the HTML report beside it')
    .option('--junit <file>', 'also write a JUnit XML report')
    .action((shards: string[], o: { db: string; report?: string; junit?: string }) => {
      const dbFile = path.resolve(o.db);
      const merged = mergeShards(shards.map((s) => path.resolve(s)), dbFile);
      const reportFile = path.resolve(o.report ?? path.join(path.dirname(dbFile), 'report.md'));
      const htmlFile = path.join(path.dirname(reportFile), `${path.basename(reportFile, path.extname(reportFile))}.html`);
      const summary = writeSuiteReport(dbFile, merged.suiteId, reportFile, o.junit === undefined ? undefined : path.resolve(o.junit), htmlFile);
      process.stdout.write(`merged ${merged.shards} shards, ${merged.cases} cases: ${path.relative(process.cwd(), dbFile)}\n\n${summary}\nreport: ${path.relative(process.cwd(), reportFile)}\nhtml report: ${path.relative(process.cwd(), htmlFile)}\n`);
      exit(summary.startsWith('PASS') ? 0 : 1);
    });
}
