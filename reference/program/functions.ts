// The built-in function registry. Spark ships closures inside its checkpoints; we ship names, so
// that a program (and therefore a checkpoint) is plain data that any engine, in any language, can
// read back. Each function declares its kind, its argument and its type, and checks its inputs at
// run time, throwing a FunctionError that names the function and the value it could not take.
//
// These functions are the *user code* of a streaming program, not operator code: the engine and the
// independent model both call them, exactly as both a Spark job and its test oracle call the same
// user lambdas.

import { ANY, INT, STRING, listOf, pairOf, showType, type StreamType } from './types.js';
import { canonical, describeValue, type Value } from './value.js';

export type FnRef = string | { name: string; arg?: Value };

export type FunctionKind = 'map' | 'flatMap' | 'filter' | 'reduce' | 'inverse' | 'update' | 'stateMapping';

export class FunctionError extends Error {
  override name = 'FunctionError';
}

export type MapFn = (x: Value) => Value;
export type FlatMapFn = (x: Value) => Value[];
export type FilterFn = (x: Value) => boolean;
export type ReduceFn = (a: Value, b: Value) => Value;
/** updateStateByKey: new values of the batch (in canonical order) and the previous state, if any.
 *  Returning undefined removes the key. */
export type UpdateFn = (values: Value[], state: Value | undefined) => Value | undefined;
/** mapWithState: called for a key with a value in this batch, or (value undefined, timingOut)
 *  when its state times out. Returns what to emit (undefined: nothing) and the new state
 *  ('remove' deletes it; 'keep' leaves it untouched). */
export type StateMappingFn = (
  key: Value,
  value: Value | undefined,
  state: Value | undefined,
  timingOut: boolean,
) => { emit: Value | undefined; state: Value | 'remove' | 'keep' };

type ArgSpec = 'none' | 'int' | 'positive-int' | 'string';

interface Signature {
  /** Output type for an input type, or a string explaining why the input type does not fit. */
  type(input: StreamType): StreamType | string;
}

interface Entry<F> extends Signature {
  kind: FunctionKind;
  arg: ArgSpec;
  doc: string;
  make(arg: Value | undefined): F;
}

function int(fn: string, x: Value): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
    throw new FunctionError(`function ${fn} expected an integer, received ${describeValue(x)}`);
  }
  return x;
}
function str(fn: string, x: Value): string {
  if (typeof x !== 'string') throw new FunctionError(`function ${fn} expected a string, received ${describeValue(x)}`);
  return x;
}
function pair(fn: string, x: Value): [Value, Value] {
  if (!Array.isArray(x) || x.length !== 2) {
    throw new FunctionError(`function ${fn} expected a pair [key, value], received ${describeValue(x)}`);
  }
  return x as [Value, Value];
}
const need = (want: StreamType) => (input: StreamType) =>
  input.kind === 'any' || input.kind === want.kind ? true : `needs ${showType(want)}, received ${showType(input)}`;
const needPair = (input: StreamType): { key: StreamType; value: StreamType } | string =>
  input.kind === 'pair' ? input : input.kind === 'any' ? { key: ANY, value: ANY } : `needs a pair, received ${showType(input)}`;

/** Token multisets: the strings "a,b" and "b,a" are the same multiset, written sorted; "" is the
 *  empty multiset (so it is the identity of concat, and what remove-tokens leaves of x minus x). */
const tokens = (s: string) => (s === '' ? [] : s.split(','));
const joinTokens = (t: string[]) => t.sort().join(',');

