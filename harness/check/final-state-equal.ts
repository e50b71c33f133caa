// Recovered state judged directly: the faulty run's final state snapshot equals the failure-free
// run's, stream by stream; a difference names the stream and its first differing key.

import { canonical } from '../../reference/program/value.js';
import type { Anomaly } from './anomaly.js';
import type { Checker } from './checker.js';
import { firstDifference } from './first-difference.js';

const NAME = 'final-state-equal';

export const finalStateEqual: Checker = {
  name: NAME,
  check(ctx): Anomaly | null {
    const base = { checker: NAME, output: null, key: null };
    const ff = ctx.failureFree.observed.finalState;
    const fy = ctx.faulty.observed.finalState;
    for (const [which, s] of [['failure-free', ff], ['faulty', fy]] as const) {
      if (s.type !== 'present') {
        return { ...base, kind: 'missing-final-state', batchTimeMs: null, message: `the ${which} run left ${s.type === 'missing' ? 'no' : `a malformed (${s.reason})`} final state file` };
      }
    }
    if (ff.type !== 'present' || fy.type !== 'present') return null;
    const e = ff.state;
    const r = fy.state;
    if (e.batchTimeMs !== r.batchTimeMs) {
      return { ...base, kind: 'state-differs', batchTimeMs: r.batchTimeMs, expected: e.batchTimeMs, received: r.batchTimeMs, message: `final state is at batch ${r.batchTimeMs}, the failure-free run's at ${e.batchTimeMs}` };
    }
    for (const stream of [...new Set([...Object.keys(e.streams), ...Object.keys(r.streams)])].sort()) {
      const d = firstDifference(e.streams[stream] ?? [], r.streams[stream] ?? []);
      if (d !== null) {
        return {
          checker: NAME,
          kind: 'state-differs',
          output: stream,
          batchTimeMs: r.batchTimeMs,
          key: d.key,
          expected: d.expected,
          received: d.received,
          message: `final state of "${stream}", key ${d.key}: the failure-free run has ${d.expected.map(canonical).join(', ') || 'nothing'}, received ${d.received.map(canonical).join(', ') || 'nothing'}`,
        };
      }
    }
    return null;
  },
};
