// Builds the reference engine's V8 startup snapshot, dist/snapshot/engine.blob, as the last step of
// `npm run build`: esbuild bundles dist/reference/cli/engine-snapshot.js into one CommonJS file (a
// snapshot builder may require only Node's own modules), then `node --build-snapshot` runs it and
// saves the heap. The blob belongs to the node binary that built it; the build makes it afresh.
// Any failure is one line and exit status 1: the reference manifest's command needs the blob.
//
// V8 refuses a snapshot built under other V8 options than the run's, so the options are read from
// the reference manifest's command (whatever comes between "node" and "--snapshot-blob"); today
// --no-rehash-snapshot. By default V8 draws a new string-hash seed at every start and rehashes every
// table in the snapshot with it (with the seed's set-up, 9% of the start-up CPU of a serving engine).
// Without rehashing, every process of one build shares the seed V8 drew when the build ran: still not
// a constant anyone can read from the source, and the engine only hashes what the harness gives it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { buildEngineBlob } from '../harness/protocol/reference-manifest-file.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = path.join(root, 'dist/reference/cli/engine-snapshot.js');
const outDir = path.join(root, 'dist/snapshot');
const bundle = path.join(outDir, 'engine-snapshot.cjs');
const blob = path.join(outDir, 'engine.blob');
const manifestFile = path.join(root, 'harness/protocol/reference-engine.manifest.json');

function fail(message: string): never {
  process.stderr.write(`build-engine-snapshot: error: ${message}\n`);
  process.exit(1);
}

/** The node options of the manifest's command and serve command, which must be the same. */
function v8OptionsOf(file: string): string[] {
  let manifest: { command?: unknown; serve?: { command?: unknown } };
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof manifest;
  } catch (error) {
    fail(`cannot read ${path.relative(root, file)}: ${(error as Error).message}`);
  }
  const optionsOf = (command: unknown, what: string): string[] => {
    const argv = Array.isArray(command) ? (command as unknown[]) : [];
    const at = argv.indexOf('--snapshot-blob');
    if (argv[0] !== 'node' || at < 1) fail(`${path.relative(root, file)}: expected ${what} to be ["node", <options>, "--snapshot-blob", <blob>, ...], received ${JSON.stringify(command)}`);
    return argv.slice(1, at).map(String);
  };
  const options = optionsOf(manifest.command, 'command');
  const serve = optionsOf(manifest.serve?.command, 'serve.command');
  if (JSON.stringify(serve) !== JSON.stringify(options)) fail(`${path.relative(root, file)}: command and serve.command start node with different options (${options.join(' ')} against ${serve.join(' ')}); one snapshot serves both`);
  return options;
}

if (!fs.existsSync(entry)) fail(`${path.relative(root, entry)} is missing: run tsc first`);
const nodeOptions = v8OptionsOf(manifestFile);
fs.mkdirSync(outDir, { recursive: true });
try {
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error' });
} catch (error) {
  fail(`esbuild could not bundle ${path.relative(root, entry)}: ${(error as Error).message.split('\n')[0]}`);
}
// Built beside the blob and renamed over it, and stamped with this node's version: the harness
// rebuilds it (or runs the plain command) under another node (harness/protocol/reference-manifest-file.ts).
const why = buildEngineBlob(nodeOptions);
if (why !== null) fail(why);
process.stdout.write(`build-engine-snapshot: ${path.relative(root, blob)} (${(fs.statSync(blob).size / 1e6).toFixed(1)} MB)\n`);
