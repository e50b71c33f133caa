// Per-record operations: map, flatMap, filter, mapValues, flatMapValues (Spark's MappedDStream,
// FlatMappedDStream, FilteredDStream, MapValuedDStream, FlatMapValuedDStream).

import { resolveFn, type FnRef } from '../program/functions.js';
import type { Value } from '../program/value.js';
import { asPair } from './keyed.js';

export type BatchFn = (inputs: Value[][]) => Value[];

export function mapBatch(ref: FnRef): BatchFn {
  const f = resolveFn('map', ref);
  return ([records]) => records!.map(f);
}

export function flatMapBatch(ref: FnRef): BatchFn {
  const f = resolveFn('flatMap', ref);
  return ([records]) => {
    const out: Value[] = [];
    for (const r of records!) for (const x of f(r)) out.push(x);
    return out;
  };
}

export function filterBatch(ref: FnRef): BatchFn {
  const f = resolveFn('filter', ref);
  return ([records]) => records!.filter(f);
}

export function mapValuesBatch(ref: FnRef): BatchFn {
  const f = resolveFn('map', ref);
  return ([records]) => records!.map((r) => {
    const [k, v] = asPair(r, 'mapValues');
    return [k, f(v)];
  });
}

export function flatMapValuesBatch(ref: FnRef): BatchFn {
  const f = resolveFn('flatMap', ref);
  return ([records]) => {
    const out: Value[] = [];
    for (const r of records!) {
      const [k, v] = asPair(r, 'flatMapValues');
      for (const x of f(v)) out.push([k, x]);
    }
    return out;
  };
}

/** union: the parents' records, one after another. */
export const unionBatch: BatchFn = (inputs) => inputs.flat();
