// The JUnit XML CI reads: valid against the junit-10 schema's structure (test/helpers/junit10-problems.ts)
// whatever the stored strings hold, test names CI history can follow across runs of different
// seeds, and a failure carrying the shrunk counterexample's replay line.

import test from 'ava';
import fc from 'fast-check';
import { Store, type VerdictName } from '../harness/store/store.js';
import { renderJunit } from '../reports/junit.js';
import { suiteReport } from '../reports/suite-report.js';
import { junit10Problems } from './helpers/junit10-problems.js';

interface StoredCase {
  scenario: string;
  seed: number;
  path: string;
  verdict: VerdictName | null;
  message: string;
}

const HOSTILE = '<script>alert(1)</script> "onload=x \u001b[31mred\u001b[0m\nline2 ]]> &amp; \u0000';

/** A suite of these cases in an in-memory store, with a shrunk counterexample for each failure. */
function junitOf(suiteSeed: number, sutName: string, cases: readonly StoredCase[], options: Record<string, unknown> = {}): string {
  const store = Store.open(':memory:');
  try {
    const suite = store.beginSuite({ seed: suiteSeed, sutName, manifest: {}, options });
    cases.forEach((c, caseIndex) => {
      const id = store.beginCase({ suiteId: suite, caseIndex, scenario: c.scenario, seed: c.seed, path: c.path, caseJson: {}, faultPlanJson: {} });
      if (c.verdict !== null) store.finishCase(id, { verdict: c.verdict, anomaly: c.verdict === 'fail' ? 'lost-batch' : null, firstBatchMs: null, firstKey: null, message: c.message, detail: {} });
      if (c.verdict === 'fail') store.recordCounterexample(id, `streamcheck replay --scenario ${c.scenario} --seed ${c.seed} --path "${c.path}:0:1"`, {}, []);
    });
    store.finishSuite(suite);
    return renderJunit(suiteReport(store.db));
  } finally {
    store.close();
  }
}

const sample: StoredCase[] = [
  { scenario: 'word-count', seed: 11, path: '0', verdict: 'pass', message: '' },
  { scenario: 'word-count', seed: 12, path: '0', verdict: 'fail', message: `output "counts" lost ${HOSTILE}` },
  { scenario: HOSTILE, seed: 13, path: '0', verdict: 'unknown', message: 'checker threw' },
  { scenario: 'windowed', seed: 14, path: '0', verdict: null, message: '' },
];

test('JUnit output has the structure of the junit-10 schema, with every kind of verdict and hostile strings', (t) => {
  const xml = junitOf(777, HOSTILE, sample);
  t.deepEqual(junit10Problems(xml), []);
  t.regex(xml, /<testsuites name="streamcheck" tests="4" failures="1" errors="1"( time="[^"]*")?>/);
  t.notRegex(xml.split('\n').find((l) => l.startsWith('<testsuites'))!, /skipped=/, 'junit-10 allows no skipped attribute on <testsuites>');
  t.regex(xml, /<testsuite name="[^"]*" tests="4" failures="1" errors="1" skipped="1"/);
});

test('the schema check itself rejects what junit-10 forbids', (t) => {
  const ok = junitOf(1, 'sut', sample);
  t.deepEqual(junit10Problems(ok.replace('<testsuites name="streamcheck"', '<testsuites skipped="1" name="streamcheck"')), ['/testsuites: attribute "skipped" not allowed']);
  t.deepEqual(junit10Problems(ok.replace(/<testcase classname/, '<testcase seed="1" classname')), ['/testsuites/testsuite/testcase: attribute "seed" not allowed']);
  t.true(junit10Problems(ok.replace('</testsuites>', '')).length > 0, 'not well-formed');
  t.deepEqual(junit10Problems(ok.replace(/ tests="4" failures="1" errors="1" skipped/, ' tests="4" errors="1" skipped')), ['/testsuites/testsuite: required attribute "failures" missing']);
});

test('test names follow scenario and case index, not the seed or path, so CI history can track them', (t) => {
  const names = (xml: string) => [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => `${m[1]} / ${m[2]}`);
  const first = junitOf(1, 'sut', sample);
  const second = junitOf(2, 'sut', sample.map((c, i) => ({ ...c, seed: 1000 + i * 7, path: `${i}:3` })));
  t.deepEqual(names(first), names(second));
  t.is(names(first)[1], 'streamcheck.word-count / word-count case 1');
  t.false(names(first).some((n) => /\b12\b/.test(n)), 'no seed in a name');
});

test('a failure carries the shrunk counterexample’s replay line before the case’s own', (t) => {
  const xml = junitOf(1, 'sut', sample);
  const failure = /<failure [^>]*>([\s\S]*?)<\/failure>/.exec(xml)![1]!;
  const shrunk = failure.indexOf('replay shrunk counterexample: streamcheck replay --scenario word-count --seed 12 --path "0:0:1"');
  const drawn = failure.indexOf('replay case as drawn: npx streamcheck replay --scenario word-count --seed 12 --path "0"');
  t.true(shrunk >= 0 && drawn > shrunk, failure);
  t.true(junitOf(1, 'sut', sample, { shrink: false }).includes('replay counterexample (not shrunk): '));
});

test('any stored strings give junit-10-valid XML (property)', (t) => {
  const text = fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 40 }), fc.constant(HOSTILE), fc.string({ maxLength: 20 }));
  const storedCase = fc.record({
    scenario: text,
    seed: fc.nat(),
    path: fc.constantFrom('0', '1:2', '0:0:3'),
    verdict: fc.constantFrom<VerdictName | null>('pass', 'fail', 'unknown', null),
    message: text,
  });
  fc.assert(
    fc.property(fc.nat(), text, fc.array(storedCase, { maxLength: 6 }), (seed, sutName, cases) => {
      const problems = junit10Problems(junitOf(seed, sutName, cases));
      if (problems.length > 0) throw new Error(problems.join('; '));
    }),
    { numRuns: 60 },
  );
  t.pass();
});
