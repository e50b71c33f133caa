// Random valid programs: DAGs of every operation in the program format, built one operation at a
// time so that each step only offers what type-checks (validate.ts, functions.ts) and what Spark
// accepts at run time. The generator tracks more than the validator does: the sign of int values
// (a value-nonzero filter on an inverse window is only safe over positive values), an estimate of
// records per batch (so flatMaps, windows and joins do not blow up), and which values are opaque
// (mapWithState emits objects on timeout, so only type-agnostic operations may follow). It also
// draws the rest of the DStream API: transform / transformWith / StreamingContext.transform with
// registry RDD functions, glom, mapPartitions, repartition, slice, and initial states.

import * as fc from 'fast-check';
import { PROGRAM_FORMAT, PROGRAM_VERSION, type InputType, type Operation, type Program } from '../reference/program/schema.js';
import type { Value } from '../reference/program/value.js';
import { missingFrom, type Vocabulary } from './program-vocabulary.js';
import { WINDOW_BATCHES_MAX, WINDOW_SLIDE_BATCHES_MAX, type ScenarioConfig } from './scenario.js';

type Gen = fc.GeneratorValue;
type SimpleFnRef = string | { name: string; arg: number };
type FnRef = SimpleFnRef | { name: string; arg: SimpleFnRef | SimpleFnRef[] };

/** Signs an int stream is known to have; 'positive' means every value is > 0. */
type Sign = 'positive' | 'non-negative' | 'any';

/** Record types as the generator knows them (validate.ts's types, plus signs and opacity). */
type GenType =
  | { kind: 'int'; sign: Sign }
  /** numeric: every value is an integer's decimal text (to-string of ints), so parse-int is safe. */
  | { kind: 'string'; numeric?: boolean }
  | { kind: 'pair'; key: GenType; value: GenType }
  /** minLength: every list has at least this many elements (element N is safe below it). */
  | { kind: 'list'; of: GenType; minLength?: number }
  | { kind: 'option'; of: GenType }
  /** Values of no single type (mapWithState's emitted values): only type-agnostic operations. */
  | { kind: 'opaque' };

const INT = (sign: Sign): GenType => ({ kind: 'int', sign });
const STRING: GenType = { kind: 'string' };
const OPAQUE: GenType = { kind: 'opaque' };
const pairOf = (key: GenType, value: GenType): GenType => ({ kind: 'pair', key, value });
const listOf = (of: GenType, minLength = 0): GenType => ({ kind: 'list', of, minLength });
const NUMERIC_STRING: GenType = { kind: 'string', numeric: true };
const optionOf = (of: GenType): GenType => ({ kind: 'option', of });

/** The type's shape as validate.ts sees it (signs dropped): equal shapes union and join. */
function shape(t: GenType): string {
  switch (t.kind) {
    case 'int':
    case 'string':
    case 'opaque':
      return t.kind;
    case 'pair':
      return `pair<${shape(t.key)},${shape(t.value)}>`;
    case 'list':
      return `list<${shape(t.of)}>`;
    case 'option':
      return `option<${shape(t.of)}>`;
  }
}

/** The weakest sign of two. */
function meet(a: Sign, b: Sign): Sign {
  return a === b ? a : a === 'any' || b === 'any' ? 'any' : 'non-negative';
}
function meetType(a: GenType, b: GenType): GenType {
  if (a.kind === 'int' && b.kind === 'int') return INT(meet(a.sign, b.sign));
  if (a.kind === 'pair' && b.kind === 'pair') return pairOf(meetType(a.key, b.key), meetType(a.value, b.value));
  if (a.kind === 'string' && b.kind === 'string') return a.numeric === true && b.numeric === true ? NUMERIC_STRING : STRING;
  if (a.kind === 'list' && b.kind === 'list') return listOf(meetType(a.of, b.of), Math.min(a.minLength ?? 0, b.minLength ?? 0));
  if (a.kind === 'option' && b.kind === 'option') return optionOf(meetType(a.of, b.of));
  return a;
}
/** A reduction with an inverse keeps keys at the zero: positive values become non-negative. */
function withZero(t: GenType): GenType {
  return t.kind === 'int' && t.sign === 'positive' ? INT('non-negative') : t;
}

/** Bounds that keep a case fast. A load is an estimate of records per batch; an input has inputLoad. */
export const RANDOM_PROGRAM_LIMITS = { stepsMin: 1, stepsMax: 8, inputsMax: 3, inputLoad: 6, loadMax: 150, statefulMax: 3, repartitionPartitionsMax: 5, initialStateKeysMax: 4 } as const;
/** Tries per step: a step whose drawn operation exceeds the load bound, or (for a SUT that declares
 *  what it implements) uses an operation or function outside it, is drawn again, at most this often. */
export const STEP_TRIES_MAX = 4;
export const STEP_TRIES_WITHIN_VOCABULARY_MAX = 32;

