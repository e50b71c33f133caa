// JUnit XML for CI dashboards (valid against the common junit-10 schema): one testcase per case,
// named by scenario and case index so CI history follows it across runs whatever the suite's seed.
// A failed case is a <failure> and an unknown one an <error>, each with the anomaly message and the
// replay lines (the shrunk counterexample's first); a case without a verdict, or one the SUT declined
// (exit 4), is <skipped>. A flaky failure is a <failure type="flaky"> whose message starts "FLAKY
// (reproduced in k of n runs)", a nondeterministic case an <error type="nondeterministic">: junit-10
// has no element for either.

import type { CaseLine, CaseProblem, Counterexample, SuiteReport } from './suite-report.js';

export function renderJunit(r: SuiteReport): string {
  const problems = new Map<number, CaseProblem>([...r.failures, ...r.flaky, ...r.unknowns, ...r.nondeterministic].map((p) => [p.caseId, p]));
  // The newest counterexample of a case is the smallest shrinking reached.
  const counterexamples = new Map<number, Counterexample>(r.counterexamples.map((x) => [x.caseId, x]));
  const t = r.totals;
  // junit-10 allows `skipped` on <testsuite> but not on <testsuites>.
  const counts = `tests="${t.cases}" failures="${t.fail + t.flaky}" errors="${t.unknown + t.nondeterministic}"`;
  const skipped = t.unfinished + t.skipped;
  const time = r.suite.durationMs === null ? '' : ` time="${seconds(r.suite.durationMs)}"`;
  const s = r.suite;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="streamcheck" ${counts}${time}>`,
    `  <testsuite name="${attr(`suite ${s.id}: ${s.sutName}`)}" ${counts} skipped="${skipped}"${time} timestamp="${attr(s.startedAt)}">`,
    '    <properties>',
    `      <property name="seed" value="${s.seed}"/>`,
    `      <property name="sut" value="${attr(s.sutName)}"/>`,
    ...(s.manifestFile === null ? [] : [`      <property name="manifest" value="${attr(s.manifestFile)}"/>`]),
    '    </properties>',
    ...r.cases.map((c) => testcase(c, problems.get(c.caseId), counterexamples.get(c.caseId))),
    '  </testsuite>',
    '</testsuites>',
    '',
  ];
  return out.join('\n');
}

/** The name CI history keys on: no seed or path, which change from run to run. */
function junitTestName(c: { scenario: string; caseIndex: number }): string {
  return `${c.scenario} case ${c.caseIndex}`;
}

function testcase(c: CaseLine, p: CaseProblem | undefined, x: Counterexample | undefined): string {
  const time = c.durationMs === null ? '' : ` time="${seconds(c.durationMs)}"`;
  const open = `    <testcase classname="${attr(`streamcheck.${c.scenario}`)}" name="${attr(junitTestName(c))}"${time}`;
  switch (c.outcome) {
    case 'pass':
      return `${open}/>`;
    case null:
      return `${open}>\n      <skipped message="no verdict stored: the suite did not finish this case"/>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${attr(`declined by the SUT (exit 4): ${c.message ?? '(no reason stored)'}`)}"/>\n    </testcase>`;
    case 'fail':
    case 'flaky':
    case 'unknown':
    case 'nondeterministic': {
      const element = c.outcome === 'fail' || c.outcome === 'flaky' ? 'failure' : 'error';
      const type = c.outcome === 'flaky' || c.outcome === 'nondeterministic' ? c.outcome : (c.anomaly ?? c.outcome);
      const rate = c.reproduction === null ? '' : ` (reproduced in ${c.reproduction.reproduced} of ${c.reproduction.runs} runs)`;
      const head = c.outcome === 'flaky' ? `FLAKY${rate}: ${c.anomaly ?? 'fail'}: ` : c.outcome === 'nondeterministic' ? 'NONDETERMINISTIC: ' : '';
      const message = `${head}${c.message ?? '(no message stored)'}`;
      const body = [
        message,
        `scenario ${c.scenario}, seed ${c.seed}, path ${JSON.stringify(c.path)}`,
        ...(p === undefined ? [] : [`first batch: ${p.firstBatchMs ?? 'n/a'}; first key: ${p.firstKey ?? 'n/a'}`]),
        ...(x === undefined ? [] : [`replay ${x.shrunk ? `shrunk counterexample${x.mayNotBeMinimal ? ' (shrinking stopped at its budget: may not be minimal)' : ''}` : 'counterexample (not shrunk)'}: ${x.replayLine}`]),
        `replay case as drawn: ${c.replayLine}`,
      ].join('\n');
      return `${open}>\n      <${element} type="${attr(type)}" message="${attr(`${type}: ${message}`)}">${text(body)}</${element}>\n    </testcase>`;
    }
    default: {
      const never: never = c.outcome;
      throw new Error(`unknown verdict ${JSON.stringify(never)}`);
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** XML 1.0 cannot carry most control characters at all, even escaped; they become U+FFFD. */
function text(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
