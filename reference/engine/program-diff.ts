// Names what changed between the program a checkpoint was made with and the one given now, so a
// recovery with a changed program is refused with a useful message (Spark fails opaquely here).

import type { Program } from '../program/schema.js';
import { canonical, type Value } from '../program/value.js';

export function describeProgramChange(before: Program, after: Program): string[] {
  const changes: string[] = [];
  const show = (v: unknown) => (v === undefined ? 'unset' : canonical(v as Value));
  if (before.batchIntervalMs !== after.batchIntervalMs) changes.push(`batchIntervalMs ${before.batchIntervalMs} -> ${after.batchIntervalMs}`);
  const inputs = (p: Program) => new Map(p.inputs.map((i) => [i.name, i.type]));
  const [ib, ia] = [inputs(before), inputs(after)];
  for (const [name, type] of ib) {
    if (!ia.has(name)) changes.push(`input "${name}" removed`);
    else if (ia.get(name) !== type) changes.push(`input "${name}" type ${type} -> ${ia.get(name)}`);
  }
  for (const name of ia.keys()) if (!ib.has(name)) changes.push(`input "${name}" added`);
  const ops = (p: Program) => new Map(p.operations.map((o) => [o.id, o as Record<string, unknown>]));
  const [ob, oa] = [ops(before), ops(after)];
  for (const [id, op] of ob) {
    const now = oa.get(id);
    if (now === undefined) {
      changes.push(`operation "${id}" (${String(op.op)}) removed`);
      continue;
    }
    for (const field of new Set([...Object.keys(op), ...Object.keys(now)])) {
      if (canonical((op[field] ?? null) as Value) !== canonical((now[field] ?? null) as Value)) {
        changes.push(`operation "${id}" ${field} ${show(op[field])} -> ${show(now[field])}`);
      }
    }
  }
  for (const [id, op] of oa) if (!ob.has(id)) changes.push(`operation "${id}" (${String(op.op)}) added`);
  const order = (p: Program) => p.operations.map((o) => o.id).join(',');
  if (changes.length === 0 && order(before) !== order(after)) changes.push('operations reordered');
  if (changes.length === 0 && canonical(before as unknown as Value) !== canonical(after as unknown as Value)) changes.push('name or description changed');
  return changes;
}