/** Keys an initial state may name: keys the input generator draws (scenarios/input/values.ts) and a
 *  few it never does, so some initial keys meet data and some never do. */
const INITIAL_STRING_KEYS = ['alice', 'bob', 'spark', 'a', 'zed'] as const;
const INITIAL_INT_KEYS = [0, 1, 2, 3, 7] as const;

interface GenStream {
  id: string;
  type: GenType;
  slideMs: number;
  load: number;
  /** A flatMap is on the path from an input: no second one, so sizes stay bounded. */
  flatMapped: boolean;
  /** Likewise a join: a join of joins multiplies hot keys' records beyond any bound. */
  joined: boolean;
  consumers: number;
  /** For mapWithState streams: the type of their stateSnapshots. */
  snapshots?: GenType;
}

/** A built operation with what the generator knows about its stream. */
interface Made {
  op: Operation;
  type: GenType;
  slideMs?: number;
  load?: number;
  flatMapped?: boolean;
  joined?: boolean;
  snapshots?: GenType;
  stateful?: boolean;
}
interface Candidate {
  weight: number;
  make(g: Gen, id: string): Made | undefined;
}

interface FnChoice {
  fn: FnRef;
  out: GenType;
  /** For flatMaps: records out per record in. */
  factor?: number;
}
type FnOption = { weight: number; pick(g: Gen): FnChoice };

const int = (g: Gen, min: number, max: number) => g(fc.integer, { min, max });
const fixed = (weight: number, fn: FnRef, out: GenType, factor?: number): FnOption => ({ weight, pick: () => (factor === undefined ? { fn, out } : { fn, out, factor }) });

function pickWeighted<T extends { weight: number }>(g: Gen, options: readonly T[]): T | undefined {
  const live = options.filter((o) => o.weight > 0);
  if (live.length === 0) return undefined;
  const total = live.reduce((s, o) => s + o.weight, 0);
  let r = int(g, 0, total - 1);
  for (const o of live) {
    if (r < o.weight) return o;
    r -= o.weight;
  }
  return live[live.length - 1];
}

/** Map functions without a function argument that pair-of and with-derived may name. */
function simpleMapOptions(t: GenType): FnOption[] {
  switch (t.kind) {
    case 'int':
      return [fixed(1, 'identity', t), fixed(1, 'negate', INT('any')), { weight: 1, pick: (g) => ({ fn: { name: 'mod', arg: int(g, 2, 5) }, out: INT('non-negative') }) }, fixed(1, 'to-string', NUMERIC_STRING)];
    case 'string':
      return [fixed(1, 'identity', t), fixed(1, 'length', INT('non-negative')), fixed(1, 'first-char', STRING), fixed(1, 'to-upper', STRING)];
    default:
      return [fixed(1, 'identity', t)];
  }
}

function mapOptions(t: GenType): FnOption[] {
  const o: FnOption[] = [fixed(1, 'to-string', t.kind === 'int' ? NUMERIC_STRING : STRING), fixed(1, 'identity', t), fixed(2, 'pair-with-one', pairOf(t, INT('positive')))];
  if (t.kind !== 'opaque') {
    o.push({
      weight: 1,
      pick: (g) => {
        const options = simpleMapOptions(t);
        const f = pickWeighted(g, options)!.pick(g);
        const h = pickWeighted(g, options)!.pick(g);
        return { fn: { name: 'pair-of', arg: [f.fn as SimpleFnRef, h.fn as SimpleFnRef] }, out: pairOf(f.out, h.out) };
      },
    });
  }
  switch (t.kind) {
    case 'int':
      o.push(
        { weight: 2, pick: (g) => ({ fn: { name: 'mod', arg: int(g, 2, 10) }, out: INT('non-negative') }) },
        {
          weight: 2,
          pick: (g) => {
            const n = int(g, -3, 5);
            return { fn: { name: 'add', arg: n }, out: INT(n === 0 ? t.sign : n > 0 && t.sign !== 'any' ? 'positive' : 'any') };
          },
        },
        fixed(1, 'negate', INT('any')),
        { weight: 3, pick: (g) => ({ fn: { name: 'key-by-mod', arg: int(g, 2, 5) }, out: pairOf(INT('non-negative'), t) }) },
      );
      break;
    case 'string':
      o.push(
        fixed(1, 'length', INT('non-negative')),
        fixed(1, 'to-upper', STRING),
        fixed(1, 'first-char', STRING),
        fixed(2, 'key-by-first-char', pairOf(STRING, STRING)),
        fixed(1, 'key-by-length', pairOf(INT('non-negative'), STRING)),
      );
      if (t.numeric === true) o.push(fixed(3, 'parse-int', INT('any')));
      break;
    case 'pair':
      o.push(fixed(1, 'key', t.key), fixed(1, 'value', t.value), fixed(1, 'swap', pairOf(t.value, t.key)));
      break;
    case 'list': {
      const n = t.minLength ?? 0;
      if (n > 0) o.push({ weight: 3, pick: (g) => ({ fn: { name: 'element', arg: int(g, 0, n - 1) }, out: t.of }) });
      break;
    }
    case 'option':
    case 'opaque':
      break;
  }
  return o;
}

