// Storage crash states (PROTOCOL.md §10): the strace parser, the persistence models, the crash states
// and the durability lint. The oracle for the parser is the real file system: after a traced run (and
// after a run strace killed at a file operation), the "process" crash state built from the trace must
// equal what is really on disk.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import fc from 'fast-check';
import { execa } from 'execa';
import { parseStrace, type WatchedRoot } from '../harness/trace/parse-strace.js';
import { changeCount, crashState, type FsImage } from '../harness/trace/crash-state.js';
import { readTree } from '../harness/trace/fs-image.js';
import { straceArgv, straceExecutable } from '../harness/trace/strace-argv.js';
import { durabilityLint } from '../harness/check/durability-lint.js';
import { metadataFiles } from '../harness/faults/corrupt-checkpoint-fault.js';
import { tornCut } from '../harness/case/fault-plan-draw.js';
import { recoveryReadLint } from '../harness/check/recovery-read-lint.js';
import type { FileOp, FileTrace } from '../harness/trace/file-op.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-storage-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const hex = (s: string) => [...Buffer.from(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
const roots: WatchedRoot[] = [{ label: 'checkpoint', dir: '/w/c' }];

// A hand-written trace in strace's own format: padding, a split call, writev, pwrite64, relative paths.
const TRACE = [
  `10  mkdir("${hex('/w/c/d')}", 0777) = 0`,
  `10  openat(AT_FDCWD<${hex('/w')}>, "${hex('c/d/.t.tmp')}", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666 <unfinished ...>`,
  `11  write(1<${hex('pipe:[1]')}>, "${hex('{"event":"batch-completed","batchTimeMs":300}\n')}", 46) = 46`,
  `10  <... openat resumed>)            = 5<${hex('/w/c/d/.t.tmp')}>`,
  `10  write(5<${hex('/w/c/d/.t.tmp')}>, "${hex('hello')}", 5) = 5`,
  `10  writev(5<${hex('/w/c/d/.t.tmp')}>, [{iov_base="${hex('ab')}", iov_len=2}, {iov_base="${hex('c')}", iov_len=1}], 2) = 3`,
  `10  pwrite64(5<${hex('/w/c/d/.t.tmp')}>, "${hex('Z')}", 1, 0) = 1`,
  `10  fsync(5<${hex('/w/c/d/.t.tmp')}>)       = 0`,
  `10  close(5<${hex('/w/c/d/.t.tmp')}>)       = 0`,
  `10  rename("${hex('/w/c/d/.t.tmp')}", "${hex('/w/c/d/t')}") = 0`,
  `10  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/d')}", O_RDONLY|O_CLOEXEC) = 6<${hex('/w/c/d')}>`,
  `10  fsync(6<${hex('/w/c/d')}>)       = 0`,
  `10  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c')}", O_RDONLY|O_CLOEXEC) = 7<${hex('/w/c')}>`,
  `10  fsync(7<${hex('/w/c')}>)       = 0`,
  `10  write(9<${hex('/etc/elsewhere')}>, "${hex('x')}", 1) = 1`,
  `10  unlink("${hex('/w/c/missing')}") = -1 ENOENT (No such file or directory)`,
  `10  +++ exited with 0 +++`,
].join('\n');

test('parseStrace resolves descriptors, relative paths, split calls, vectors and offsets', (t) => {
  const trace = parseStrace(TRACE, { roots, cwd: '/w' });
  t.deepEqual(trace.incomplete, []);
  t.deepEqual(
    trace.ops.map((op) => `${op.seq} ${op.type}`),
    ['1 mkdir', '2 create', '3 write', '4 write', '5 write', '0 fsync', '6 rename', '0 fsync', '0 fsync'],
  );
  const writes = trace.ops.filter((op) => op.type === 'write');
  t.deepEqual(writes.map((w) => [w.offset, w.data.toString()]), [[0, 'hello'], [5, 'abc'], [0, 'Z']]);
  t.is(trace.ops[1]!.batchTimeMs, 300);
  t.deepEqual(trace.outside, ['wrote /etc/elsewhere']);
  const image = crashState(trace, changeCount(trace), { type: 'process' }).image;
  t.deepEqual([...image.files], [['checkpoint/d/t', Buffer.from('Zelloabc')]]);
});

