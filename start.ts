// `npm start`: the default crash suite. Every scenario, 200 cases, against the reference engine,
// with real SIGKILLs at random crash points and after random delays, crashes during recovery and
// scratch-directory wipes; the SQLite database and the Markdown and HTML reports go to one results
// folder, named at the start and at the end. Exit status 0 only if every case passed.

import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
const results = path.join('results', `suite-${stamp}`);
const defaultCases = 200;

const run = await execa(
  'node',
  [
    path.join(root, 'dist/harness/cli/streamcheck.js'),
    'run',
    '--cases', String(defaultCases),
    '--workers', String(os.availableParallelism()),
    '--db', path.join(results, 'streamcheck.sqlite'),
    '--report', path.join(results, 'report.md'),
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', reject: false },
);
process.stdout.write(`\nresults folder: ${results} (streamcheck.sqlite, report.md, report.html)\nopen in a browser: ${path.join(root, results, 'report.html')}\n`);
process.exit(run.exitCode ?? 1);
