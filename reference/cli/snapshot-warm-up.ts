// What the startup snapshot runs before it is taken: three small programs that between them use most
// operations (the third the rest of the DStream API: transforms, partitions, slice, initial states),
// in memory and then twice against a checkpoint directory (a first run and a recovery),
// then the same through serve mode and the command (request parsing, flags, files, events, and
// Node's readline and streams under them), so that the snapshot holds compiled zod schemas and
// bytecode for every function a run calls, and a process started from it compiles almost nothing
// (a fresh process compiled 276 of the engine's functions and 13 ms of code per run when only the
// engine core was warmed). The engine keeps no module state, so nothing of these runs can reach a
// real one; the directory is removed before the snapshot is taken.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { serveRuns } from './engine-serve.js';
import { parseProgram } from '../program/validate.js';
import { parseInputLog } from '../source/input-log.js';
import { runInMemory, runSync } from '../engine/run-engine.js';

const header = { format: 'streamcheck-program', version: 1, batchIntervalMs: 1000 };

const PROGRAMS = [
  {
    ...header,
    name: 'warm-up-words',
    inputs: [{ name: 'lines', type: 'string' }],
    operations: [
      { id: 'words', op: 'flatMap', from: 'lines', fn: 'split-words' },
      { id: 'pairs', op: 'map', from: 'words', fn: 'pair-with-one' },
      { id: 'counts', op: 'reduceByKey', from: 'pairs', fn: 'sum' },
      { id: 'totals', op: 'updateStateByKey', from: 'pairs', fn: 'running-sum', checkpointIntervalMs: 2000 },
      { id: 'windowed', op: 'reduceByKeyAndWindow', from: 'pairs', fn: 'sum', inverseFn: 'subtract', windowMs: 3000, slideMs: 1000, checkpointIntervalMs: 2000 },
      { id: 'recent', op: 'window', from: 'words', windowMs: 2000 },
      { id: 'frequencies', op: 'countByValue', from: 'recent' },
      { id: 'grouped', op: 'groupByKey', from: 'pairs' },
      { id: 'joined', op: 'leftOuterJoin', from: 'counts', with: 'windowed' },
      { id: 'all', op: 'union', from: ['counts', 'windowed'] },
      { id: 'o1', op: 'output', from: 'totals' },
      { id: 'o2', op: 'output', from: 'frequencies' },
      { id: 'o3', op: 'output', from: 'grouped' },
      { id: 'o4', op: 'output', from: 'joined' },
      { id: 'o5', op: 'output', from: 'all' },
    ],
  },
  {
    ...header,
    name: 'warm-up-pairs',
    inputs: [{ name: 'pairs', type: 'pair' }],
    operations: [
      { id: 'big', op: 'filter', from: 'pairs', fn: { name: 'value-gt', arg: 1 } },
      { id: 'doubled', op: 'mapValues', from: 'big', fn: 'identity' },
      { id: 'sessions', op: 'mapWithState', from: 'pairs', fn: 'running-sum', timeoutMs: 2000, checkpointIntervalMs: 2000 },
      { id: 'snapshots', op: 'stateSnapshots', from: 'sessions' },
      { id: 'n', op: 'countByWindow', from: 'pairs', windowMs: 2000, slideMs: 1000 },
      { id: 'values', op: 'countByValueAndWindow', from: 'pairs', windowMs: 2000, slideMs: 1000 },
      { id: 'groups', op: 'groupByKeyAndWindow', from: 'pairs', windowMs: 2000 },
      { id: 'both', op: 'cogroup', from: 'pairs', with: 'doubled' },
      { id: 'inner', op: 'join', from: 'pairs', with: 'big' },
      { id: 'outer', op: 'fullOuterJoin', from: 'pairs', with: 'big' },
      { id: 'o1', op: 'output', from: 'snapshots' },
      { id: 'o2', op: 'output', from: 'n' },
      { id: 'o3', op: 'output', from: 'values' },
      { id: 'o4', op: 'output', from: 'groups' },
      { id: 'o5', op: 'output', from: 'both' },
      { id: 'o6', op: 'output', from: 'inner' },
      { id: 'o7', op: 'output', from: 'outer' },
    ],
  },
  {
    ...header,
    name: 'warm-up-dstream-api',
    inputs: [{ name: 'pairs', type: 'pair' }],
    operations: [
      { id: 'seeded', op: 'updateStateByKey', from: 'pairs', fn: 'add-batch-time', initialState: [['a', 0], ['z', 5]], checkpointIntervalMs: 2000 },
      { id: 'first', op: 'mapWithState', from: 'pairs', fn: 'first-seen-time', timeoutMs: 2000, initialState: [['b', 1]], checkpointIntervalMs: 2000 },
      { id: 'smallest', op: 'transform', from: 'seeded', fn: { name: 'take-ordered', arg: 2 } },
      { id: 'common', op: 'transformWith', from: 'pairs', with: 'seeded', fn: 'join' },
      { id: 'all', op: 'contextTransform', from: ['pairs', 'seeded'], fn: 'union' },
      { id: 'spread', op: 'repartition', from: 'all', partitions: 3 },
      { id: 'glommed', op: 'glom', from: 'spread' },
      { id: 'sums', op: 'mapPartitions', from: 'pairs', fn: 'partition-count' },
      { id: 'earlier', op: 'slice', from: 'pairs', fromAgoMs: 2000, toAgoMs: 1000 },
      { id: 'both', op: 'map', from: 'earlier', fn: { name: 'pair-of', arg: ['key', 'to-string'] } },
      { id: 'o1', op: 'output', from: 'smallest' },
      { id: 'o2', op: 'output', from: 'common' },
      { id: 'o3', op: 'output', from: 'glommed' },
      { id: 'o4', op: 'output', from: 'sums' },
      { id: 'o5', op: 'output', from: 'both' },
      { id: 'o6', op: 'output', from: 'first' },
    ],
  },
];

