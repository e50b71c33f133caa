#!/usr/bin/env node
// streamcheck-engine: the reference engine as a command, i.e. as a system under test. One run per
// process; see engine-command.ts for the flags and exit statuses, and engine-serve.ts for the
// optional serve mode (PROTOCOL.md §9) that `--serve` selects.

import { runEngineCommand } from './engine-command.js';
import { serveRuns } from './engine-serve.js';

const done = process.argv[2] === '--serve' && process.argv.length === 3 ? serveRuns() : runEngineCommand(process.argv, process.env);
done.then((code) => process.exit(code));
