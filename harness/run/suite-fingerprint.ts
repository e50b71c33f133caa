// What a suite ran against, stored when it starts (table suite_fingerprints): the SHA-256 of the
// manifest file's bytes and the SUT command as resolved from it (argv, working directory,
// environment, serve command). --resume compares both with the SUT it is given and refuses a change.

import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { LoadedManifest } from '../protocol/manifest.js';
import type { SuiteFingerprint } from '../store/store.js';

export function suiteFingerprint(manifestFile: string, sut: LoadedManifest): SuiteFingerprint {
  const bytes = fs.existsSync(manifestFile) ? fs.readFileSync(manifestFile) : Buffer.from(JSON.stringify(sut.manifest));
  const m = sut.manifest;
  return {
    manifestSha256: createHash('sha256').update(bytes).digest('hex'),
    commandJson: JSON.stringify({ command: m.command, cwd: sut.cwd, env: m.env ?? {}, serve: m.serve?.command ?? null }),
  };
}