const mapFns: Record<string, Entry<MapFn>> = {
  identity: { kind: 'map', arg: 'none', doc: 'x -> x', type: (t) => t, make: () => (x) => x },
  'pair-with-one': { kind: 'map', arg: 'none', doc: 'x -> [x, 1]', type: (t) => pairOf(t, INT), make: () => (x) => [x, 1] },
  mod: {
    kind: 'map', arg: 'positive-int', doc: 'n -> n mod N (non-negative)',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: (arg) => { const n = arg as number; return (x) => ((int('mod', x) % n) + n) % n; },
  },
  add: {
    kind: 'map', arg: 'int', doc: 'n -> n + N',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: (arg) => (x) => int('add', x) + (arg as number),
  },
  negate: {
    kind: 'map', arg: 'none', doc: 'n -> -n',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: () => (x) => 0 - int('negate', x),
  },
  length: {
    kind: 'map', arg: 'none', doc: 'string -> its length',
    type: (t) => (need(STRING)(t) === true ? INT : (need(STRING)(t) as string)),
    make: () => (x) => str('length', x).length,
  },
  'to-upper': {
    kind: 'map', arg: 'none', doc: 'string -> upper case',
    type: (t) => (need(STRING)(t) === true ? STRING : (need(STRING)(t) as string)),
    make: () => (x) => str('to-upper', x).toUpperCase(),
  },
  'first-char': {
    kind: 'map', arg: 'none', doc: 'string -> its first character ("" for "")',
    type: (t) => (need(STRING)(t) === true ? STRING : (need(STRING)(t) as string)),
    make: () => (x) => str('first-char', x).slice(0, 1),
  },
  'to-string': { kind: 'map', arg: 'none', doc: 'x -> its canonical JSON text', type: () => STRING, make: () => (x) => (typeof x === 'string' ? x : canonical(x)) },
  key: {
    kind: 'map', arg: 'none', doc: '[k, v] -> k',
    type: (t) => { const p = needPair(t); return typeof p === 'string' ? p : p.key; },
    make: () => (x) => pair('key', x)[0],
  },
  value: {
    kind: 'map', arg: 'none', doc: '[k, v] -> v',
    type: (t) => { const p = needPair(t); return typeof p === 'string' ? p : p.value; },
    make: () => (x) => pair('value', x)[1],
  },
  swap: {
    kind: 'map', arg: 'none', doc: '[k, v] -> [v, k]',
    type: (t) => { const p = needPair(t); return typeof p === 'string' ? p : pairOf(p.value, p.key); },
    make: () => (x) => { const [k, v] = pair('swap', x); return [v, k]; },
  },
  'key-by-mod': {
    kind: 'map', arg: 'positive-int', doc: 'n -> [n mod N, n]',
    type: (t) => (need(INT)(t) === true ? pairOf(INT, INT) : (need(INT)(t) as string)),
    make: (arg) => { const n = arg as number; return (x) => [((int('key-by-mod', x) % n) + n) % n, x]; },
  },
  'key-by-first-char': {
    kind: 'map', arg: 'none', doc: 'string -> [its first character, string]',
    type: (t) => (need(STRING)(t) === true ? pairOf(STRING, STRING) : (need(STRING)(t) as string)),
    make: () => (x) => [str('key-by-first-char', x).slice(0, 1), x],
  },
  'key-by-length': {
    kind: 'map', arg: 'none', doc: 'string -> [its length, string]',
    type: (t) => (need(STRING)(t) === true ? pairOf(INT, STRING) : (need(STRING)(t) as string)),
    make: () => (x) => [str('key-by-length', x).length, x],
  },
  'key-by-field': {
    kind: 'map', arg: 'string', doc: 'object -> [object[F], object] (for records of input type json)',
    type: () => pairOf(ANY, ANY),
    make: (arg) => {
      const f = arg as string;
      return (x) => {
        if (x === null || typeof x !== 'object' || Array.isArray(x) || !(f in x)) {
          throw new FunctionError(`function key-by-field expected an object with field "${f}", received ${describeValue(x)}`);
        }
        return [x[f] as Value, x];
      };
    },
  },
  field: {
    kind: 'map', arg: 'string', doc: 'object -> object[F]',
    type: () => ANY,
    make: (arg) => {
      const f = arg as string;
      return (x) => {
        if (x === null || typeof x !== 'object' || Array.isArray(x) || !(f in x)) {
          throw new FunctionError(`function field expected an object with field "${f}", received ${describeValue(x)}`);
        }
        return x[f] as Value;
      };
    },
  },
};

/** The white space of the regular expression \s (ECMAScript's WhiteSpace and LineTerminator): what
 *  split-words splits on, and reduceByKey's word-count stage too (operators/string-key-dictionary.ts). */
export function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** s.split(/\s+/).filter((w) => w.length > 0), in one pass without a regular expression: word count's
 *  hot path. */
