// join, the three outer joins and cogroup of two keyed batches, as Spark's PairRDDFunctions define
// them over cogroup: every pair of values for a key on both sides; an outer side with no values
// contributes null (Scala's None); cogroup lists both sides' values for every key in either.

import type { Value } from '../../reference/program/value.js';
import { groupByKey } from './group-by-key.js';

export type JoinKind = 'join' | 'leftOuterJoin' | 'rightOuterJoin' | 'fullOuterJoin' | 'cogroup';

export function joinByKey(kind: JoinKind, left: readonly Value[], right: readonly Value[], what: string): Value[] {
  const l = groupByKey(left, `${what} (left side)`);
  const r = groupByKey(right, `${what} (right side)`);
  const keys = new Map<string, Value>();
  for (const [k, g] of [...l, ...r]) if (!keys.has(k)) keys.set(k, g.key);

  const out: Value[] = [];
  for (const [k, key] of keys) {
    const vs = l.get(k)?.values ?? [];
    const ws = r.get(k)?.values ?? [];
    // An outer side with no values stands in as a single null, which is exactly
    // RDD.leftOuterJoin/rightOuterJoin/fullOuterJoin (`case (vs, Seq()) => vs.map(v => (Some(v), None))`).
    const withNull = (xs: Value[], nullable: boolean): Value[] => (xs.length === 0 && nullable ? [null] : xs);
    switch (kind) {
      case 'cogroup':
        out.push([key, [vs, ws]]);
        break;
      case 'join':
        for (const v of vs) for (const w of ws) out.push([key, [v, w]]);
        break;
      case 'leftOuterJoin':
        for (const v of vs) for (const w of withNull(ws, true)) out.push([key, [v, w]]);
        break;
      case 'rightOuterJoin':
        for (const v of withNull(vs, true)) for (const w of ws) out.push([key, [v, w]]);
        break;
      case 'fullOuterJoin':
        for (const v of withNull(vs, ws.length > 0)) for (const w of withNull(ws, vs.length > 0)) out.push([key, [v, w]]);
        break;
      default: {
        const never: never = kind;
        throw new Error(`unknown join kind ${String(never)}`);
      }
    }
  }
  return out;
}
