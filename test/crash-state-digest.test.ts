// The digest of what a timed kill left, and the crash-state files a failing case keeps: the digest
// depends on every name, kind, byte and directory and on nothing else; a kept state read back and
// put into fresh directories has the same digest; a tampered or escaping state file is refused.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import test from 'ava';
import fc from 'fast-check';
import { captureCrashState, restoreCrashState } from '../harness/run/crash-state-digest.js';
import type { RunDirs } from '../harness/run/run-dirs.js';
import { readCrashStateFile, writeCrashStateFile } from '../harness/store/crash-state-files.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-crash-state-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function freshDirs(): RunDirs {
  const root = path.join(tmp, `r${++n}`);
  const dirs = { programFile: '', inputFile: '', checkpointDir: path.join(root, 'checkpoint'), outputDir: path.join(root, 'output'), scratchDir: path.join(root, 'scratch') };
  for (const d of [dirs.checkpointDir, dirs.outputDir, dirs.scratchDir]) fs.mkdirSync(d, { recursive: true });
  return dirs;
}

type Tree = { root: 'checkpointDir' | 'outputDir' | 'scratchDir'; rel: string; data: string }[];

function write(dirs: RunDirs, files: Tree): void {
  for (const f of files) {
    const abs = path.join(dirs[f.root], f.rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, f.data);
  }
}

const treeArb: fc.Arbitrary<Tree> = fc.uniqueArray(
  fc.record({ root: fc.constantFrom('checkpointDir' as const, 'outputDir' as const, 'scratchDir' as const), rel: fc.constantFrom('a', 'b', 'x.tmp', 'sub/c', 'sub/d', 'deep/er/e'), data: fc.string({ maxLength: 40 }) }),
  { selector: (f) => `${f.root}/${f.rel.split('/')[0]}`, maxLength: 6 },
);

const digestOf = (dirs: RunDirs): string => {
  const d = captureCrashState(dirs, 0);
  if (d.type !== 'digest') throw new Error(d.reason);
  return d.digest;
};

test('the digest does not depend on the order files were written, and changes with any byte, name or directory', (t) => {
  fc.assert(
    fc.property(treeArb, (files) => {
      const a = freshDirs();
      const b = freshDirs();
      write(a, files);
      write(b, [...files].reverse());
      t.is(digestOf(a), digestOf(b));
      if (files.length === 0) return;
      const f = files[0]!;
      const c = freshDirs();
      write(c, [{ ...f, data: `${f.data}!` }, ...files.slice(1)]);
      t.not(digestOf(c), digestOf(a), 'one byte more');
      const moved = freshDirs();
      const other: Tree[number]['root'] = f.root === 'scratchDir' ? 'checkpointDir' : 'scratchDir';
      write(moved, files.map((x, i) => (i === 0 ? { ...x, root: other } : x)).filter((x, i) => i === 0 || x.root !== other || x.rel.split('/')[0] !== f.rel.split('/')[0]));
      if (!files.slice(1).some((x) => x.root === other)) t.not(digestOf(moved), digestOf(a), 'the same file in another directory');
    }),
    { numRuns: 40 },
  );
});

test('a kept crash state, read back and put into fresh directories, has the digest it is named by', (t) => {
  fc.assert(
    fc.property(treeArb, (files) => {
      const a = freshDirs();
      write(a, files);
      const c = captureCrashState(a, 1 << 20);
      if (c.type !== 'digest' || c.entries === null) return t.fail('not captured');
      const keep = path.join(tmp, 'kept');
      writeCrashStateFile(keep, c.digest, c.entries);
      const r = readCrashStateFile(keep, c.digest);
      if (r.type !== 'found') return t.fail(r.reason);
      const b = freshDirs();
      write(b, [{ root: 'outputDir', rel: 'stale', data: 'left over' }]);
      restoreCrashState(b, r.entries);
      t.is(digestOf(b), c.digest);
      // Modification times come back too (which file is newest decides what a corruption strikes).
      const again = captureCrashState(b, 1 << 20);
      if (again.type !== 'digest' || again.entries === null) return t.fail('not captured');
      const times = (es: typeof c.entries): [string, number][] => (es ?? []).flatMap((e): [string, number][] => (e.type === 'file' ? [[e.path, e.mtimeMs]] : []));
      const before = times(c.entries);
      times(again.entries).forEach(([p, ms], i) => {
        t.is(p, before[i]![0]);
        t.true(Math.abs(ms - before[i]![1]) < 0.01, `${p}: mtime ${ms}, recorded ${before[i]![1]}`);
      });
    }),
    { numRuns: 40 },
  );
});

test('a state file that is missing, tampered with, or names paths outside the directories is refused', (t) => {
  const keep = path.join(tmp, 'refused');
  t.is(readCrashStateFile(keep, 'abcdef123456').type, 'missing');
  const a = freshDirs();
  write(a, [{ root: 'checkpointDir', rel: 'checkpoint-1000', data: 'x' }]);
  const c = captureCrashState(a, 1 << 20);
  if (c.type !== 'digest' || c.entries === null) return t.fail('not captured');
  // Named by one digest, holding another.
  writeCrashStateFile(keep, c.digest, c.entries);
  fs.renameSync(path.join(keep, `${c.digest}.json.gz`), path.join(keep, '000000000000.json.gz'));
  t.regex((readCrashStateFile(keep, '000000000000') as { reason: string }).reason, /holds state/);
  fs.writeFileSync(path.join(keep, '111111111111.json.gz'), 'not gzip');
  t.is(readCrashStateFile(keep, '111111111111').type, 'unusable');
  fs.writeFileSync(path.join(keep, '222222222222.json.gz'), zlib.gzipSync(JSON.stringify({ format: 'streamcheck-crash-state', version: 1, digest: '222222222222', entries: [{ type: 'file', path: 'checkpoint/../../escape', base64: '', mtimeMs: 0 }] })));
  const escaping = readCrashStateFile(keep, '222222222222');
  if (escaping.type !== 'found') return t.fail('expected it to parse');
  t.throws(() => restoreCrashState(freshDirs(), escaping.entries), { message: /outside the checkpoint, output and scratch directories/ });
});
