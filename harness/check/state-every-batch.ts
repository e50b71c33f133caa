// Recovered state judged at every batch: for each output that carries a stateful stream's whole
// state (updateStateByKey, stateSnapshots, windowed reductions with an inverse), the faulty run's
// state at each batch equals the failure-free run's. A state equal to the failure-free run's state of
// an earlier batch is named as rolled back; otherwise the first differing key is named.

import { canonical } from '../../reference/program/value.js';
import type { Anomaly } from './anomaly.js';
import type { Checker } from './checker.js';
import { firstDifference } from './first-difference.js';
import { sortedOutputs } from './observed-run.js';

const NAME = 'state-every-batch';

export const stateEveryBatch: Checker = {
  name: NAME,
  check(ctx): Anomaly | null {
    const stateful = ctx.statefulOutputs ?? new Set<string>();
    if (stateful.size === 0) return null;
    const ff = ctx.failureFree.observed;
    const history = new Map<string, { batchTimeMs: number; text: string }[]>();
    for (const o of sortedOutputs(ff)) {
      if (!stateful.has(o.output)) continue;
      const list = history.get(o.output) ?? [];
      list.push({ batchTimeMs: o.batchTimeMs, text: canonical(o.records) });
      history.set(o.output, list);
    }
    for (const r of sortedOutputs(ctx.faulty.observed)) {
      if (!stateful.has(r.output)) continue;
      const e = ff.outputs.get(`${r.output}@${r.batchTimeMs}`);
      if (e === undefined) continue; // lost and phantom batches are batch-completion's to name
      const d = firstDifference(e.records, r.records);
      if (d === null) continue;
      const text = canonical(r.records);
      const earlier = (history.get(r.output) ?? []).filter((h) => h.batchTimeMs < r.batchTimeMs && h.text === text).at(-1);
      return {
        checker: NAME,
        kind: earlier !== undefined ? 'state-rolled-back' : 'state-differs',
        output: r.output,
        batchTimeMs: r.batchTimeMs,
        key: d.key,
        expected: d.expected,
        received: d.received,
        message:
          earlier !== undefined
            ? `state of "${r.output}" at batch ${r.batchTimeMs} is the failure-free run's state of batch ${earlier.batchTimeMs}: rolled back (first key ${d.key})`
            : `state of "${r.output}" at batch ${r.batchTimeMs}, key ${d.key}: the failure-free run has ${d.expected.map(canonical).join(', ') || 'nothing'}, received ${d.received.map(canonical).join(', ') || 'nothing'}`,
      };
    }
    return null;
  },
};