function splitWords(s: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isSpace(s.charCodeAt(i))) {
      if (start >= 0) words.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) words.push(s.slice(start));
  return words;
}

const flatMapFns: Record<string, Entry<FlatMapFn>> = {
  'split-words': {
    kind: 'flatMap', arg: 'none', doc: 'string -> its words (split on white space, empties dropped)',
    type: (t) => (need(STRING)(t) === true ? STRING : (need(STRING)(t) as string)),
    make: () => (x) => splitWords(str('split-words', x)),
  },
  'split-chars': {
    kind: 'flatMap', arg: 'none', doc: 'string -> its characters',
    type: (t) => (need(STRING)(t) === true ? STRING : (need(STRING)(t) as string)),
    make: () => (x) => Array.from(str('split-chars', x)),
  },
  digits: {
    kind: 'flatMap', arg: 'none', doc: 'n -> its decimal digits (of |n|)',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: () => (x) => Array.from(String(Math.abs(int('digits', x)))).map(Number),
  },
  duplicate: { kind: 'flatMap', arg: 'none', doc: 'x -> x, x', type: (t) => t, make: () => (x) => [x, x] },
  'range': {
    kind: 'flatMap', arg: 'positive-int', doc: 'n -> 0, 1, ..., (n mod N) - 1',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: (arg) => { const n = arg as number; return (x) => { const m = ((int('range', x) % n) + n) % n; return Array.from({ length: m }, (_, i) => i); }; },
  },
};

const intPred = (name: string, doc: string, p: (n: number, arg: number) => boolean, arg: ArgSpec = 'none'): Entry<FilterFn> => ({
  kind: 'filter', arg, doc,
  type: (t) => (need(INT)(t) === true ? t : (need(INT)(t) as string)),
  make: (a) => (x) => p(int(name, x), (a as number) ?? 0),
});
const valuePred = (name: string, doc: string, p: (n: number, arg: number) => boolean, arg: ArgSpec = 'none'): Entry<FilterFn> => ({
  kind: 'filter', arg, doc,
  type: (t) => { const q = needPair(t); if (typeof q === 'string') return q; return q.value.kind === 'int' || q.value.kind === 'any' ? t : `needs pair<_, int>, received ${showType(t)}`; },
  make: (a) => (x) => p(int(name, pair(name, x)[1]), (a as number) ?? 0),
});

const filterFns: Record<string, Entry<FilterFn>> = {
  'is-even': intPred('is-even', 'n is even', (n) => n % 2 === 0),
  'is-odd': intPred('is-odd', 'n is odd', (n) => Math.abs(n % 2) === 1),
  gt: intPred('gt', 'n > N', (n, a) => n > a, 'int'),
  lt: intPred('lt', 'n < N', (n, a) => n < a, 'int'),
  'non-empty': {
    kind: 'filter', arg: 'none', doc: 'string is not empty',
    type: (t) => (need(STRING)(t) === true ? t : (need(STRING)(t) as string)),
    make: () => (x) => str('non-empty', x).length > 0,
  },
  'shorter-than': {
    kind: 'filter', arg: 'positive-int', doc: 'string is shorter than N',
    type: (t) => (need(STRING)(t) === true ? t : (need(STRING)(t) as string)),
    make: (a) => (x) => str('shorter-than', x).length < (a as number),
  },
  'value-gt': valuePred('value-gt', '[k, v] with v > N', (n, a) => n > a, 'int'),
  'value-nonzero': valuePred('value-nonzero', '[k, v] with v != 0 (the filter countByValueAndWindow uses)', (n) => n !== 0),
  'value-is-even': valuePred('value-is-even', '[k, v] with v even', (n) => n % 2 === 0),
};

