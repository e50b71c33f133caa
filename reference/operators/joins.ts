// join, leftOuterJoin, rightOuterJoin, fullOuterJoin and cogroup of two pair streams with the same
// slide (Spark's PairDStreamFunctions over transformWith + CoGroupedRDD). A missing side is null.

import type { Value } from '../program/value.js';
import type { BatchFn } from './element-wise.js';
import { groupByKey, sortedValues, type KeyGroup, type KeyId } from './keyed.js';

export type JoinKind = 'join' | 'leftOuterJoin' | 'rightOuterJoin' | 'fullOuterJoin' | 'cogroup';

export function joinBatch(kind: JoinKind): BatchFn {
  return ([left, right]) => {
    const l = groupByKey(left!, kind);
    const r = groupByKey(right!, kind);
    const keys = new Map<KeyId, Value>();
    for (const [ks, g] of l) keys.set(ks, g.key);
    for (const [ks, g] of r) if (!keys.has(ks)) keys.set(ks, g.key);
    const out: Value[] = [];
    const none: KeyGroup = { key: null, values: [] };
    for (const [ks, key] of keys) {
      const vs = (l.get(ks) ?? none).values;
      const ws = (r.get(ks) ?? none).values;
      if (kind === 'cogroup') {
        out.push([key, [sortedValues(vs), sortedValues(ws)]]);
        continue;
      }
      const lefts: Value[] = vs.length > 0 ? vs : kind === 'rightOuterJoin' || kind === 'fullOuterJoin' ? [null] : [];
      const rights: Value[] = ws.length > 0 ? ws : kind === 'leftOuterJoin' || kind === 'fullOuterJoin' ? [null] : [];
      for (const v of lefts) for (const w of rights) out.push([key, [v, w]]);
    }
    return out;
  };
}
