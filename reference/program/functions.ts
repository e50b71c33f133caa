// The built-in function registry. Spark ships closures inside its checkpoints; we ship names, so
// that a program (and therefore a checkpoint) is plain data that any engine, in any language, can
// read back. Each function declares its kind, its argument and its type, and checks its inputs at
// run time, throwing a FunctionError that names the function and the value it could not take.
//
// These functions are the *user code* of a streaming program, not operator code: the engine and the
// independent model both call them, exactly as both a Spark job and its test oracle call the same
// user lambdas.

import { ANY, INT, STRING, assignable, listOf, pairOf, showType, type StreamType } from './types.js';
import { canonical, describeValue, type Value } from './value.js';

export type FnRef = string | { name: string; arg?: Value };

export type FunctionKind = 'map' | 'flatMap' | 'filter' | 'reduce' | 'inverse' | 'update' | 'stateMapping' | 'rdd' | 'partition';

export class FunctionError extends Error {
  override name = 'FunctionError';
}

export type MapFn = (x: Value) => Value;
export type FlatMapFn = (x: Value) => Value[];
export type FilterFn = (x: Value) => boolean;
export type ReduceFn = (a: Value, b: Value) => Value;
/** updateStateByKey: new values of the batch (in canonical order), the previous state, if any, and
 *  the batch time (Spark's time-aware updateFunc: (Time, K, Seq[V], Option[S]) => Option[S]).
 *  Returning undefined removes the key. */
export type UpdateFn = (values: Value[], state: Value | undefined, timeMs: number) => Value | undefined;
/** mapWithState: called for a key with a value in this batch, or (value undefined, timingOut)
 *  when its state times out. Returns what to emit (undefined: nothing) and the new state
 *  ('remove' deletes it; 'keep' leaves it untouched). */
export type StateMappingFn = (
  key: Value,
  value: Value | undefined,
  state: Value | undefined,
  timingOut: boolean,
  /** The batch time (StateSpec.function's (Time, K, Option[V], State[S]) => Option[T]). */
  timeMs: number,
) => { emit: Value | undefined; state: Value | 'remove' | 'keep' };
/** transform, transformWith and StreamingContext.transform: the parents' whole batches at T (one
 *  per parent, in order) to the batch of the result, as Spark's per-batch RDD functions. */
export type RddFn = (batches: Value[][]) => Value[];
/** mapPartitions: the records of one partition, in order, to the records it becomes. */
export type PartitionFn = (partition: Value[]) => Value[];

/** 'map-fn': a map function reference; 'map-fn-pair': a list of two of them. */
type ArgSpec = 'none' | 'int' | 'positive-int' | 'string' | 'map-fn' | 'map-fn-pair';

