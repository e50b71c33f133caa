// The zod the engine validates with: zod/mini, whose functions esbuild can leave out when unused, so
// the engine's startup snapshot (tools/build-engine-snapshot.ts) carries 0.1 MB of zod instead of the
// classic API's 2 MB, which every process start deserializes. zod/mini has no messages of its own
// ("Invalid input"); the English locale, the one classic zod installs, makes its issues read exactly
// as classic zod's, which the engine's error lines quote.

//
// Import it as a namespace (`import * as z from './engine-zod.js'`) and only reach into it by name:
// a namespace object passed around as a value would make esbuild keep every export, locales included.

import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
