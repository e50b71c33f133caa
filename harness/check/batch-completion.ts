// Every batch time of every output has exactly one committed file, and nothing else is committed: the
// set of (output, batch time) the model expects, checked against the faulty run's directory. Re-commits
// seen in the SUT's events are judged by the manifest's output guarantee, never deduplicated silently.

import type { Anomaly } from './anomaly.js';
import type { Checker, CheckContext } from './checker.js';
import { outputKey } from './observed-run.js';

const NAME = 'batch-completion';

export const batchCompletion: Checker = {
  name: NAME,
  check(ctx: CheckContext): Anomaly | null {
    const run = ctx.faulty.observed;
    const bad = run.malformed[0];
    if (bad !== undefined) return { kind: bad.tooLargeBytes !== undefined ? 'output-too-large' : 'malformed-output', checker: NAME, output: null, batchTimeMs: null, key: null, message: `${bad.file}: ${bad.reason}` };
    const expected = ctx.expected();
    const expectedKeys = new Set(expected.map((o) => outputKey(o.output, o.batchTimeMs)));
    const anomalies: Anomaly[] = [];
    for (const o of expected) {
      if (!run.outputs.has(outputKey(o.output, o.batchTimeMs))) {
        anomalies.push({ kind: 'lost-batch', checker: NAME, output: o.output, batchTimeMs: o.batchTimeMs, key: null, message: `output "${o.output}" has no committed file for batch ${o.batchTimeMs}` });
      }
    }
    for (const o of run.outputs.values()) {
      if (!expectedKeys.has(outputKey(o.output, o.batchTimeMs))) {
        anomalies.push({ kind: 'phantom-output', checker: NAME, output: o.output, batchTimeMs: o.batchTimeMs, key: null, message: `output "${o.output}" committed batch ${o.batchTimeMs}, which no batch of the program produces` });
      }
    }
    const commits = new Map<string, string[]>();
    for (const e of run.events) {
      if (e.event !== 'output-committed') continue;
      const c = e as { output: string; batchTimeMs: number; sha256: string };
      const k = outputKey(c.output, c.batchTimeMs);
      commits.set(k, [...(commits.get(k) ?? []), c.sha256]);
    }
    for (const [k, shas] of commits) {
      if (shas.length < 2) continue;
      const [output, t] = [k.slice(0, k.lastIndexOf('@')), Number(k.slice(k.lastIndexOf('@') + 1))];
      if (ctx.guarantee === 'exactly-once') {
        anomalies.push({ kind: 'duplicate-commit', checker: NAME, output, batchTimeMs: t, key: null, message: `output "${output}" committed batch ${t} ${shas.length} times; the SUT claims exactly-once` });
      } else if (new Set(shas).size > 1) {
        anomalies.push({ kind: 'duplicate-different', checker: NAME, output, batchTimeMs: t, key: null, received: shas, message: `output "${output}" re-committed batch ${t} with different bytes (sha256 ${[...new Set(shas)].join(' vs ')})` });
      }
    }
    anomalies.sort((a, b) => a.batchTimeMs! - b.batchTimeMs!);
    return anomalies[0] ?? null;
  },
};
