// `npm start`: the default crash suite. Every scenario, 200 cases, against the reference engine,
// with real SIGKILLs at random crash points and after random delays, crashes during recovery and
// scratch-directory wipes. `streamcheck run` puts the SQLite database and the Markdown and HTML
// reports in ./streamcheck-results/run-<time>/ (npm runs this in the package's folder) and prints
// their paths. Exit status 0 only if every case passed.

import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const defaultCases = 200;

const run = await execa(
  'node',
  [path.join(root, 'dist/harness/cli/streamcheck.js'), 'run', '--cases', String(defaultCases), '--workers', String(os.availableParallelism()), ...process.argv.slice(2)],
  { stdio: 'inherit', reject: false },
);
process.exit(run.exitCode ?? 1);