function flatMapOptions(t: GenType): FnOption[] {
  const o: FnOption[] = [fixed(1, 'duplicate', t, 2)];
  // with-derived: x, f(x) for an f that keeps the type's shape (the sign may weaken).
  if (t.kind === 'int') {
    o.push({ weight: 1, pick: (g) => (int(g, 0, 1) === 0 ? { fn: { name: 'with-derived', arg: 'negate' }, out: INT('any'), factor: 2 } : { fn: { name: 'with-derived', arg: { name: 'add', arg: int(g, 1, 3) } }, out: t, factor: 2 }) });
  }
  if (t.kind === 'string') o.push({ weight: 1, pick: (g) => ({ fn: { name: 'with-derived', arg: int(g, 0, 1) === 0 ? 'to-upper' : 'first-char' }, out: STRING, factor: 2 }) });
  if (t.kind === 'string') o.push(fixed(3, 'split-words', STRING, 5), fixed(1, 'split-chars', STRING, 8));
  if (t.kind === 'int') {
    o.push(fixed(1, 'digits', INT('non-negative'), 3), {
      weight: 1,
      pick: (g) => {
        const n = int(g, 2, 4);
        return { fn: { name: 'range', arg: n }, out: INT('non-negative'), factor: n };
      },
    });
  }
  return o;
}

function filterOptions(t: GenType): FnOption[] {
  switch (t.kind) {
    case 'int':
      return [
        fixed(1, 'is-even', t),
        fixed(1, 'is-odd', t),
        {
          weight: 2,
          pick: (g) => {
            const n = int(g, -2, 10);
            return { fn: { name: 'gt', arg: n }, out: n >= 0 ? INT('positive') : t };
          },
        },
        { weight: 1, pick: (g) => ({ fn: { name: 'lt', arg: int(g, 0, 10) }, out: t }) },
      ];
    case 'string':
      return [fixed(2, 'non-empty', t), { weight: 1, pick: (g) => ({ fn: { name: 'shorter-than', arg: int(g, 2, 8) }, out: t }) }];
    case 'pair': {
      const v = t.value;
      if (v.kind !== 'int') return [];
      return [
        {
          weight: 2,
          pick: (g) => {
            const n = int(g, -1, 5);
            return { fn: { name: 'value-gt', arg: n }, out: pairOf(t.key, n >= 0 ? INT('positive') : v) };
          },
        },
        fixed(2, 'value-nonzero', pairOf(t.key, INT(v.sign === 'any' ? 'any' : 'positive'))),
        fixed(1, 'value-is-even', t),
      ];
    }
    case 'list':
    case 'option':
    case 'opaque':
      return [];
  }
}

/** Reduce functions for values of type t, with their inverse where one exists. */
function reduceOptions(t: GenType): Array<{ weight: number; fn: string; inverse?: string; out: GenType }> {
  if (t.kind === 'int') return [{ weight: 3, fn: 'sum', inverse: 'subtract', out: t }, { weight: 1, fn: 'max', out: t }, { weight: 1, fn: 'min', out: t }];
  if (t.kind === 'string') return [{ weight: 1, fn: 'concat', inverse: 'remove-tokens', out: t }];
  return [];
}

function updateOptions(v: GenType): FnOption[] {
  const o: FnOption[] = [
    fixed(2, 'running-count', INT('positive')),
    { weight: 1, pick: (g) => ({ fn: { name: 'session', arg: int(g, 2, 4) }, out: listOf(INT('non-negative'), 2) }) },
    fixed(1, 'add-batch-time', INT('non-negative')),
  ];
  if (v.kind === 'int') o.push(fixed(3, 'running-sum', v), fixed(1, 'max-so-far', v), fixed(2, 'sum-until-empty', v));
  return o;
}

/** A value of the state type an update or mapping function keeps, for an initial state: within the
 *  sign the generator claims for the state (running-count's states are positive, and so on). */
function initialStateValue(g: Gen, fn: FnRef, out: GenType): Value | undefined {
  const name = typeof fn === 'string' ? fn : fn.name;
  if (name === 'session') return [int(g, 1, 3), 0];
  if (name === 'count-to') return int(g, 1, (fn as { arg: number }).arg - 1);
  if (out.kind !== 'int') return undefined;
  return out.sign === 'positive' ? int(g, 1, 5) : out.sign === 'non-negative' ? int(g, 0, 5) : int(g, -5, 5);
}