const reduceFns: Record<string, Entry<ReduceFn>> = {
  sum: { kind: 'reduce', arg: 'none', doc: 'a + b', type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)), make: () => (a, b) => int('sum', a) + int('sum', b) },
  max: { kind: 'reduce', arg: 'none', doc: 'max(a, b)', type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)), make: () => (a, b) => Math.max(int('max', a), int('max', b)) },
  min: { kind: 'reduce', arg: 'none', doc: 'min(a, b)', type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)), make: () => (a, b) => Math.min(int('min', a), int('min', b)) },
  concat: {
    kind: 'reduce', arg: 'none',
    doc: 'multiset union of comma-separated tokens, written sorted ("b" + "a,c" = "a,b,c"): associative and commutative, as Spark requires of a reduce function',
    type: (t) => (need(STRING)(t) === true ? STRING : (need(STRING)(t) as string)),
    make: () => (a, b) => joinTokens([...tokens(str('concat', a)), ...tokens(str('concat', b))]),
  },
};

/** The fold of n >= 1 values 1 with a reduce function (1, f(1, 1), f(f(1, 1), 1), ...) in closed
 *  form, for the functions where it is known: word count's stage counts each word and folds its
 *  ones at the end of the batch, and with sum that fold is the count. Undefined: fold one by one. */
export function foldOfOnes(ref: FnRef): ((n: number) => Value) | undefined {
  // sum: 1 + 1 + ... is n, and every partial sum is an integer, as sum's checks require (a batch's
  // count of one word stays far below 2^53).
  return ref === 'sum' ? (n) => n : undefined;
}

const inverseFns: Record<string, Entry<ReduceFn>> = {
  subtract: { kind: 'inverse', arg: 'none', doc: 'a - b (the inverse of sum)', type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)), make: () => (a, b) => int('subtract', a) - int('subtract', b) },
  'remove-tokens': {
    kind: 'inverse', arg: 'none', doc: 'multiset difference of comma-separated tokens (the inverse of concat)',
    type: (t) => (need(STRING)(t) === true ? STRING : (need(STRING)(t) as string)),
    make: () => (a, b) => {
      const left = tokens(str('remove-tokens', a));
      for (const tok of tokens(str('remove-tokens', b))) {
        const i = left.indexOf(tok);
        if (i < 0) throw new FunctionError(`function remove-tokens cannot remove "${tok}" from ${describeValue(a)}`);
        left.splice(i, 1);
      }
      return joinTokens(left);
    },
  },
};

/** Which inverse functions invert which reduce functions (Spark trusts the user; we check). */
export const INVERSE_OF: Record<string, string> = { subtract: 'sum', 'remove-tokens': 'concat' };

const sumValues = (fn: string, values: Value[]) => values.reduce<number>((s, v) => s + int(fn, v), 0);

const updateFns: Record<string, Entry<UpdateFn>> = {
  'running-sum': {
    kind: 'update', arg: 'none', doc: 'state + sum(values); a key is never removed',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: () => (values, state) => (state === undefined ? 0 : int('running-sum', state)) + sumValues('running-sum', values),
  },
  'running-count': {
    kind: 'update', arg: 'none', doc: 'state + number of values; a key is never removed',
    type: () => INT,
    make: () => (values, state) => (state === undefined ? 0 : int('running-count', state)) + values.length,
  },
  'sum-until-empty': {
    kind: 'update', arg: 'none', doc: 'state + sum(values), or removal of the key in a batch with no values',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: () => (values, state) => (values.length === 0 ? undefined : (state === undefined ? 0 : int('sum-until-empty', state)) + sumValues('sum-until-empty', values)),
  },
  session: {
    kind: 'update', arg: 'positive-int',
    doc: 'a session [events, idle batches]; the key is removed after N consecutive batches without values',
    type: () => listOf(INT),
    make: (arg) => {
      const gap = arg as number;
      return (values, state) => {
        const [events, idle] = state === undefined ? [0, 0] : (state as number[]);
        if (values.length > 0) return [(events ?? 0) + values.length, 0];
        const nextIdle = (idle ?? 0) + 1;
        return nextIdle >= gap ? undefined : [events ?? 0, nextIdle];
      };
    },
  },
  'max-so-far': {
    kind: 'update', arg: 'none', doc: 'max(state, values); a key is never removed',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: () => (values, state) => values.reduce<number>((m, v) => Math.max(m, int('max-so-far', v)), state === undefined ? Number.MIN_SAFE_INTEGER : int('max-so-far', state)),
  },
};

