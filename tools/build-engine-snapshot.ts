// Builds the reference engine's V8 startup snapshot, dist/snapshot/engine.blob, as the last step of
// `npm run build`: esbuild bundles dist/reference/cli/engine-snapshot.js into one CommonJS file (a
// snapshot builder may require only Node's own modules), then `node --build-snapshot` runs it and
// saves the heap. The blob belongs to the node binary that built it; the build makes it afresh.
// Any failure is one line and exit status 1: the reference manifest's command needs the blob.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = path.join(root, 'dist/reference/cli/engine-snapshot.js');
const outDir = path.join(root, 'dist/snapshot');
const bundle = path.join(outDir, 'engine-snapshot.cjs');
const blob = path.join(outDir, 'engine.blob');

function fail(message: string): never {
  process.stderr.write(`build-engine-snapshot: error: ${message}\n`);
  process.exit(1);
}

if (!fs.existsSync(entry)) fail(`${path.relative(root, entry)} is missing: run tsc first`);
fs.mkdirSync(outDir, { recursive: true });
try {
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error' });
} catch (error) {
  fail(`esbuild could not bundle ${path.relative(root, entry)}: ${(error as Error).message.split('\n')[0]}`);
}
// Built beside the blob and renamed over it, so a suite running during a rebuild never finds it
// missing or half written.
const partial = `${blob}.partial-${process.pid}`;
const r = spawnSync(process.execPath, ['--snapshot-blob', partial, '--build-snapshot', bundle], { cwd: root, encoding: 'utf8' });
// Node warns that the builder uses a module it has not verified in snapshots (commander requires
// child_process for subcommands, which the engine has none of); anything else on stderr is news.
const stderr = r.stderr
  .split('\n')
  .filter((l) => l.trim() !== '' && !/not yet fully verified|may still work in some cases|issue tracker|--trace-warnings/.test(l))
  .join('\n');
if (r.status !== 0 || !fs.existsSync(partial)) {
  fs.rmSync(partial, { force: true });
  fail(`node --build-snapshot ${path.relative(root, bundle)} exited ${r.status ?? r.signal}${stderr ? `: ${stderr.split('\n').at(-1)}` : ''}`);
}
fs.renameSync(partial, blob);
if (stderr) process.stderr.write(`${stderr}\n`);
process.stdout.write(`build-engine-snapshot: ${path.relative(root, blob)} (${(fs.statSync(blob).size / 1e6).toFixed(1)} MB)\n`);