/** Now and then an initial state of 1..initialStateKeysMax keys of the stream's key type. */
function initialStateOf(g: Gen, key: GenType, fn: FnRef, out: GenType): { initialState?: [Value, Value][] } {
  if (int(g, 0, 2) !== 0) return {};
  const pool: readonly Value[] | undefined = key.kind === 'string' ? INITIAL_STRING_KEYS : key.kind === 'int' ? INITIAL_INT_KEYS.filter((k) => key.sign !== 'positive' || k > 0) : undefined;
  if (pool === undefined) return {};
  const n = int(g, 1, Math.min(RANDOM_PROGRAM_LIMITS.initialStateKeysMax, pool.length));
  const keys = g(fc.shuffledSubarray, pool as Value[], { minLength: n, maxLength: n });
  const records: [Value, Value][] = [];
  for (const k of keys) {
    const v = initialStateValue(g, fn, out);
    if (v === undefined) return {};
    records.push([k, v]);
  }
  return { initialState: records };
}

/** The random program generator for one configuration. */
class Builder {
  readonly streams: GenStream[] = [];
  readonly operations: Operation[] = [];
  private stateful = 0;
  private counter = 0;

  constructor(
    private readonly g: Gen,
    private readonly config: ScenarioConfig,
    /** Only operations and functions of this vocabulary (PROTOCOL.md §1 `functions`); undefined: all. */
    private readonly vocabulary?: Vocabulary,
  ) {}

  /** Whether an operation uses only what the vocabulary allows. */
  private allowed(op: Operation): boolean {
    if (this.vocabulary === undefined) return true;
    const missing = missingFrom({ format: PROGRAM_FORMAT, version: PROGRAM_VERSION, name: '', batchIntervalMs: this.batch, inputs: [], operations: [op] }, this.vocabulary);
    return missing.operations.length === 0 && missing.functions.length === 0;
  }

  get batch(): number {
    return this.config.batchIntervalMs;
  }

  addInput(name: string, type: InputType): void {
    const t = type === 'string' ? STRING : type === 'int' ? INT('any') : type === 'pair' ? pairOf(STRING, INT('any')) : OPAQUE;
    this.streams.push({ id: name, type: t, slideMs: this.batch, load: RANDOM_PROGRAM_LIMITS.inputLoad, flatMapped: false, joined: false, consumers: 0 });
  }

  /** One operation on a randomly chosen stream; leaves are preferred so the graph grows deep and wide. */
  step(): void {
    const base = pickWeighted(
      this.g,
      this.streams.map((s) => ({ weight: s.consumers === 0 ? 4 : 1, s })),
    )!.s;
    const n = ++this.counter;
    const tries = this.vocabulary === undefined ? STEP_TRIES_MAX : STEP_TRIES_WITHIN_VOCABULARY_MAX;
    for (let attempt = 0; attempt < tries; attempt++) {
      const candidate = pickWeighted(this.g, this.candidates(base));
      const made = candidate?.make(this.g, `s${n}`);
      if (made === undefined || !this.allowed(made.op)) continue;
      made.op.id = `${made.op.op}-${n}`;
      if ((made.load ?? base.load) > RANDOM_PROGRAM_LIMITS.loadMax) continue;
      if (made.stateful === true) this.stateful++;
      this.add(made, base);
      return;
    }
  }

  private add(made: Made, base: GenStream): void {
    this.operations.push(made.op);
    const parents = 'with' in made.op ? [made.op.from, made.op.with] : Array.isArray(made.op.from) ? made.op.from : [made.op.from];
    for (const p of parents) this.streams.find((s) => s.id === p)!.consumers++;
    const stream: GenStream = {
      id: made.op.id,
      type: made.type,
      slideMs: made.slideMs ?? base.slideMs,
      load: made.load ?? base.load,
      flatMapped: made.flatMapped ?? base.flatMapped,
      joined: made.joined ?? base.joined,
      consumers: 0,
    };
    if (made.snapshots !== undefined) stream.snapshots = made.snapshots;
    this.streams.push(stream);
  }

  /** Outputs on every leaf operation, and now and then on an inner one. */
  finish(): Operation[] {
    if (this.operations.length === 0) {
      // Every step was refused (all its tries exceeded the load bound or left the vocabulary): pass
      // the first input through, or output it as it is.
      const first = this.streams[0]!;
      const identity: Operation = { id: 'identity-0', op: 'map', from: first.id, fn: 'identity' };
      if (this.allowed(identity)) this.add({ op: identity, type: first.type }, first);
      else return [{ id: `out-${first.id}`, op: 'output', from: first.id }];
    }
    const operationIds = new Set(this.operations.map((o) => o.id));
    for (const s of [...this.streams]) {
      if (!operationIds.has(s.id)) continue;
      if (s.consumers === 0 || int(this.g, 0, 6) === 0) this.operations.push({ id: `out-${s.id}`, op: 'output', from: s.id });
    }
    return this.operations;
  }

