// The manifest of the reference engine to test with on this machine. Its V8 startup snapshot
// (dist/snapshot/engine.blob) loads only in the node binary that built it, so the build stamps it
// with Node's version and architecture; when the stamp differs (another Node after `nvm use`, an
// installed package that ships only the snapshot's bundle) the blob is rebuilt from the bundle with
// plain `node --build-snapshot`, and if that cannot be done (no bundle, a read-only install) the
// engine runs as the plain command (reference-engine-plain.manifest.json): slower starts, same engine.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SNAPSHOT_MANIFEST = path.join(root, 'harness/protocol/reference-engine.manifest.json');
export const PLAIN_MANIFEST = path.join(root, 'harness/protocol/reference-engine-plain.manifest.json');
const snapshotDir = path.join(root, 'dist/snapshot');
const bundle = path.join(snapshotDir, 'engine-snapshot.cjs');
const blob = path.join(snapshotDir, 'engine.blob');
const stampFile = path.join(snapshotDir, 'engine.node-version');

/** What a blob must have been built by to load here. */
export const nodeBuildStamp = (): string => `${process.version} ${process.arch}`;

/** Bound on one rebuild of the blob (it takes a few seconds). */
const snapshotBuildTimeoutMs = 120_000;

/**
 * Builds dist/snapshot/engine.blob from its bundle with this node and the V8 options the manifest's
 * command gives (V8 refuses a blob built under other options), stamps it, and returns null; or says
 * why it could not. Written beside the blob and renamed over it, so a running suite never sees half.
 */
export function buildEngineBlob(nodeOptions: readonly string[]): string | null {
  if (!fs.existsSync(bundle)) return `no ${path.relative(root, bundle)} to build it from`;
  const partial = `${blob}.partial-${process.pid}`;
  const r = spawnSync(process.execPath, [...nodeOptions, '--snapshot-blob', partial, '--build-snapshot', bundle], { cwd: root, encoding: 'utf8', timeout: snapshotBuildTimeoutMs });
  if (r.status !== 0 || !fs.existsSync(partial)) {
    fs.rmSync(partial, { force: true });
    const last = (r.stderr ?? '').trim().split('\n').at(-1) ?? '';
    return `node --build-snapshot exited ${r.status ?? r.signal ?? r.error?.message}${last === '' ? '' : `: ${last}`}`;
  }
  try {
    fs.renameSync(partial, blob);
    fs.writeFileSync(stampFile, `${nodeBuildStamp()}\n`);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    return (error as Error).message;
  }
  return null;
}

/** The node options between "node" and "--snapshot-blob" in the snapshot manifest's command. */
export function snapshotNodeOptions(): string[] {
  const manifest = JSON.parse(fs.readFileSync(SNAPSHOT_MANIFEST, 'utf8')) as { command: string[] };
  return manifest.command.slice(1, manifest.command.indexOf('--snapshot-blob'));
}

const stampMatches = (): boolean => fs.existsSync(blob) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === nodeBuildStamp();

let chosen: string | undefined;

/** The reference engine's manifest file for this node; `note` hears of a rebuild or a fallback. */
export function referenceManifestFile(note: (line: string) => void = () => {}): string {
  if (chosen !== undefined) return chosen;
  if (stampMatches()) return (chosen = SNAPSHOT_MANIFEST);
  const why = buildEngineBlob(snapshotNodeOptions());
  if (why === null) {
    note(`rebuilt the reference engine's startup snapshot for node ${nodeBuildStamp()}`);
    return (chosen = SNAPSHOT_MANIFEST);
  }
  note(`the reference engine runs without its startup snapshot (slower starts): ${why}`);
  return (chosen = PLAIN_MANIFEST);
}
