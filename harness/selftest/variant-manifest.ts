// A bug variant as a system under test: the reference engine's manifest with the bug's switch set
// in its environment. It is written to a file beside the self-test's database so that every replay
// line the self-test prints (which names the manifest) still works after the self-test ends.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BugName } from '../../reference/engine/bugs.js';
import { loadManifest, type LoadedManifest } from '../protocol/manifest.js';
import { referenceManifestFile } from '../protocol/reference-manifest-file.js';

/** Writes `<dir>/<bug>.manifest.json` and loads it back through the ordinary manifest validation. */
export function variantManifest(bug: BugName, dir: string, base: string = referenceManifestFile()): { file: string; sut: LoadedManifest } {
  const reference = loadManifest(base);
  const manifest = {
    ...reference.manifest,
    name: `${reference.manifest.name} with bug ${bug}`,
    // Absolute, so the file can live anywhere.
    cwd: reference.cwd,
    env: { ...reference.manifest.env, STREAMCHECK_REFERENCE_BUG: bug },
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${bug}.manifest.json`);
  fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return { file, sut: loadManifest(file) };
}