  private candidates(s: GenStream): Candidate[] {
    const t = s.type;
    const c: Candidate[] = [];
    const fnOp = (weight: number, op: 'map' | 'filter' | 'flatMap', options: FnOption[]) => {
      if (options.length === 0 || (op === 'flatMap' && s.flatMapped)) return;
      c.push({
        weight,
        make: (g, id) => {
          const choice = pickWeighted(g, options)!.pick(g);
          const made: Made = { op: { id, op, from: s.id, fn: choice.fn }, type: choice.out };
          if (op === 'flatMap') Object.assign(made, { load: s.load * (choice.factor ?? 1), flatMapped: true });
          return made;
        },
      });
    };
    fnOp(4, 'map', mapOptions(t));
    fnOp(2, 'filter', filterOptions(t));
    fnOp(1, 'flatMap', flatMapOptions(t));
    c.push({ weight: 1, make: (_g, id) => ({ op: { id, op: 'count', from: s.id }, type: INT('non-negative'), load: 1 }) });
    c.push({ weight: 1, make: (_g, id) => ({ op: { id, op: 'countByValue', from: s.id }, type: pairOf(t, INT('positive')) }) });
    const reduces = reduceOptions(t);
    if (reduces.length > 0) {
      c.push({ weight: 1, make: (g, id) => { const r = pickWeighted(g, reduces)!; return { op: { id, op: 'reduce', from: s.id, fn: r.fn }, type: r.out, load: 1 }; } });
    }
    this.windowCandidates(s, c);
    if (t.kind === 'pair') this.pairCandidates(s, t.key, t.value, c);
    if (s.snapshots !== undefined) {
      const snap = s.snapshots;
      c.push({ weight: 3, make: (_g, id) => ({ op: { id, op: 'stateSnapshots', from: s.id }, type: snap, load: s.load * 4 }) });
    }
    this.unionCandidates(s, c);
    this.transformCandidates(s, c);
    this.partitionCandidates(s, c);
    return c;
  }

  /** transform (a per-batch RDD function), transformWith and StreamingContext.transform. */
  private transformCandidates(s: GenStream, c: Candidate[]): void {
    const t = s.type;
    c.push({
      weight: 1,
      make: (g, id) => {
        switch (int(g, 0, 3)) {
          case 0:
            return { op: { id, op: 'transform', from: s.id, fn: 'distinct' }, type: t };
          case 1: {
            const n = int(g, 1, 5);
            return { op: { id, op: 'transform', from: s.id, fn: { name: 'take-ordered', arg: n } }, type: t, load: Math.min(s.load, n) };
          }
          case 2:
            return { op: { id, op: 'transform', from: s.id, fn: 'sort-with-index' }, type: pairOf(t, INT('non-negative')) };
          default: {
            const m = pickWeighted(g, simpleMapOptions(t))!.pick(g);
            return { op: { id, op: 'transform', from: s.id, fn: { name: 'map', arg: m.fn as SimpleFnRef } }, type: m.out };
          }
        }
      },
    });
    const partners = this.streams.filter((o) => o.slideMs === s.slideMs && shape(o.type) === shape(t));
    if (partners.length === 0) return;
    c.push({
      weight: 1,
      make: (g, id) => {
        const other = partners[int(g, 0, partners.length - 1)]!;
        const fn = (['union', 'intersection', 'subtract'] as const)[int(g, 0, 2)]!;
        const load = fn === 'union' ? s.load + other.load : s.load;
        return { op: { id, op: 'transformWith', from: s.id, with: other.id, fn }, type: fn === 'union' ? meetType(t, other.type) : t, load, flatMapped: s.flatMapped || other.flatMapped, joined: s.joined || other.joined };
      },
    });
    if (t.kind === 'pair' && !s.joined) {
      const joinable = this.streams.filter((o) => !o.joined && o.type.kind === 'pair' && o.slideMs === s.slideMs && shape(o.type.key) === shape(t.key));
      if (joinable.length > 0) {
        c.push({
          weight: 1,
          make: (g, id) => {
            const other = joinable[int(g, 0, joinable.length - 1)]!;
            if (other.type.kind !== 'pair') return undefined;
            return { op: { id, op: 'transformWith', from: s.id, with: other.id, fn: 'join' }, type: pairOf(t.key, pairOf(t.value, other.type.value)), load: s.load * other.load, flatMapped: s.flatMapped || other.flatMapped, joined: true };
          },
        });
      }
    }
    c.push({
      weight: 1,
      make: (g, id) => {
        const more = Array.from({ length: int(g, 1, 2) }, () => partners[int(g, 0, partners.length - 1)]!);
        const all = [s, ...more];
        return {
          op: { id, op: 'contextTransform', from: all.map((p) => p.id), fn: 'union' },
          type: all.reduce((a, p) => meetType(a, p.type), t),
          load: all.reduce((n, p) => n + p.load, 0),
          flatMapped: all.some((p) => p.flatMapped),
          joined: all.some((p) => p.joined),
        };
      },
    });
  }