const stateMappingFns: Record<string, Entry<StateMappingFn>> = {
  'running-sum': {
    kind: 'stateMapping', arg: 'none',
    doc: 'state += value, emits [key, state]; on timeout emits [key, {"timedOut": state}] and the state goes',
    type: () => ANY,
    make: () => (key, value, state, timingOut) => {
      const prev = state === undefined ? 0 : int('running-sum', state);
      if (timingOut) return { emit: [key, { timedOut: prev }], state: 'keep' };
      const next = prev + int('running-sum', value as Value);
      return { emit: [key, next], state: next };
    },
  },
  'count-to': {
    kind: 'stateMapping', arg: 'positive-int',
    doc: 'counts values per key, emits [key, count]; at count N emits [key, "done"] and removes the state',
    type: () => pairOf(ANY, ANY),
    make: (arg) => {
      const n = arg as number;
      return (key, _value, state, timingOut) => {
        if (timingOut) return { emit: undefined, state: 'keep' };
        const next = (state === undefined ? 0 : int('count-to', state)) + 1;
        return next >= n ? { emit: [key, 'done'], state: 'remove' } : { emit: [key, next], state: next };
      };
    },
  },
};

const registries = {
  map: mapFns,
  flatMap: flatMapFns,
  filter: filterFns,
  reduce: reduceFns,
  inverse: inverseFns,
  update: updateFns,
  stateMapping: stateMappingFns,
} as const;

type FnOf = {
  map: MapFn;
  flatMap: FlatMapFn;
  filter: FilterFn;
  reduce: ReduceFn;
  inverse: ReduceFn;
  update: UpdateFn;
  stateMapping: StateMappingFn;
};

export function fnName(ref: FnRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}
export function fnArg(ref: FnRef): Value | undefined {
  return typeof ref === 'string' ? undefined : ref.arg;
}

/** Checks a function reference; returns an error sentence, or undefined when it is fine. */
export function checkFnRef(kind: FunctionKind, ref: FnRef): string | undefined {
  const name = fnName(ref);
  const entry = (registries[kind] as Record<string, Entry<unknown>>)[name];
  if (entry === undefined || !Object.hasOwn(registries[kind], name)) {
    return `unknown ${kind} function "${name}" (expected one of: ${Object.keys(registries[kind]).join(', ')})`;
  }
  const arg = fnArg(ref);
  switch (entry.arg) {
    case 'none':
      return arg === undefined ? undefined : `function ${name} takes no argument, received ${describeValue(arg)}`;
    case 'int':
      return typeof arg === 'number' && Number.isSafeInteger(arg) ? undefined : `function ${name} needs an integer argument "arg", received ${describeValue(arg)}`;
    case 'positive-int':
      return typeof arg === 'number' && Number.isSafeInteger(arg) && arg > 0 ? undefined : `function ${name} needs a positive integer argument "arg", received ${describeValue(arg)}`;
    case 'string':
      return typeof arg === 'string' ? undefined : `function ${name} needs a string argument "arg", received ${describeValue(arg)}`;
    default:
      return undefined;
  }
}

/** The output type of a function applied to a stream of `input`, or an error sentence. */
export function fnType(kind: FunctionKind, ref: FnRef, input: StreamType): StreamType | string {
  const entry = (registries[kind] as Record<string, Entry<unknown>>)[fnName(ref)];
  if (entry === undefined) return `unknown ${kind} function "${fnName(ref)}"`;
  const t = entry.type(input);
  return typeof t === 'string' ? `function ${fnName(ref)} ${t}` : t;
}

export function resolveFn<K extends FunctionKind>(kind: K, ref: FnRef): FnOf[K] {
  const problem = checkFnRef(kind, ref);
  if (problem !== undefined) throw new FunctionError(problem);
  const entry = (registries[kind] as Record<string, Entry<FnOf[K]>>)[fnName(ref)]!;
  return entry.make(fnArg(ref));
}

export function functionNames(kind: FunctionKind): string[] {
  return Object.keys(registries[kind]);
}

export function functionDoc(kind: FunctionKind, name: string): { arg: ArgSpec; doc: string } | undefined {
  const e = (registries[kind] as Record<string, Entry<unknown>>)[name];
  return e === undefined ? undefined : { arg: e.arg, doc: e.doc };
}
