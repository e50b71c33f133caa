// Per-record operations: map, flatMap, filter, mapValues, flatMapValues (Spark's MappedDStream,
// FlatMappedDStream, FilteredDStream, MapValuedDStream, FlatMapValuedDStream), as steps that a
// PipelinedRdd chains record by record.

import { resolveFn, type FnRef } from '../program/functions.js';
import type { Value } from '../program/value.js';
import type { ElementStep } from '../engine/pipelined-rdd.js';
import { asPair } from './keyed.js';

export type BatchFn = (inputs: Value[][]) => Value[];

/** "<op> <function>" of the steps made for functions without an argument, for stages that
 *  recognise a chain of steps (reduceByKey's word count). */
const stepNames = new WeakMap<ElementStep, string>();
function named(op: string, ref: FnRef, step: ElementStep): ElementStep {
  if (typeof ref === 'string') stepNames.set(step, `${op} ${ref}`);
  return step;
}
export function stepName(step: ElementStep): string | undefined {
  return stepNames.get(step);
}

export function mapStep(ref: FnRef): ElementStep {
  const f = resolveFn('map', ref);
  return named('map', ref, (x, emit) => emit(f(x)));
}

export function flatMapStep(ref: FnRef): ElementStep {
  const f = resolveFn('flatMap', ref);
  return named('flatMap', ref, (x, emit) => {
    const ys = f(x);
    for (let i = 0; i < ys.length; i++) emit(ys[i]!);
  });
}

export function filterStep(ref: FnRef): ElementStep {
  const f = resolveFn('filter', ref);
  return (x, emit) => {
    if (f(x)) emit(x);
  };
}

export function mapValuesStep(ref: FnRef): ElementStep {
  const f = resolveFn('map', ref);
  return (x, emit) => {
    const [k, v] = asPair(x, 'mapValues');
    emit([k, f(v)]);
  };
}

export function flatMapValuesStep(ref: FnRef): ElementStep {
  const f = resolveFn('flatMap', ref);
  return (x, emit) => {
    const [k, v] = asPair(x, 'flatMapValues');
    const ys = f(v);
    for (let i = 0; i < ys.length; i++) emit([k, ys[i]!]);
  };
}

/** union: the parents' records, one after another. */
export const unionBatch: BatchFn = (inputs) => inputs.flat();