  /** glom, mapPartitions, repartition (SEMANTICS.md "Partitions"), and slice. */
  private partitionCandidates(s: GenStream, c: Candidate[]): void {
    const t = s.type;
    const partitionsMax = RANDOM_PROGRAM_LIMITS.repartitionPartitionsMax;
    c.push({ weight: 1, make: (_g, id) => ({ op: { id, op: 'glom', from: s.id }, type: listOf(t), load: partitionsMax }) });
    c.push({
      weight: 1,
      make: (g, id) => {
        const sign: Sign = t.kind === 'int' && t.sign !== 'any' ? 'non-negative' : 'any';
        const options: FnOption[] = [fixed(2, 'partition-count', INT('non-negative'))];
        if (t.kind === 'int') options.push(fixed(1, 'partition-sum', INT(sign)), fixed(1, 'partition-max', t));
        const f = pickWeighted(g, options)!.pick(g);
        return { op: { id, op: 'mapPartitions', from: s.id, fn: f.fn }, type: f.out, load: partitionsMax };
      },
    });
    c.push({ weight: 1, make: (g, id) => ({ op: { id, op: 'repartition', from: s.id, partitions: int(g, 1, partitionsMax) }, type: t }) });
    const ps = s.slideMs;
    const kMax = Math.min(3, Math.floor((WINDOW_BATCHES_MAX * this.batch) / ps) - 1);
    if (kMax < 0) return;
    c.push({
      weight: 1,
      make: (g, id) => {
        const from = int(g, 0, kMax);
        const to = int(g, 0, from);
        const slide = int(g, 0, 2) === 0 ? { slideMs: ps * int(g, 1, 2) } : {};
        return { op: { id, op: 'slice', from: s.id, fromAgoMs: from * ps, toAgoMs: to * ps, ...slide }, type: t, slideMs: slide.slideMs ?? ps, load: s.load * (from - to + 1) };
      },
    });
  }

  private pairCandidates(s: GenStream, k: GenType, v: GenType, c: Candidate[]): void {
    const valueOp = (weight: number, op: 'mapValues' | 'flatMapValues', options: FnOption[]) => {
      if (options.length === 0 || (op === 'flatMapValues' && s.flatMapped)) return;
      c.push({
        weight,
        make: (g, id) => {
          const choice = pickWeighted(g, options)!.pick(g);
          const made: Made = { op: { id, op, from: s.id, fn: choice.fn }, type: pairOf(k, choice.out) };
          if (op === 'flatMapValues') Object.assign(made, { load: s.load * (choice.factor ?? 1), flatMapped: true });
          return made;
        },
      });
    };
    valueOp(2, 'mapValues', mapOptions(v));
    valueOp(1, 'flatMapValues', flatMapOptions(v));
    const reduces = reduceOptions(v);
    if (reduces.length > 0) {
      c.push({ weight: 3, make: (g, id) => { const r = pickWeighted(g, reduces)!; return { op: { id, op: 'reduceByKey', from: s.id, fn: r.fn }, type: pairOf(k, r.out) }; } });
    }
    c.push({ weight: 1, make: (_g, id) => ({ op: { id, op: 'groupByKey', from: s.id }, type: pairOf(k, listOf(v, 1)) }) });

    if (this.stateful < RANDOM_PROGRAM_LIMITS.statefulMax) {
      const updates = updateOptions(v);
      c.push({
        weight: 2,
        make: (g, id) => {
          const u = pickWeighted(g, updates)!.pick(g);
          const initial = initialStateOf(g, k, u.fn, u.out);
          return { op: { id, op: 'updateStateByKey', from: s.id, fn: u.fn, ...initial, ...this.checkpoint(g, s.slideMs) }, type: pairOf(k, u.out), load: s.load * 4, stateful: true };
        },
      });
      c.push({
        weight: 2,
        make: (g, id) => {
          // running-sum and silent-sum read their values as ints; count-to and first-seen-time take any.
          const choice = int(g, 0, 3);
          const fn: FnRef =
            v.kind === 'int' && choice === 0 ? 'running-sum'
            : v.kind === 'int' && choice === 1 ? 'silent-sum'
            : choice === 2 ? 'first-seen-time'
            : { name: 'count-to', arg: int(g, 2, 5) };
          const name = typeof fn === 'string' ? fn : fn.name;
          const state = name === 'running-sum' || name === 'silent-sum' ? v : INT('positive');
          const snapshots = pairOf(k, state);
          // first-seen-time emits [key, batch time] and nothing on timeout; the others emit opaque values.
          const emitted = name === 'first-seen-time' ? pairOf(k, INT('positive')) : OPAQUE;
          const timeout = int(g, 0, 2) === 0 ? {} : { timeoutMs: this.batch * int(g, 1, 5) };
          const initial = initialStateOf(g, k, fn, state);
          const op: Operation = { id, op: 'mapWithState', from: s.id, fn, ...timeout, ...initial, ...this.checkpoint(g, s.slideMs) };
          return { op, type: emitted, snapshots, stateful: true };
        },
      });
    }

    // Joins with a stream of the same key shape and slide (possibly itself, as Spark allows).
    const partners = this.streams.filter((o) => !o.joined && o.type.kind === 'pair' && o.slideMs === s.slideMs && shape(o.type.key) === shape(k));
    if (!s.joined && partners.length > 0) {
      c.push({
        weight: 3,
        make: (g, id) => {
          const other = partners[int(g, 0, partners.length - 1)]!;
          if (other.type.kind !== 'pair') return undefined;
          const w = other.type.value;
          const ops = ['join', 'leftOuterJoin', 'rightOuterJoin', 'fullOuterJoin', 'cogroup'] as const;
          const op = ops[int(g, 0, ops.length - 1)]!;
          const value =
            op === 'join' ? pairOf(v, w)
            : op === 'leftOuterJoin' ? pairOf(v, optionOf(w))
            : op === 'rightOuterJoin' ? pairOf(optionOf(v), w)
            : op === 'fullOuterJoin' ? pairOf(optionOf(v), optionOf(w))
            : pairOf(listOf(v), listOf(w));
          const load = op === 'cogroup' ? s.load + other.load : s.load * other.load;
          return { op: { id, op, from: s.id, with: other.id }, type: pairOf(k, value), load, flatMapped: s.flatMapped || other.flatMapped, joined: true };
        },
      });
    }
  }