test('posix: a rename durable without its data leaves an empty file; without the directory fsync, no file', (t) => {
  const noDataSync = parseStrace(TRACE.split('\n').filter((l) => !l.includes('fsync(5')).join('\n'), { roots, cwd: '/w' });
  t.deepEqual([...crashState(noDataSync, 6, { type: 'durable', model: 'posix' }).image.files], [['checkpoint/d/t', Buffer.alloc(0)]]);
  t.true(durabilityLint(noDataSync).some((f) => f.kind === 'rename-unsynced-data' && f.path === 'checkpoint/d/t'));
  const noDirSync = parseStrace(TRACE.split('\n').filter((l) => !l.includes('fsync(6')).join('\n'), { roots, cwd: '/w' });
  t.deepEqual([...crashState(noDirSync, 6, { type: 'durable', model: 'posix' }).image.files], []);
  // ext4's journal commits every entry made before any fsync: the root's fsync at the end takes the rename along.
  t.deepEqual([...crashState(noDirSync, 6, { type: 'durable', model: 'ext4-ordered' }).image.files], [['checkpoint/d/t', Buffer.from('Zelloabc')]]);
  t.true(durabilityLint(noDirSync).some((f) => f.kind === 'unsynced-directory-entry' && f.path === 'checkpoint/d/t'));
  t.deepEqual(durabilityLint(parseStrace(TRACE, { roots, cwd: '/w' })).filter((f) => f.path === 'checkpoint/d/t'), []);
});

test('a torn write lands up to a sector boundary, the rest missing or zeros', (t) => {
  const big = 'x'.repeat(1500);
  const text = [
    `1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/f')}", O_WRONLY|O_CREAT, 0666) = 3<${hex('/w/c/f')}>`,
    `1  write(3<${hex('/w/c/f')}>, "${hex(big)}", 1500) = 1500`,
  ].join('\n');
  const trace = parseStrace(text, { roots, cwd: '/w' });
  t.is(crashState(trace, 2, { type: 'torn', sectorBytes: 512, zeroFill: false, fraction: 0.99 }).image.files.get('checkpoint/f')!.length, 1024);
  const zero = crashState(trace, 2, { type: 'torn', sectorBytes: 512, zeroFill: true, fraction: 0 }).image.files.get('checkpoint/f')!;
  t.is(zero.length, 1500);
  t.is(zero.subarray(0, 512).toString(), 'x'.repeat(512));
  t.true(zero.subarray(512).every((b) => b === 0));
});

test('a crash state\'s file is its writes and truncations replayed byte for byte: zeros in gaps, nothing left of what a truncation cut (property)', (t) => {
  const origin = { syscall: 'test', tid: 1, nth: 1, batchTimeMs: null };
  const step = fc.oneof(
    fc.record({ type: fc.constant('write' as const), offset: fc.nat(300), data: fc.uint8Array({ minLength: 1, maxLength: 200 }) }),
    fc.record({ type: fc.constant('truncate' as const), length: fc.nat(400) }),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      const ops: FileOp[] = [{ ...origin, seq: 1, type: 'create', path: 'checkpoint/f', ino: 2, dirIno: 1 }];
      let expected = Buffer.alloc(0);
      for (const s of steps) {
        const seq = ops.length + 1;
        if (s.type === 'write') {
          const data = Buffer.from(s.data);
          ops.push({ ...origin, seq, type: 'write', path: 'checkpoint/f', ino: 2, offset: s.offset, data });
          const next = Buffer.alloc(Math.max(expected.length, s.offset + data.length));
          expected.copy(next);
          data.copy(next, s.offset);
          expected = next;
        } else {
          ops.push({ ...origin, seq, type: 'truncate', path: 'checkpoint/f', ino: 2, length: s.length });
          const next = Buffer.alloc(s.length);
          expected.copy(next, 0, 0, Math.min(expected.length, s.length));
          expected = next;
        }
      }
      const trace: FileTrace = { ops, initial: { dirs: [], files: [] }, incomplete: [], killedIn: null, errorIn: null, embedsRoots: false, outside: [] };
      return crashState(trace, ops.length, { type: 'process' }).image.files.get('checkpoint/f')?.equals(expected) === true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('every crash state keeps what was durable and never invents data (property over a real-looking trace)', (t) => {
  const trace = parseStrace(TRACE, { roots, cwd: '/w' });
  const total = changeCount(trace);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: total }), fc.double({ min: 0, max: 0.999, noNaN: true }), fc.constantFrom('posix' as const, 'ext4-ordered' as const), (n, f, model) => {
      const durable = crashState(trace, n, { type: 'durable', model });
      const prefix = crashState(trace, n, { type: 'prefix', model, fraction: f });
      const omit = crashState(trace, n, { type: 'omit-one', model, fraction: f });
      const subset = crashState(trace, n, { type: 'subset', model, seed: Math.floor(f * 1e9) + 1 });
      if (subset.applied < durable.applied || subset.applied > n) return false;
      const process = crashState(trace, n, { type: 'process' });
      return durable.applied <= prefix.applied && prefix.applied <= process.applied && omit.applied >= durable.applied && process.applied === n && omit.applied >= n - 1;
    }),
  );
  t.pass();
});

