// The checkpoint directory under damage and change: a truncated or bit-flipped newest checkpoint is
// skipped for the previous one, a directory of only unusable files and a changed program stop the
// engine with exit 3 (never a silent fresh start), recovery replays only the batches after the
// latest data checkpoint, and recovering the same crashed directories twice gives the same bytes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { dir } from 'tmp-promise';
import { listCheckpointFiles } from '../reference/checkpoint/checkpoint-store.js';
import type { EngineEvent } from '../reference/engine/events.js';
import { runSync } from '../reference/engine/run-engine.js';
import { parseProgram, validateProgram, type ValidProgram } from '../reference/program/validate.js';
import { parseInputLog, type InputLog } from '../reference/source/input-log.js';
import { crashPointsToTry, dirSnapshot, outputSnapshot, runOnce, type Dirs, type RunSpec } from './helpers/crash-runs.js';
import { inputFromBatches } from './helpers/input-from-batches.js';

const ENGINE = path.resolve('dist/reference/cli/engine.js');
const PROGRAM_FILE = path.resolve('scenarios/examples/word-count.program.json');
const INPUT_FILE = path.resolve('scenarios/examples/word-count.input.json');
const program = parseProgram(fs.readFileSync(PROGRAM_FILE, 'utf8'));
const input = parseInputLog(fs.readFileSync(INPUT_FILE, 'utf8'));
const spec: RunSpec = { program, input, maxPendingBatches: 1 };

async function withDirs(fn: (root: string, dirsOf: (label: string) => Dirs) => Promise<void> | void): Promise<void> {
  const { path: root, cleanup } = await dir({ unsafeCleanup: true });
  try {
    await fn(root, (label) => ({ checkpointDir: path.join(root, label, 'checkpoint'), outputDir: path.join(root, label, 'output') }));
  } finally {
    await cleanup();
  }
}

/** The crash point number of the first point `name` at `batchTimeMs` in a failure-free run. */
function crashPointOf(s: RunSpec, root: string, name: string, batchTimeMs: number): number {
  const events: EngineEvent[] = [];
  runSync({ ...s, checkpointDir: path.join(root, 'probe', 'c'), outputDir: path.join(root, 'probe', 'o'), reportCrashPoints: true, onEvent: (e) => events.push(e) });
  const hit = events.find((e) => e.event === 'crash-point' && e.name === name && e.batchTimeMs === batchTimeMs);
  if (hit === undefined || hit.event !== 'crash-point') throw new Error(`no crash point ${name} at ${batchTimeMs} ms`);
  return hit.n;
}

/** Restarts in process, recording events and warnings (the engine command prints warnings on stderr). */
function restart(s: RunSpec, d: Dirs) {
  const events: EngineEvent[] = [];
  const warnings: string[] = [];
  runSync({ ...s, ...d, onEvent: (e) => events.push(e), onWarning: (m) => warnings.push(m) });
  return { events, warnings };
}

for (const damage of [
  { name: 'truncated', reason: /truncated or torn write/, apply: (b: Buffer) => b.subarray(0, b.length - 7) },
  {
    name: 'bit-flipped',
    reason: /checksum mismatch/,
    apply: (b: Buffer) => {
      const copy = Buffer.from(b);
      copy[copy.length - 3]! ^= 0x04;
      return copy;
    },
  },
]) {
  test(`a ${damage.name} newest checkpoint file is skipped for the previous one, with a warning, and the output is right`, async (t) => {
    await withDirs((root, dirsOf) => {
      const ref = dirsOf('ref');
      runOnce(spec, ref);
      const d = dirsOf('damaged');
      t.is(runOnce(spec, d, crashPointOf(spec, root, 'job:before-run', 5000)).kind, 'crashed');
      const files = listCheckpointFiles(d.checkpointDir);
      const newest = files[files.length - 1]!;
      const previous = files[files.length - 2]!;
      const file = path.join(d.checkpointDir, newest.name);
      fs.writeFileSync(file, damage.apply(fs.readFileSync(file)));

      const { events, warnings } = restart(spec, d);
      const skipped = events.filter((e) => e.event === 'checkpoint-skipped');
      t.is(skipped.length, 1);
      t.like(skipped[0], { event: 'checkpoint-skipped', file: newest.name });
      t.regex((skipped[0] as { reason: string }).reason, damage.reason);
      t.is(warnings.length, 1);
      t.regex(warnings[0]!, new RegExp(`checkpoint ${newest.name} is unusable .*falling back to an older checkpoint`));
      t.like(events.find((e) => e.event === 'start'), { recovered: true, checkpointFile: previous.name });
      t.deepEqual(outputSnapshot(d.outputDir), outputSnapshot(ref.outputDir));
    });
  });
}

function engineCommand(programFile: string, d: Dirs) {
  return execa('node', [ENGINE, '--program', programFile, '--input', INPUT_FILE, '--checkpoint-dir', d.checkpointDir, '--output-dir', d.outputDir, '--events', 'none'], { reject: false });
}

