// Bad input gets one clear error naming the field, the expected and the received value: malformed
// programs, programs Spark would refuse, bad input logs, and the engine command's bad arguments.

import test from 'ava';
import { execa } from 'execa';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProgramError, validateProgram } from '../reference/program/validate.js';
import { InputError, validateInputLog } from '../reference/source/input-log.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const engine = path.join(root, 'dist/reference/cli/engine.js');
const example = (f: string) => path.join(root, 'scenarios/examples', f);

const base = {
  format: 'streamcheck-program',
  version: 1,
  batchIntervalMs: 1000,
  inputs: [{ name: 'lines', type: 'string' }],
};
const withOps = (operations: object[], extra: object = {}) => ({ ...base, ...extra, operations });

const refused: [string, unknown, RegExp][] = [
  ['a wrong version', { ...withOps([{ id: 'o', op: 'output', from: 'lines' }]), version: 2 }, /^program: version: expected 1, received 2 \(number\)/],
  ['a negative batch interval', withOps([{ id: 'o', op: 'output', from: 'lines' }], { batchIntervalMs: -5 }), /batchIntervalMs: .*received -5 \(number\)/],
  ['an unknown operation', withOps([{ id: 'x', op: 'mapp', from: 'lines', fn: 'identity' }]), /operations\[0\] \(id "x", op "mapp"\)\.op: unknown operation/],
  ['an unknown function', withOps([{ id: 'w', op: 'flatMap', from: 'lines', fn: 'split-wordz' }, { id: 'o', op: 'output', from: 'w' }]), /operations\[0\] \(id "w", op flatMap\)\.fn: unknown flatMap function "split-wordz"/],
  ['an unknown stream', withOps([{ id: 'o', op: 'output', from: 'nothing' }]), /\.from: unknown stream "nothing"/],
  ['a window not a multiple of the batch', withOps([{ id: 'w', op: 'window', from: 'lines', windowMs: 1500 }, { id: 'o', op: 'output', from: 'w' }]), /windowMs: 1500 ms is not a multiple of the slide duration of "lines" \(1000 ms\)/],
  ['a slide not a multiple of the batch', withOps([{ id: 'w', op: 'window', from: 'lines', windowMs: 2000, slideMs: 700 }, { id: 'o', op: 'output', from: 'w' }]), /slideMs: 700 ms is not a multiple/],
  ['a checkpoint interval not a multiple of the slide', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 's', op: 'updateStateByKey', from: 'p', fn: 'running-sum', checkpointIntervalMs: 1500 }, { id: 'o', op: 'output', from: 's' }]), /checkpointIntervalMs: 1500 ms is not a multiple of the slide duration/],
  ['reduceByKey over strings', withOps([{ id: 'r', op: 'reduceByKey', from: 'lines', fn: 'sum' }, { id: 'o', op: 'output', from: 'r' }]), /reduceByKey needs a stream of pairs \[key, value\], but "lines" carries string/],
  ['an inverse that does not invert', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 'r', op: 'reduceByKeyAndWindow', from: 'p', fn: 'max', inverseFn: 'subtract', windowMs: 2000 }, { id: 'o', op: 'output', from: 'r' }]), /inverseFn: subtract is the inverse of sum, but fn is max/],
  ['a join of different slides', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 'w', op: 'window', from: 'p', windowMs: 2000, slideMs: 2000 }, { id: 'j', op: 'join', from: 'p', with: 'w' }, { id: 'o', op: 'output', from: 'j' }]), /different slide durations/],
  ['no output operation', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }]), /no output operations registered/],
  ['a filter function without an inverse', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 'r', op: 'reduceByKeyAndWindow', from: 'p', fn: 'sum', filterFn: 'value-nonzero', windowMs: 2000 }, { id: 'o', op: 'output', from: 'r' }]), /only taken together with an inverse function/],
  ['an unexpected field', withOps([{ id: 'o', op: 'output', from: 'lines', colour: 'red' }]), /Unrecognized key: "colour"/],
];

for (const [what, json, message] of refused) {
  test(`refuses ${what}`, (t) => {
    const error = t.throws(() => validateProgram(json), { instanceOf: ProgramError });
    t.regex(error!.message, message);
    t.false(error!.message.includes('\n'), 'one line');
  });
}

test('refuses an input log whose arrival times go back', (t) => {
  const log = { format: 'streamcheck-input', version: 1, endTimeMs: 2000, streams: { lines: [{ offset: 0, arrivalMs: 900, value: 'a' }, { offset: 1, arrivalMs: 100, value: 'b' }] } };
  const error = t.throws(() => validateInputLog(log), { instanceOf: InputError });
  t.regex(error!.message, /streams\.lines\[1\]\.arrivalMs: expected at least 900 .* received 100/);
});

async function engineRun(args: string[], env: Record<string, string> = {}) {
  return execa('node', [engine, ...args], { reject: false, env, extendEnv: true });
}

test('the engine command: a missing program file is one clear line, exit 2', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-'));
  const r = await engineRun(['--program', path.join(dir, 'nope.json'), '--input', example('word-count.input.json'), '--output-dir', path.join(dir, 'out')]);
  t.is(r.exitCode, 2);
  t.regex(r.stderr, /^streamcheck-engine: error: cannot read the program .*nope\.json: ENOENT$/);
});

test('the engine command: a stateful program without a checkpoint directory is refused', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-'));
  const r = await engineRun(['--program', example('word-count.program.json'), '--input', example('word-count.input.json'), '--output-dir', path.join(dir, 'out')]);
  t.is(r.exitCode, 1);
  t.regex(r.stderr, /need a checkpoint directory/);
  t.false(r.stderr.includes('    at '), 'no stack trace');
});

test('the engine command: a bad --crash-at is named', async (t) => {
  const r = await engineRun(['--crash-at', 'soon']);
  t.is(r.exitCode, 2);
  t.regex(r.stderr, /--crash-at must be a positive integer, received "soon"/);
});

test('the engine command: flags can come from STREAMCHECK_* variables', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-'));
  const r = await engineRun([], {
    STREAMCHECK_PROGRAM: example('word-count.program.json'),
    STREAMCHECK_INPUT: example('word-count.input.json'),
    STREAMCHECK_CHECKPOINT_DIR: path.join(dir, 'cp'),
    STREAMCHECK_OUTPUT_DIR: path.join(dir, 'out'),
    STREAMCHECK_EVENTS: 'no-crash-points',
  });
  t.is(r.exitCode, 0, r.stderr);
  const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string });
  t.is(events.at(-1)?.event, 'done');
  t.true(fs.existsSync(path.join(dir, 'out/per-batch/9000.json')));
});