/** Runs the reference engine's word count once under strace (optionally killed at a file operation). */
async function tracedEngineRun(name: string, injection: { syscall: string; nth: number; errno?: 'EIO' | 'ENOSPC' } | null): Promise<{ trace: FileTrace; on: FsImage; roots: WatchedRoot[]; exitSignal: string | undefined; exitCode: number | undefined; stderr: string }> {
  const dir = path.join(tmp, name);
  for (const d of ['checkpoint', 'output', 'scratch']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const runRoots: WatchedRoot[] = [{ label: 'checkpoint', dir: fs.realpathSync(path.join(dir, 'checkpoint')) }, { label: 'output', dir: fs.realpathSync(path.join(dir, 'output')) }];
  const traceFile = path.join(dir, 'trace');
  const argv = straceArgv(['node', 'dist/reference/cli/engine.js'], traceFile, injection === null ? null : injection.errno === undefined ? { type: 'kill', ...injection } : { type: 'error', syscall: injection.syscall, nth: injection.nth, errno: injection.errno });
  const r = await execa(argv[0]!, argv.slice(1), {
    cwd: root,
    reject: false,
    env: { STREAMCHECK_PROGRAM: 'scenarios/examples/word-count.program.json', STREAMCHECK_INPUT: 'scenarios/examples/word-count.input.json', STREAMCHECK_CHECKPOINT_DIR: path.join(dir, 'checkpoint'), STREAMCHECK_OUTPUT_DIR: path.join(dir, 'output'), STREAMCHECK_SCRATCH_DIR: path.join(dir, 'scratch') },
  });
  const trace = parseStrace(fs.readFileSync(traceFile, 'utf8'), { roots: runRoots, cwd: root, injected: injection });
  const tree = readTree(runRoots);
  if ('error' in tree) throw new Error(tree.error);
  return { trace, on: { dirs: tree.dirs.map((d) => d.path).sort(), files: new Map(tree.files.map((f) => [f.path, f.data])) }, roots: runRoots, exitSignal: r.signal, exitCode: r.exitCode, stderr: String(r.stderr) };
}

const sameImage = (a: FsImage, b: FsImage) => ({ dirs: [a.dirs, b.dirs], files: [[...a.files.keys()].sort(), [...b.files.keys()].sort()], bytes: [...a.files].every(([k, v]) => b.files.get(k)?.equals(v) === true) });

test('oracle: the "process" state of a whole traced run is exactly what the run left on disk', async (t) => {
  if (straceExecutable() === null) return t.log('SKIPPED: strace is not installed (apt-get install strace, or bash tools/install-debian-packages.sh)'), t.pass();
  const run = await tracedEngineRun('whole', null);
  t.deepEqual(run.trace.incomplete, []);
  t.false(run.trace.embedsRoots);
  const built = crashState(run.trace, changeCount(run.trace), { type: 'process' }).image;
  const cmp = sameImage(built, run.on);
  t.deepEqual(cmp.dirs[0], cmp.dirs[1]);
  t.deepEqual(cmp.files[0], cmp.files[1]);
  t.true(cmp.bytes);
  // The reference engine syncs what it renames and every directory it makes.
  t.deepEqual(durabilityLint(run.trace), []);
});

test('oracle: a SIGKILL that strace injects at a file operation leaves exactly the "process" state up to it', async (t) => {
  if (straceExecutable() === null) return t.log('SKIPPED: strace is not installed (apt-get install strace, or bash tools/install-debian-packages.sh)'), t.pass();
  const whole = await tracedEngineRun('reference', null);
  const target = whole.trace.ops.filter((op) => op.seq > 0)[20]!;
  const killed = await tracedEngineRun('killed', { syscall: target.syscall, nth: target.nth });
  t.is(killed.exitSignal, 'SIGKILL');
  t.truthy(killed.trace.killedIn);
  const n = killed.trace.killedIn!.seq - 1;
  t.is(n, changeCount(killed.trace));
  const cmp = sameImage(crashState(killed.trace, n, { type: 'process' }).image, killed.on);
  t.deepEqual(cmp.files[0], cmp.files[1]);
  t.true(cmp.bytes);
});

test('storage faults find metadata files by a name pattern (top level) or by globs at any depth', (t) => {
  const dir = path.join(tmp, 'globs');
  for (const f of ['checkpoint-100', 'checkpoint-200.bk', 'other', 'metadata/checkpoint-1-0.json', 'metadata/deep/checkpoint-2-1.json', 'data/x/checkpoint-9.json']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), 'x');
  }
  t.deepEqual(metadataFiles(dir, { metadataFilePattern: '^checkpoint-\\d+(\\.bk)?$' }).sort(), ['checkpoint-100', 'checkpoint-200.bk']);
  t.deepEqual(metadataFiles(dir, { metadataFiles: ['metadata/**/checkpoint-*.json'] }).sort(), ['metadata/checkpoint-1-0.json', 'metadata/deep/checkpoint-2-1.json']);
  t.deepEqual(metadataFiles(dir, { metadataFiles: ['metadata/checkpoint-*.json'] }), ['metadata/checkpoint-1-0.json']);
});

