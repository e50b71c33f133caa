// Batch-by-batch comparison of committed outputs against a reference, in (batch time, output) order,
// stopping at the first (output, batch time) that is missing, extra or different.

import { canonical } from '../../reference/program/value.js';
import type { Anomaly } from './anomaly.js';
import { firstDifference } from './first-difference.js';
import { outputKey, type CommittedOutput } from './observed-run.js';

export function compareOutputs(checker: string, what: string, reference: readonly CommittedOutput[], received: ReadonlyMap<string, CommittedOutput>): Anomaly | null {
  const ref = new Map(reference.map((o) => [outputKey(o.output, o.batchTimeMs), o]));
  const all = [...new Map([...ref, ...received]).values()].sort((a, b) => a.batchTimeMs - b.batchTimeMs || (a.output < b.output ? -1 : a.output > b.output ? 1 : 0));
  for (const o of all) {
    const k = outputKey(o.output, o.batchTimeMs);
    const e = ref.get(k);
    const r = received.get(k);
    const at = { checker, output: o.output, batchTimeMs: o.batchTimeMs };
    if (e === undefined) return { ...at, kind: 'phantom-output', key: null, received: r!.records, message: `output "${o.output}" committed batch ${o.batchTimeMs}, which ${what} does not have` };
    if (r === undefined) return { ...at, kind: 'lost-batch', key: null, expected: e.records, message: `output "${o.output}" has no commit for batch ${o.batchTimeMs}, which ${what} has` };
    const d = firstDifference(e.records, r.records);
    if (d !== null) {
      return {
        ...at,
        kind: 'wrong-value',
        key: d.key,
        expected: d.expected,
        received: d.received,
        message: `output "${o.output}" at batch ${o.batchTimeMs}, key ${d.key}: ${what} has ${d.expected.map(canonical).join(', ') || 'nothing'}, received ${d.received.map(canonical).join(', ') || 'nothing'}`,
      };
    }
  }
  return null;
}
