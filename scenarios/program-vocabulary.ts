// The operations and registry functions a program uses: what a SUT must implement to run it. A
// function named inside another's argument (pair-of's two map functions, with-derived's, the rdd
// function map's) counts too, since the SUT must evaluate it.

import { functionDoc, type FnRef, type FunctionKind } from '../reference/program/functions.js';
import type { Program } from '../reference/program/schema.js';
import type { Value } from '../reference/program/value.js';

export interface Vocabulary {
  operations: ReadonlySet<string>;
  functions: ReadonlySet<string>;
}

/** Every function kind, each once; the record makes a new kind a compile error here. */
const KINDS: Record<FunctionKind, true> = { map: true, flatMap: true, filter: true, reduce: true, inverse: true, update: true, stateMapping: true, rdd: true, partition: true };
export const FUNCTION_KINDS = Object.keys(KINDS) as FunctionKind[];

const FN_FIELDS = ['fn', 'inverseFn', 'filterFn'] as const;

/** Whether a function of this name (of any kind) takes map functions as its argument. */
function takesMapFns(name: string): boolean {
  return FUNCTION_KINDS.some((k) => {
    const arg = functionDoc(k, name)?.arg;
    return arg === 'map-fn' || arg === 'map-fn-pair';
  });
}

function addRef(ref: Value | undefined, into: Set<string>): void {
  if (typeof ref === 'string') {
    into.add(ref);
    return;
  }
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref) || typeof ref['name'] !== 'string') return;
  const r = ref as { name: string; arg?: Value };
  into.add(r.name);
  if (!takesMapFns(r.name)) return;
  for (const inner of Array.isArray(r.arg) ? r.arg : [r.arg]) addRef(inner, into);
}

export function programVocabulary(program: Program): Vocabulary {
  const operations = new Set<string>();
  const functions = new Set<string>();
  for (const op of program.operations) {
    operations.add(op.op);
    for (const field of FN_FIELDS) {
      if (field in op) addRef((op as unknown as Record<string, FnRef | undefined>)[field] as Value | undefined, functions);
    }
  }
  return { operations, functions };
}

/** What the program uses that the vocabulary lacks: operations, then functions, each sorted. */
export function missingFrom(program: Program, allowed: Vocabulary): { operations: string[]; functions: string[] } {
  const used = programVocabulary(program);
  return {
    operations: [...used.operations].filter((o) => !allowed.operations.has(o)).sort(),
    functions: [...used.functions].filter((f) => !allowed.functions.has(f)).sort(),
  };
}