interface Signature {
  /** Output type for an input type, or a string explaining why the input type does not fit. */
  type(input: StreamType, arg?: Value): StreamType | string;
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
  'parse-int': {
    kind: 'map', arg: 'none', doc: 'string -> the integer it spells (Scala\'s s.toInt: optional sign, decimal digits, nothing else; anything else fails)',
    type: (t) => (need(STRING)(t) === true ? INT : (need(STRING)(t) as string)),
    make: () => (x) => parseIntStrict(str('parse-int', x)),
  },
  'pair-of': {
    kind: 'map', arg: 'map-fn-pair', doc: 'x -> [F(x), G(x)] for arg [F, G] (two map functions): x => (f(x), g(x))',
    type: (t, arg) => {
      const [f, g] = arg as [FnRef, FnRef];
      const kt = fnType('map', f, t);
      if (typeof kt === 'string') return kt;
      const vt = fnType('map', g, t);
      return typeof vt === 'string' ? vt : pairOf(kt, vt);
    },
    make: (arg) => {
      const [f, g] = (arg as [FnRef, FnRef]).map((r) => resolveFn('map', r)) as [MapFn, MapFn];
      return (x) => [f(x), g(x)];
    },
  },
  element: {
    kind: 'map', arg: 'int', doc: 'list -> its element at index N (Scala\'s list(N): an index outside the list fails)',
    type: (t) => (t.kind === 'list' ? t.of : t.kind === 'any' ? ANY : `needs a list, received ${showType(t)}`),
    make: (arg) => {
      const i = arg as number;
      return (x) => {
        if (!Array.isArray(x)) throw new FunctionError(`function element expected a list, received ${describeValue(x)}`);
        if (i < 0 || i >= x.length) throw new FunctionError(`function element: index ${i} is outside ${describeValue(x)}`);
        return x[i]!;
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
  'with-derived': {
    kind: 'flatMap', arg: 'map-fn', doc: 'x -> x, F(x) for a map function F of the same type (x => Seq(x, f(x)))',
    type: (t, arg) => {
      const out = fnType('map', arg as FnRef, t);
      if (typeof out === 'string') return out;
      return assignable(out, t) && assignable(t, out) ? t : `needs F to keep the type (${showType(t)}), but ${fnName(arg as FnRef)} gives ${showType(out)}`;
    },
    make: (arg) => {
      const f = resolveFn('map', arg as FnRef);
      return (x) => [x, f(x)];
    },
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
  'add-batch-time': {
    kind: 'update', arg: 'none',
    doc: 'time-aware: state + the batch time (ms) in a batch with values, else the state (0 when none); a key is never removed',
    type: () => INT,
    make: () => (values, state, timeMs) => (state === undefined ? 0 : int('add-batch-time', state)) + (values.length > 0 ? timeMs : 0),
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
  'silent-sum': {
    kind: 'stateMapping', arg: 'none',
    doc: 'state += value, emits nothing (Spark\'s None); a timing-out key emits nothing and goes',
    type: () => ANY,
    make: () => (_key, value, state, timingOut) => {
      if (timingOut) return { emit: undefined, state: 'keep' };
      return { emit: undefined, state: (state === undefined ? 0 : int('silent-sum', state)) + int('silent-sum', value as Value) };
    },
  },
  'first-seen-time': {
    kind: 'stateMapping', arg: 'none',
    doc: 'time-aware: a key\'s first value sets its state to the batch time and emits [key, time]; later values emit nothing (None) and keep the state',
    type: () => pairOf(ANY, INT),
    make: () => (key, _value, state, timingOut, timeMs) => {
      if (timingOut || state !== undefined) return { emit: undefined, state: 'keep' };
      return { emit: [key, timeMs], state: timeMs };
    },
  },
};

/** Per-batch RDD functions for transform (one parent), transformWith (two) and
 *  StreamingContext.transform (one or more): Spark's RDD API over whole batches. Their output type
 *  comes from `types`, over every parent's type (rddFnType); `type` only serves the generic entry. */
interface RddEntry extends Entry<RddFn> {
  /** How many parent batches the function takes. */
  arity: { min: number; max: number };
  types(inputs: StreamType[], arg: Value | undefined): StreamType | string;
}

const distinctOf = (records: readonly Value[]): Value[] => {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const r of records) {
    const c = canonical(r);
    if (!seen.has(c)) {
      seen.add(c);
      out.push(r);
    }
  }
  return out;
};
const sortedCopy = (records: readonly Value[]): Value[] => {
  const texts = records.map((r) => [canonical(r), r] as const);
  texts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return texts.map((e) => e[1]);
};
const sameTypes = (inputs: StreamType[]): StreamType | string => {
  for (const t of inputs) if (!(assignable(t, inputs[0]!) && assignable(inputs[0]!, t))) return `needs batches of one type, received ${inputs.map(showType).join(' and ')}`;
  return inputs.some((t) => t.kind === 'any') ? ANY : inputs[0]!;
};

const rddFns: Record<string, RddEntry> = {
  map: {
    kind: 'rdd', arg: 'map-fn', arity: { min: 1, max: 1 }, doc: 'rdd.map(F) for a map function F',
    type: (t) => t,
    types: (ts, arg) => fnType('map', arg as FnRef, ts[0]!),
    make: (arg) => {
      const f = resolveFn('map', arg as FnRef);
      return ([a]) => a!.map((x) => f(x));
    },
  },
  distinct: {
    kind: 'rdd', arg: 'none', arity: { min: 1, max: 1 }, doc: 'rdd.distinct(): each distinct record once',
    type: (t) => t, types: (ts) => ts[0]!,
    make: () => ([a]) => distinctOf(a!),
  },
  'take-ordered': {
    kind: 'rdd', arg: 'positive-int', arity: { min: 1, max: 1 },
    doc: 'rdd.sparkContext.parallelize(rdd.takeOrdered(N)): the N smallest records in canonical order',
    type: (t) => t, types: (ts) => ts[0]!,
    make: (arg) => ([a]) => sortedCopy(a!).slice(0, arg as number),
  },
  'sort-with-index': {
    kind: 'rdd', arg: 'none', arity: { min: 1, max: 1 },
    doc: 'rdd.sortBy(canonical text).zipWithIndex(): [record, its 0-based rank]',
    type: (t) => pairOf(t, INT), types: (ts) => pairOf(ts[0]!, INT),
    make: () => ([a]) => sortedCopy(a!).map((r, i) => [r, i]),
  },
  union: {
    kind: 'rdd', arg: 'none', arity: { min: 1, max: 8 }, doc: 'sc.union(rdds): every record of every batch',
    type: (t) => t, types: sameTypes,
    make: () => (batches) => batches.flat(),
  },
  intersection: {
    kind: 'rdd', arg: 'none', arity: { min: 2, max: 2 }, doc: 'rdd1.intersection(rdd2): the distinct records in both',
    type: (t) => t, types: sameTypes,
    make: () => ([a, b]) => {
      const inB = new Set(b!.map(canonical));
      return distinctOf(a!).filter((r) => inB.has(canonical(r)));
    },
  },
  subtract: {
    kind: 'rdd', arg: 'none', arity: { min: 2, max: 2 }, doc: 'rdd1.subtract(rdd2): the records of the first (duplicates kept) not in the second',
    type: (t) => t, types: sameTypes,
    make: () => ([a, b]) => {
      const inB = new Set(b!.map(canonical));
      return a!.filter((r) => !inB.has(canonical(r)));
    },
  },
  join: {
    kind: 'rdd', arg: 'none', arity: { min: 2, max: 2 }, doc: 'rdd1.join(rdd2): [k, [v, w]] for every pair of values of a key in both',
    type: (t) => t,
    types: ([a, b]) => {
      const pa = needPair(a!);
      const pb = needPair(b!);
      if (typeof pa === 'string') return pa;
      if (typeof pb === 'string') return pb;
      if (!assignable(pa.key, pb.key) && !assignable(pb.key, pa.key)) return `needs one key type, received ${showType(pa.key)} and ${showType(pb.key)}`;
      return pairOf(pa.key, pairOf(pa.value, pb.value));
    },
    make: () => ([a, b]) => {
      const right = new Map<string, Value[]>();
      for (const r of b!) {
        const [k, w] = pair('join', r);
        const c = canonical(k);
        const ws = right.get(c);
        if (ws === undefined) right.set(c, [w]);
        else ws.push(w);
      }
      const out: Value[] = [];
      for (const r of a!) {
        const [k, v] = pair('join', r);
        for (const w of right.get(canonical(k)) ?? []) out.push([k, [v, w]]);
      }
      return out;
    },
  },
};

const partitionFns: Record<string, Entry<PartitionFn>> = {
  'partition-sum': {
    kind: 'partition', arg: 'none', doc: 'the partition\'s ints -> [their sum] (0 for an empty partition): Iterator(x.sum)',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: () => (p) => [sumValues('partition-sum', p)],
  },
  'partition-count': {
    kind: 'partition', arg: 'none', doc: 'the partition -> [its number of records]: Iterator(x.size)',
    type: () => INT,
    make: () => (p) => [p.length],
  },
  'partition-max': {
    kind: 'partition', arg: 'none', doc: 'the partition\'s ints -> [their maximum], or nothing for an empty partition',
    type: (t) => (need(INT)(t) === true ? INT : (need(INT)(t) as string)),
    make: () => (p) => (p.length === 0 ? [] : [p.reduce<number>((m, v) => Math.max(m, int('partition-max', v)), Number.MIN_SAFE_INTEGER)]),
  },
};

/** Scala's String.toInt (java.lang.Integer.parseInt): an optional sign and decimal digits, within
 *  32 bits; anything else throws NumberFormatException. */
function parseIntStrict(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new FunctionError(`function parse-int: For input string: ${JSON.stringify(s)}`);
  const n = Number(s);
  if (n > 2147483647 || n < -2147483648) throw new FunctionError(`function parse-int: ${JSON.stringify(s)} is outside the 32-bit integers`);
  return n === 0 ? 0 : n;
}

const registries = {
  map: mapFns,
  flatMap: flatMapFns,
  filter: filterFns,
  reduce: reduceFns,
  inverse: inverseFns,
  update: updateFns,
  stateMapping: stateMappingFns,
  rdd: rddFns,
  partition: partitionFns,
} as const;

type FnOf = {
  map: MapFn;
  flatMap: FlatMapFn;
  filter: FilterFn;
  reduce: ReduceFn;
  inverse: ReduceFn;
  update: UpdateFn;
  stateMapping: StateMappingFn;
  rdd: RddFn;
  partition: PartitionFn;
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
    case 'map-fn':
      return isFnRef(arg) ? checkFnRef('map', arg) : `function ${name} needs a map function as its argument "arg", received ${describeValue(arg)}`;
    case 'map-fn-pair':
      if (!Array.isArray(arg) || arg.length !== 2 || !arg.every(isFnRef)) return `function ${name} needs two map functions [F, G] as its argument "arg", received ${describeValue(arg)}`;
      return checkFnRef('map', arg[0] as FnRef) ?? checkFnRef('map', arg[1] as FnRef);
    default:
      return assertNeverArg(entry.arg);
  }
}

function assertNeverArg(x: never): never {
  throw new FunctionError(`unknown argument kind ${String(x)}`);
}

/** A function reference as an argument: a name, or { name, arg } with a number or string arg. */
function isFnRef(x: Value | undefined): x is FnRef {
  if (typeof x === 'string') return x.length > 0;
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  return typeof x.name === 'string' && keys.every((k) => k === 'name' || k === 'arg') && (x.arg === undefined || typeof x.arg === 'number' || typeof x.arg === 'string');
}

/** The output type of a function applied to a stream of `input`, or an error sentence. */
export function fnType(kind: FunctionKind, ref: FnRef, input: StreamType): StreamType | string {
  const entry = (registries[kind] as Record<string, Entry<unknown>>)[fnName(ref)];
  if (entry === undefined || !Object.hasOwn(registries[kind], fnName(ref))) return `unknown ${kind} function "${fnName(ref)}"`;
  const t = entry.type(input, fnArg(ref));
  return typeof t === 'string' ? `function ${fnName(ref)} ${t}` : t;
}

/** The output type of an RDD function over parents of these types, or an error sentence (wrong
 *  number of parents included). */
export function rddFnType(ref: FnRef, inputs: StreamType[]): StreamType | string {
  const entry = rddFns[fnName(ref)];
  if (entry === undefined || !Object.hasOwn(rddFns, fnName(ref))) return `unknown rdd function "${fnName(ref)}"`;
  const { min, max } = entry.arity;
  if (inputs.length < min || inputs.length > max) {
    return `function ${fnName(ref)} takes ${min === max ? min : `${min} to ${max}`} batch${max === 1 ? '' : 'es'}, received ${inputs.length}`;
  }
  const t = entry.types(inputs, fnArg(ref));
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