  private unionCandidates(s: GenStream, c: Candidate[]): void {
    const partners = this.streams.filter((o) => o.id !== s.id && o.slideMs === s.slideMs && shape(o.type) === shape(s.type));
    if (partners.length === 0) return;
    c.push({
      weight: 2,
      make: (g, id) => {
        const other = partners[int(g, 0, partners.length - 1)]!;
        return {
          op: { id, op: 'union', from: [s.id, other.id] },
          type: meetType(s.type, other.type),
          load: s.load + other.load,
          flatMapped: s.flatMapped || other.flatMapped,
          joined: s.joined || other.joined,
        };
      },
    });
  }

  /**
   * Window operations. Durations are multiples of the parent's slide, bounded in batches; every
   * operation with an inverse function (countByWindow, countByValueAndWindow, and reduce* with
   * inverseFn) gets window >= slide, since with window < slide values leave a window they never
   * entered and Spark throws.
   */
  private windowCandidates(s: GenStream, c: Candidate[]): void {
    const t = s.type;
    const ps = s.slideMs;
    const kMax = Math.min(4, Math.floor((WINDOW_BATCHES_MAX * this.batch) / ps));
    const jMax = Math.min(3, Math.floor((WINDOW_SLIDE_BATCHES_MAX * this.batch) / ps));
    if (kMax < 1 || jMax < 1) return;
    const durations = (g: Gen, inverse: boolean): { windowMs: number; slideMs: number } => {
      const c = this.config;
      if (ps === this.batch && int(g, 0, 2) === 0) return { windowMs: c.windowMs, slideMs: c.slideMs };
      const k = int(g, 1, kMax);
      const j = int(g, 1, inverse ? Math.min(jMax, k) : jMax);
      return { windowMs: k * ps, slideMs: j * ps };
    };
    const stateful = this.stateful < RANDOM_PROGRAM_LIMITS.statefulMax;
    const grow = (d: { windowMs: number }) => s.load * (d.windowMs / ps);

    c.push({
      weight: 2,
      make: (g, id) => {
        const d = durations(g, false);
        return { op: { id, op: 'window', from: s.id, ...d }, type: t, slideMs: d.slideMs, load: grow(d) };
      },
    });
    if (stateful) {
      c.push({
        weight: 1,
        make: (g, id) => {
          const d = durations(g, true);
          return { op: { id, op: 'countByWindow', from: s.id, ...d, ...this.checkpoint(g, d.slideMs) }, type: INT('non-negative'), slideMs: d.slideMs, load: 1, stateful: true };
        },
      });
      c.push({
        weight: 1,
        make: (g, id) => {
          const d = durations(g, true);
          return { op: { id, op: 'countByValueAndWindow', from: s.id, ...d, ...this.checkpoint(g, d.slideMs) }, type: pairOf(t, INT('positive')), slideMs: d.slideMs, load: grow(d), stateful: true };
        },
      });
    }
    const reduces = reduceOptions(t);
    if (reduces.length > 0) {
      c.push({
        weight: 1,
        make: (g, id) => {
          const r = pickWeighted(g, reduces)!;
          const inverse = stateful && r.inverse !== undefined && int(g, 0, 1) === 0 ? r.inverse : undefined;
          const d = durations(g, inverse !== undefined);
          const extra = inverse === undefined ? {} : { inverseFn: inverse, ...this.checkpoint(g, d.slideMs) };
          return {
            op: { id, op: 'reduceByWindow', from: s.id, fn: r.fn, ...d, ...extra },
            type: inverse === undefined ? r.out : withZero(r.out),
            slideMs: d.slideMs,
            load: 1,
            stateful: inverse !== undefined,
          };
        },
      });
    }
    if (t.kind !== 'pair') return;
    const k = t.key;
    const v = t.value;
    /** The slide is left out (defaulting to the parent's) now and then, when it equals the parent's. */
    const slideField = (g: Gen, d: { windowMs: number; slideMs: number }) => (d.slideMs === ps && int(g, 0, 2) === 0 ? { windowMs: d.windowMs } : d);
    const rbk = reduceOptions(v);
    if (rbk.length > 0) {
      c.push({
        weight: 3,
        make: (g, id) => {
          const r = pickWeighted(g, rbk)!;
          const inverse = stateful && r.inverse !== undefined && int(g, 0, 2) !== 0 ? r.inverse : undefined;
          const d = durations(g, inverse !== undefined);
          if (inverse === undefined) {
            return { op: { id, op: 'reduceByKeyAndWindow', from: s.id, fn: r.fn, ...slideField(g, d) }, type: pairOf(k, r.out), slideMs: d.slideMs, load: grow(d) };
          }
          // value-nonzero drops exactly the keys whose window is empty, but only over positive values.
          const positive = r.fn === 'sum' && v.kind === 'int' && v.sign === 'positive';
          const filter = positive && int(g, 0, 1) === 0 ? { filterFn: 'value-nonzero' } : {};
          const op: Operation = { id, op: 'reduceByKeyAndWindow', from: s.id, fn: r.fn, inverseFn: inverse, ...filter, ...slideField(g, d), ...this.checkpoint(g, d.slideMs) };
          return { op, type: pairOf(k, 'filterFn' in filter ? r.out : withZero(r.out)), slideMs: d.slideMs, load: grow(d), stateful: true };
        },
      });
    }
    c.push({
      weight: 1,
      make: (g, id) => {
        const d = durations(g, false);
        return { op: { id, op: 'groupByKeyAndWindow', from: s.id, ...slideField(g, d) }, type: pairOf(k, listOf(v, 1)), slideMs: d.slideMs, load: grow(d) };
      },
    });
  }

