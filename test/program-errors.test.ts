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
  // The rest of the DStream API (issue 16).
  ['a transform with a two-batch function', withOps([{ id: 'x', op: 'transform', from: 'lines', fn: 'intersection' }, { id: 'o', op: 'output', from: 'x' }]), /operations\[0\] \(id "x", op transform\)\.fn: function intersection takes 2 batches, received 1/],
  ['a transform with an unknown rdd function', withOps([{ id: 'x', op: 'transform', from: 'lines', fn: 'sortBy' }, { id: 'o', op: 'output', from: 'x' }]), /\.fn: unknown rdd function "sortBy"/],
  ['a transformWith join of unpaired streams', withOps([{ id: 'x', op: 'transformWith', from: 'lines', with: 'lines', fn: 'join' }, { id: 'o', op: 'output', from: 'x' }]), /\.fn: function join needs a pair, received string/],
  ['a transformWith of different slides', withOps([{ id: 'w', op: 'window', from: 'lines', windowMs: 2000, slideMs: 2000 }, { id: 'x', op: 'transformWith', from: 'lines', with: 'w', fn: 'union' }, { id: 'o', op: 'output', from: 'x' }]), /\(id "x", op transformWith\)\.with: some of the DStreams have different slide durations/],
  ['a contextTransform of different types', withOps([{ id: 'n', op: 'map', from: 'lines', fn: 'length' }, { id: 'x', op: 'contextTransform', from: ['lines', 'n'], fn: 'union' }, { id: 'o', op: 'output', from: 'x' }]), /\.fn: function union needs batches of one type, received string and int/],
  ['a transform map with a bad map function', withOps([{ id: 'x', op: 'transform', from: 'lines', fn: { name: 'map', arg: 'negate' } }, { id: 'o', op: 'output', from: 'x' }]), /\.fn: function map function negate needs int, received string/],
  ['mapPartitions with a map function', withOps([{ id: 'x', op: 'mapPartitions', from: 'lines', fn: 'length' }, { id: 'o', op: 'output', from: 'x' }]), /\(id "x", op mapPartitions\)\.fn: unknown partition function "length"/],
  ['a repartition into 0 partitions', withOps([{ id: 'x', op: 'repartition', from: 'lines', partitions: 0 }, { id: 'o', op: 'output', from: 'x' }]), /operations\[0\] \(id "x", op "repartition"\)\.partitions: .*received 0 \(number\)/],
  ['a slice that ends before it starts', withOps([{ id: 'x', op: 'slice', from: 'lines', fromAgoMs: 1000, toAgoMs: 2000 }, { id: 'o', op: 'output', from: 'x' }]), /\(id "x", op slice\)\.toAgoMs: 2000 ms is after fromAgoMs \(1000 ms\)/],
  ['a slice off the batch grid', withOps([{ id: 'x', op: 'slice', from: 'lines', fromAgoMs: 1500, toAgoMs: 0 }, { id: 'o', op: 'output', from: 'x' }]), /\.fromAgoMs: 1500 ms is not a multiple of the slide duration of "lines"/],
  ['an initial state with a key of the wrong type', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 's', op: 'updateStateByKey', from: 'p', fn: 'running-sum', initialState: [[1, 2]] }, { id: 'o', op: 'output', from: 's' }]), /\(id "s", op updateStateByKey\)\.initialState\[0\]\[0\]: a key of type string, received 1 \(number\)/],
  ['an initial state with a state of the wrong type', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 's', op: 'updateStateByKey', from: 'p', fn: 'running-sum', initialState: [['a', 'lots']] }, { id: 'o', op: 'output', from: 's' }]), /\.initialState\[0\]\[1\]: a state of type int, received "lots" \(string\)/],
  ['an initial state naming a key twice', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 's', op: 'mapWithState', from: 'p', fn: 'silent-sum', initialState: [['a', 1], ['a', 2]] }, { id: 'o', op: 'output', from: 's' }]), /\(id "s", op mapWithState\)\.initialState\[1\]\[0\]: duplicate key "a"/],
  ['an initial state with a null state', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 's', op: 'mapWithState', from: 'p', fn: 'silent-sum', initialState: [['a', null]] }, { id: 'o', op: 'output', from: 's' }]), /\.initialState\[0\]: a key or state of null/],
  ['an initial state record that is not a pair', withOps([{ id: 'p', op: 'map', from: 'lines', fn: 'pair-with-one' }, { id: 's', op: 'updateStateByKey', from: 'p', fn: 'running-sum', initialState: [['a']] }, { id: 'o', op: 'output', from: 's' }]), /operations\[1\] \(id "s", op "updateStateByKey"\)\.initialState\[0\]/],
  ['pair-of with one function', withOps([{ id: 'x', op: 'map', from: 'lines', fn: { name: 'pair-of', arg: ['length'] } }, { id: 'o', op: 'output', from: 'x' }]), /\.fn: function pair-of needs two map functions \[F, G\] as its argument "arg", received \["length"\] \(array\)/],
  ['with-derived changing the type', withOps([{ id: 'x', op: 'flatMap', from: 'lines', fn: { name: 'with-derived', arg: 'length' } }, { id: 'o', op: 'output', from: 'x' }]), /\.fn: function with-derived needs F to keep the type \(string\), but length gives int/],
  ['element of a non-list', withOps([{ id: 'x', op: 'map', from: 'lines', fn: { name: 'element', arg: 0 } }, { id: 'o', op: 'output', from: 'x' }]), /\.fn: function element needs a list, received string/],
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