function input(stream: string, values: unknown[]): string {
  return JSON.stringify({
    format: 'streamcheck-input',
    version: 1,
    endTimeMs: 6000,
    streams: { [stream]: values.map((value, offset) => ({ offset, arrivalMs: 1 + offset * 400, value })) },
  });
}

const INPUTS = [
  input('lines', ['the quick brown fox', 'jumps over the lazy dog', 'the end', 'a b a', 'fox', 'dog dog', 'x y z', 'the', 'quick quick', 'end', 'a', 'b', 'c']),
  input('pairs', [['a', 1], ['b', 2], ['a', 3], ['c', 4], ['b', 5], ['a', 6], ['d', 7], ['a', 8], ['b', 9], ['c', 1], ['e', 2], ['a', 3], ['f', 4]]),
  input('pairs', [['a', 1], ['b', 2], ['a', 3], ['c', 4], ['b', 5], ['a', 6], ['d', 7], ['a', 8], ['b', 9], ['c', 1], ['e', 2], ['a', 3], ['f', 4]]),
];

/** Runs the warm-up; rejects if any of it fails, so a broken engine never becomes a snapshot. */
export async function warmUp(rounds = 3): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-warm-up-'));
  try {
    PROGRAMS.forEach((p, i) => {
      const program = parseProgram(JSON.stringify(p), `warm-up program ${p.name}`);
      const log = parseInputLog(INPUTS[i]!, `warm-up input ${p.name}`);
      for (let r = 0; r < rounds; r++) runInMemory(program, log);
      for (const run of ['first', 'recovery']) {
        runSync({ program, input: log, checkpointDir: path.join(dir, p.name, 'checkpoint'), outputDir: path.join(dir, p.name, `output-${run}`), onEvent: () => {} });
      }
    });
    await serveWarmUpRuns(path.join(dir, 'served'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each program twice (a first run and a recovery) through serveRuns, as the harness requests runs. */
async function serveWarmUpRuns(dir: string): Promise<void> {
  const requests = PROGRAMS.flatMap((p, i) => {
    const files = path.join(dir, p.name);
    fs.mkdirSync(files, { recursive: true });
    fs.writeFileSync(path.join(files, 'program.json'), JSON.stringify(p));
    fs.writeFileSync(path.join(files, 'input.json'), INPUTS[i]!);
    return ['first', 'recovery'].map((run) => ({
      STREAMCHECK_PROGRAM: path.join(files, 'program.json'),
      STREAMCHECK_INPUT: path.join(files, 'input.json'),
      STREAMCHECK_CHECKPOINT_DIR: path.join(files, 'checkpoint'),
      STREAMCHECK_OUTPUT_DIR: path.join(files, `output-${run}`),
      STREAMCHECK_SCRATCH_DIR: path.join(files, 'scratch'),
      STREAMCHECK_MAX_PENDING_BATCHES: '2',
      STREAMCHECK_EVENTS: 'all',
    }));
  });
  const input = new PassThrough();
  input.end(requests.map((env, i) => `${JSON.stringify({ request: 'run', run: i + 1, env })}\n`).join(''));
  let stderr = '';
  const code = await serveRuns(input, { stdout: () => {}, stderr: (text) => void (stderr += text) }, {});
  if (code !== 0 || stderr !== '') throw new Error(`the served warm-up runs ended with status ${code}${stderr === '' ? '' : `: ${stderr.trim()}`}`);
}