test('a checkpoint directory of only unusable files stops the engine with exit 3 and says why; it never starts fresh', async (t) => {
  await withDirs(async (root, dirsOf) => {
    const d = dirsOf('corrupt');
    t.is(runOnce(spec, d, crashPointOf(spec, root, 'job:before-run', 4000)).kind, 'crashed');
    const files = listCheckpointFiles(d.checkpointDir);
    t.true(files.length >= 2);
    for (const f of files) {
      const p = path.join(d.checkpointDir, f.name);
      const bytes = fs.readFileSync(p);
      fs.writeFileSync(p, bytes.subarray(0, bytes.length >>> 1));
    }
    const outputsBefore = dirSnapshot(d.outputDir);
    const r = await engineCommand(PROGRAM_FILE, d);
    t.is(r.exitCode, 3, r.stderr);
    t.regex(r.stderr, new RegExp(`holds ${files.length} checkpoint file\\(s\\) but none is usable`));
    t.regex(r.stderr, /truncated or torn write/);
    t.deepEqual(dirSnapshot(d.outputDir), outputsBefore, 'the engine wrote outputs although it could not recover');
  });
});

test('a changed program (a window duration) is refused with exit 3 and a message naming the change', async (t) => {
  await withDirs(async (root, dirsOf) => {
    const d = dirsOf('changed');
    t.is(runOnce(spec, d, crashPointOf(spec, root, 'job:before-run', 4000)).kind, 'crashed');
    const changed = JSON.parse(fs.readFileSync(PROGRAM_FILE, 'utf8')) as { operations: { id: string; windowMs?: number }[] };
    changed.operations.find((o) => o.id === 'windowed')!.windowMs = 4000;
    const changedFile = path.join(root, 'changed.program.json');
    fs.writeFileSync(changedFile, JSON.stringify(changed));
    const outputsBefore = dirSnapshot(d.outputDir);
    const r = await engineCommand(changedFile, d);
    t.is(r.exitCode, 3, r.stderr);
    t.regex(r.stderr, /the program differs from the one checkpoint checkpoint-\d+ was made with: operation "windowed" windowMs 3000 -> 4000/);
    t.regex(r.stderr, /Use a new checkpoint directory/);
    t.deepEqual(dirSnapshot(d.outputDir), outputsBefore);
  });
});

test('recovery replays only the batches after the latest data checkpoint', async (t) => {
  // Running word totals, data-checkpointed every 3 batches, over 10 batches of one line each.
  const p: ValidProgram = validateProgram({
    format: 'streamcheck-program',
    version: 1,
    name: 'totals',
    batchIntervalMs: 1000,
    inputs: [{ name: 'lines', type: 'string' }],
    operations: [
      { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
      { id: 'pairs', op: 'map', from: 'words', fn: 'pair-with-one' },
      { id: 'totals', op: 'updateStateByKey', from: 'pairs', fn: 'running-sum', checkpointIntervalMs: 3000 },
      { id: 'out', op: 'output', from: 'totals' },
    ],
  });
  const batches = 10;
  const log: InputLog = inputFromBatches(1000, { lines: Array.from({ length: batches }, (_, i) => [`w${i % 3} x`]) });
  const s: RunSpec = { program: p, input: log, maxPendingBatches: 1 };
  await withDirs((root, dirsOf) => {
    const ref = dirsOf('ref');
    const clean = runOnce(s, ref);
    if (clean.kind !== 'done') return t.fail('the failure-free run crashed');
    t.is(clean.done.inputBatchesRead, batches, 'a failure-free run reads every batch once');

    // Crash when batch 8 s is about to run: 1..7 s are complete, 8 s is pending, and the latest data
    // checkpoint is the state at 6 s. Recovery must read 7 s and 8 s to rebuild the state at 8 s,
    // then 9 s and 10 s as usual: 4 batches, not 10.
    const d = dirsOf('crashed');
    t.is(runOnce(s, d, crashPointOf(s, root, 'job:before-run', 8000)).kind, 'crashed');
    const { events } = restart(s, d);
    const recovery = events.find((e) => e.event === 'recovery');
    t.like(recovery, { event: 'recovery', checkpointTimeMs: 8000, pendingTimes: [8000], rescheduled: [8000], restartTimeMs: 9000, restoredData: { totals: [3000, 6000] } });
    const done = events.find((e) => e.event === 'done');
    t.like(done, { event: 'done', inputBatchesRead: 4, batchesCompleted: 3 });
    t.deepEqual(outputSnapshot(d.outputDir), outputSnapshot(ref.outputDir));
  });
});

test('recovery is idempotent: the same crashed directories restarted twice give identical outputs and checkpoint files', async (t) => {
  await withDirs((_root, dirsOf) => {
    const clean = runOnce(spec, dirsOf('ref'));
    if (clean.kind !== 'done') return t.fail('the failure-free run crashed');
    for (const n of crashPointsToTry(clean.done.crashPoints, 12, 42)) {
      const crashed = dirsOf(`crash-${n}`);
      t.is(runOnce(spec, crashed, n).kind, 'crashed');
      const copies = [dirsOf(`crash-${n}-a`), dirsOf(`crash-${n}-b`)];
      for (const c of copies) {
        fs.cpSync(path.dirname(crashed.checkpointDir), path.dirname(c.checkpointDir), { recursive: true });
        t.is(runOnce(spec, c).kind, 'done');
      }
      t.deepEqual(dirSnapshot(copies[0]!.outputDir), dirSnapshot(copies[1]!.outputDir), `outputs after a crash at point ${n}`);
      t.deepEqual(dirSnapshot(copies[0]!.checkpointDir), dirSnapshot(copies[1]!.checkpointDir), `checkpoint directory after a crash at point ${n}`);
    }
  });
});