test('an I/O error strace injects into a checkpoint fsync lands there, and the engine stops with a non-zero exit', async (t) => {
  if (straceExecutable() === null) return t.log('SKIPPED: strace is not installed (apt-get install strace, or bash tools/install-debian-packages.sh)'), t.pass();
  const whole = await tracedEngineRun('io-reference', null);
  const target = whole.trace.ops.flatMap((op) => (op.type === 'fsync' && op.path.startsWith('checkpoint/') ? [op] : []))[3]!;
  const failed = await tracedEngineRun('io-error', { syscall: target.syscall, nth: target.nth, errno: 'EIO' });
  t.like(failed.trace.errorIn, { syscall: 'fsync', errno: 'EIO', path: target.path });
  t.not(failed.exitCode, 0);
  t.regex(failed.stderr, /EIO|i\/o error/i);
});

test('a torn write is never one its file\'s fsync already made durable', (t) => {
  const big = 'y'.repeat(1500);
  const text = [
    `1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/f')}", O_WRONLY|O_CREAT, 0666) = 3<${hex('/w/c/f')}>`,
    `1  write(3<${hex('/w/c/f')}>, "${hex(big)}", 1500) = 1500`,
    `1  fsync(3<${hex('/w/c/f')}>) = 0`,
    `1  mkdir("${hex('/w/c/d')}", 0777) = 0`,
  ].join('\n');
  const trace = parseStrace(text, { roots, cwd: '/w' });
  const s = crashState(trace, 3, { type: 'torn', sectorBytes: 512, zeroFill: false, fraction: 0.5 });
  t.is(s.image.files.get('checkpoint/f')!.toString(), big);
  t.notRegex(s.detail, /torn/);
});

test('power can go between a write and its fsync: a torn state is cut just after the write, and the draw places it at a write', (t) => {
  const small = 'h'.repeat(100);
  const big = 'y'.repeat(1500);
  const text = [
    `1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/s')}", O_WRONLY|O_CREAT, 0666) = 3<${hex('/w/c/s')}>`,
    `1  write(3<${hex('/w/c/s')}>, "${hex(small)}", 100) = 100`,
    `1  fsync(3<${hex('/w/c/s')}>) = 0`,
    `1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/f')}", O_WRONLY|O_CREAT, 0666) = 4<${hex('/w/c/f')}>`,
    `1  write(4<${hex('/w/c/f')}>, "${hex(big)}", 1500) = 1500`,
    `1  fsync(4<${hex('/w/c/f')}>) = 0`,
    `1  mkdir("${hex('/w/c/d')}", 0777) = 0`,
  ].join('\n');
  const trace = parseStrace(text, { roots, cwd: '/w' });
  // Changes: 1 create s, 2 write s, 3 create f, 4 write f, 5 mkdir. The spanning write is the 4th.
  t.is(tornCut(trace, 512, 0), 4);
  t.is(tornCut(trace, 512, 0.99), 4);
  t.is(tornCut(trace, 4096, 0), 2, 'no write spans a 4096-byte boundary: any write, the first here');
  t.is(tornCut(trace, 4096, 0.99), 4);
  const s = crashState(trace, 4, { type: 'torn', sectorBytes: 512, zeroFill: false, fraction: 0.5 });
  t.is(s.image.files.get('checkpoint/f')!.length, 1024);
  t.true(s.tookBack);
  t.regex(s.detail, /torn: write of 1500 bytes at 0 of checkpoint\/f landed up to byte 1024/);
});