  /**
   * A data-checkpoint interval for a stream sliding every slideMs: the configuration's when it fits,
   * a small multiple of the slide, or none (the engine's default; always allowed).
   */
  private checkpoint(g: Gen, slideMs: number): { checkpointIntervalMs?: number } {
    const configured = this.config.checkpointIntervalMs;
    const choice = int(g, 0, 4);
    if (choice === 0) return {};
    if (choice <= 2 && configured !== undefined && configured % slideMs === 0) return { checkpointIntervalMs: configured };
    return { checkpointIntervalMs: slideMs * int(g, 1, 4) };
  }
}

const INPUT_TYPES: readonly InputType[] = ['pair', 'pair', 'pair', 'string', 'string', 'int', 'int'];

/** Random valid programs for a configuration (batch interval and window durations), made only of
 *  the vocabulary's operations and functions when one is given (output is always allowed). */
export function randomProgram(config: ScenarioConfig, vocabulary?: Vocabulary): fc.Arbitrary<Program> {
  const within = vocabulary === undefined ? undefined : { operations: new Set([...vocabulary.operations, 'output']), functions: vocabulary.functions };
  return fc.gen().map((g) => {
    const builder = new Builder(g, config, within);
    const inputCount = int(g, 1, RANDOM_PROGRAM_LIMITS.inputsMax);
    const inputs = Array.from({ length: inputCount }, (_, i) => ({ name: `in${i + 1}`, type: INPUT_TYPES[int(g, 0, INPUT_TYPES.length - 1)]! }));
    for (const input of inputs) builder.addInput(input.name, input.type);
    const steps = int(g, RANDOM_PROGRAM_LIMITS.stepsMin, RANDOM_PROGRAM_LIMITS.stepsMax);
    for (let i = 0; i < steps; i++) builder.step();
    return {
      format: PROGRAM_FORMAT,
      version: PROGRAM_VERSION,
      name: 'random',
      batchIntervalMs: config.batchIntervalMs,
      inputs,
      operations: builder.finish(),
    };
  });
}
