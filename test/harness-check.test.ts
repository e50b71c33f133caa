// Checkers on hand-made runs: the first batch and key of a difference, state differences, re-commits
// judged by the guarantee, and a throwing model giving unknown rather than pass.

import test from 'ava';
import { judge } from '../harness/check/judge.js';
import type { CheckContext } from '../harness/check/checker.js';
import { outputKey, type CommittedOutput, type ObservedRun } from '../harness/check/observed-run.js';
import type { Value } from '../reference/program/value.js';
import type { RunOutcome } from '../harness/run/run-until-done.js';

const out = (output: string, batchTimeMs: number, records: Value[]): CommittedOutput => ({ output, batchTimeMs, records });
const observed = (outputs: CommittedOutput[], state: Record<string, Value[]> = {}, events: ObservedRun['events'] = []): ObservedRun => ({
  outputs: new Map(outputs.map((o) => [outputKey(o.output, o.batchTimeMs), o])),
  malformed: [],
  finalState: { type: 'present', state: { format: 'streamcheck-state', version: 1, batchTimeMs: 200, streams: state } },
  events,
});
const done: RunOutcome = { type: 'completed', attempts: 1, exits: [] };
const good = [out('o', 100, [['a', 1], ['b', 2]]), out('o', 200, [['a', 2], ['b', 2]])];
const ctx = (faulty: ObservedRun, over: Partial<CheckContext> = {}): CheckContext => ({
  guarantee: 'at-least-once-identical',
  expected: () => good,
  failureFree: { outcome: done, observed: observed(good, { s: [['a', 2]] }) },
  faulty: { outcome: done, observed: faulty },
  ...over,
});

test('identical runs pass', (t) => {
  t.is(judge(ctx(observed(good, { s: [['a', 2]] }))).verdict, 'pass');
});

test('a wrong value names its batch and first key', (t) => {
  const v = judge(ctx(observed([good[0]!, out('o', 200, [['a', 2], ['b', 3]])], { s: [['a', 2]] })));
  t.is(v.verdict, 'fail');
  t.like(v.anomaly, { kind: 'wrong-value', checker: 'outputs-equal-failure-free', batchTimeMs: 200, key: '"b"' });
});

test('a rolled-back state is state-differs with its stream and key', (t) => {
  const v = judge(ctx(observed(good, { s: [['a', 1]] })));
  t.like(v.anomaly, { kind: 'state-differs', output: 's', key: '"a"' });
});

test('re-commits: different bytes fail at-least-once-identical; any re-commit fails exactly-once', (t) => {
  const commit = (sha: string) => ({ event: 'output-committed', output: 'o', batchTimeMs: 100, records: 2, sha256: sha });
  const same = observed(good, { s: [['a', 2]] }, [commit('a'.repeat(64)), commit('a'.repeat(64))]);
  t.is(judge(ctx(same)).verdict, 'pass');
  t.like(judge(ctx(same, { guarantee: 'exactly-once' })).anomaly, { kind: 'duplicate-commit', batchTimeMs: 100 });
  const different = observed(good, { s: [['a', 2]] }, [commit('a'.repeat(64)), commit('b'.repeat(64))]);
  t.like(judge(ctx(different)).anomaly, { kind: 'duplicate-different', batchTimeMs: 100 });
});

test('a model that throws gives unknown, not pass', (t) => {
  const v = judge(ctx(observed(good, { s: [['a', 2]] }), { expected: () => { throw new Error('model broke'); } }));
  t.is(v.verdict, 'unknown');
  t.true(v.results.some((r) => r.type === 'unknown' && /model broke/.test(r.error)));
});
