#!/usr/bin/env node
// streamcheck-engine: the reference engine as a command, i.e. as a system under test. One run per
// process; see engine-command.ts for the flags and exit statuses, and engine-serve.ts for the
// optional serve mode (PROTOCOL.md §9) that `--serve` selects.

import { engineMain } from './engine-serve.js';

void engineMain().then((code) => process.exit(code));