test('omit-one never leaves out the creation of a file renamed before the cut (that would take nothing back)', (t) => {
  const text = [
    `1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/.x.tmp')}", O_WRONLY|O_CREAT, 0666) = 3<${hex('/w/c/.x.tmp')}>`,
    `1  write(3<${hex('/w/c/.x.tmp')}>, "${hex('data')}", 4) = 4`,
    `1  fsync(3<${hex('/w/c/.x.tmp')}>) = 0`,
    `1  rename("${hex('/w/c/.x.tmp')}", "${hex('/w/c/x')}") = 0`,
  ].join('\n');
  const trace = parseStrace(text, { roots, cwd: '/w' });
  for (const fraction of [0, 0.3, 0.6, 0.99]) {
    const s = crashState(trace, 3, { type: 'omit-one', model: 'posix', fraction });
    t.true(s.tookBack, `fraction ${fraction}: ${s.detail}`);
    t.false(s.image.files.has('checkpoint/x'), `fraction ${fraction}: the rename is what was left out`);
  }
});

test('recovery-read lint: a file recovery reads is a finding when its data or its name was never synced, never when both were', (t) => {
  const before = (syncData: boolean, syncDir: boolean) =>
    parseStrace(
      [
        `1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/.m.tmp')}", O_WRONLY|O_CREAT, 0666) = 3<${hex('/w/c/.m.tmp')}>`,
        `1  write(3<${hex('/w/c/.m.tmp')}>, "${hex('meta')}", 4) = 4`,
        ...(syncData ? [`1  fsync(3<${hex('/w/c/.m.tmp')}>) = 0`] : []),
        `1  rename("${hex('/w/c/.m.tmp')}", "${hex('/w/c/m')}") = 0`,
        ...(syncDir ? [`1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c')}", O_RDONLY|O_DIRECTORY) = 4<${hex('/w/c')}>`, `1  fsync(4<${hex('/w/c')}>) = 0`] : []),
      ].join('\n'),
      { roots, cwd: '/w' },
    );
  const initial = { dirs: [], files: [{ path: 'checkpoint/m', ino: 1, data: Buffer.from('meta') }] };
  const recovery = parseStrace(`1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/m')}", O_RDONLY) = 3<${hex('/w/c/m')}>`, { roots, cwd: '/w', initial });
  t.deepEqual(recovery.ops.map((o) => o.type), ['read-open']);
  t.deepEqual(recoveryReadLint(before(true, true), 3, recovery), []);
  const noData = recoveryReadLint(before(false, true), 3, recovery);
  t.is(noData.length, 1);
  t.like(noData[0], { kind: 'recovery-read-unsynced', path: 'checkpoint/m' });
  t.regex(noData[0]!.message, /only 0 of its 4 bytes/);
  const noDir = recoveryReadLint(before(true, false), 3, recovery);
  t.regex(noDir[0]!.message, /its name was never made durable/);
  // A file the recovery writes before reading it is its own, not the crash's.
  const own = parseStrace(
    [`1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/m')}", O_WRONLY|O_TRUNC) = 3<${hex('/w/c/m')}>`, `1  write(3<${hex('/w/c/m')}>, "${hex('new!')}", 4) = 4`, `1  openat(AT_FDCWD<${hex('/w')}>, "${hex('/w/c/m')}", O_RDONLY) = 4<${hex('/w/c/m')}>`].join('\n'),
    { roots, cwd: '/w', initial },
  );
  t.deepEqual(recoveryReadLint(before(false, false), 3, own), []);
});

test('without strace, run falls back to the highest level it can run and says which it skipped and how to enable it', async (t) => {
  const bin = path.join(tmp, 'bin-without-strace');
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
  const env = { ...process.env, PATH: bin };
  const r = await execa(process.execPath, [cli, 'run', '--scenarios', 'word-count', '--cases', '2', '--seed', '1', '--db', path.join(tmp, 'nostrace', 's.sqlite')], { cwd: root, env, extendEnv: false, reject: false });
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /note: running at level L4, not L5: strace is not installed.*install-debian-packages\.sh/);
  const explicit = await execa(process.execPath, [cli, 'run', '--level', 'L5', '--cases', '1', '--db', path.join(tmp, 'nostrace2', 's.sqlite')], { cwd: root, env, extendEnv: false, reject: false });
  t.is(explicit.exitCode, 2, explicit.stdout + explicit.stderr);
  t.regex(explicit.stderr, /--level L5: strace is not installed/);
});
