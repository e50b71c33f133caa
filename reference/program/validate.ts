// Turns JSON into a ValidProgram, or refuses it with one ProgramError naming the field, what was
// expected and what was received. Beyond the shape (schema.ts) it checks what Spark checks when a
// DStream graph is built or started: stream references, slide compatibility of unions and joins,
// window and slide durations that are multiples of the parent's slide, checkpoint intervals that are
// multiples of the slide, inverse functions that invert their reduce function, and at least one
// output operation. It also infers every stream's record type so that a program that would only
// fail at run time is refused up front.

import { jsonNestingDepth, JSON_NESTING_DEPTH_MAX } from './json-depth.js';
import type * as z from './engine-zod.js';
import { INVERSE_OF, checkFnRef, fnName, fnType, rddFnType, type FnRef, type FunctionKind } from './functions.js';
import { programSchema, type InputType, type Operation, type Program } from './schema.js';
import { ANY, INT, STRING, assignable, listOf, optionOf, pairOf, sameType, showType, type StreamType } from './types.js';
import { canonical, describeValue, type Value } from './value.js';

export class ProgramError extends Error {
  override name = 'ProgramError';
}

export interface StreamInfo {
  id: string;
  /** The operation, or undefined for an input stream. */
  operation: Operation | undefined;
  type: StreamType;
  slideMs: number;
  parents: string[];
  /** Spark's mustCheckpoint: the stream's RDDs depend on its own previous RDDs. */
  mustCheckpoint: boolean;
}

export interface ValidProgram {
  program: Program;
  batchIntervalMs: number;
  /** Every stream, inputs first, then operations in program order (a topological order). */
  streams: Map<string, StreamInfo>;
  inputs: string[];
  outputs: string[];
}

const INPUT_TYPES: Record<InputType, StreamType> = { string: STRING, int: INT, pair: pairOf(STRING, INT), json: ANY };

/** Parses and validates program JSON text; `source` names the file in error messages. */
export function parseProgram(text: string, source = 'program'): ValidProgram {
  if (jsonNestingDepth(text) > JSON_NESTING_DEPTH_MAX) throw new ProgramError(`${source}: nests deeper than ${JSON_NESTING_DEPTH_MAX} arrays or objects (JSON_NESTING_DEPTH_MAX)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProgramError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return validateProgram(json, source);
}

export function validateProgram(json: unknown, source = 'program'): ValidProgram {
  const parsed = programSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new ProgramError(`${source}: ${describeIssue(json, parsed.error.issues[0]!)}`);
  // zod's output is a copy of the input, so freezing it freezes nothing the caller holds.
  const program = deepFreeze(parsed.data);
  validated.add(program);
  return checkGraph(program, source);
}

/** Programs validateProgram returned. They are deep-frozen: whatever is derived from one (its
 *  canonical text, its hash) stays true for as long as it lives. */
const validated = new WeakSet<object>();

export function isValidatedProgram(program: unknown): program is Program {
  return typeof program === 'object' && program !== null && validated.has(program);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function describeIssue(json: unknown, issue: z.core.$ZodIssue): string {
  const where = pathText(json, issue.path);
  const input = (issue as { input?: unknown }).input;
  const received = issue.code === 'unrecognized_keys' ? '' : `, received ${input === undefined ? 'nothing' : describeValue(input)}`;
  let message = issue.message.replace(/^Invalid input: /, '');
  if (issue.code === 'invalid_union' && (issue as { discriminator?: string }).discriminator) {
    message = `unknown operation (${message.replace(/^Invalid discriminator value. /, '').toLowerCase()})`;
  }
  return `${where}: ${message}${received}`;
}

/** "operations[2] (id "counts", op reduceByKey).windowMs" — the path, with the operation named. */
function pathText(json: unknown, path: PropertyKey[]): string {
  let text = '';
  let node: unknown = json;
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : text === '' ? String(key) : `.${String(key)}`;
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number' && node !== null && typeof node === 'object' && 'op' in node) {
      const o = node as { id?: unknown; op?: unknown };
      text += ` (id ${JSON.stringify(o.id)}, op ${JSON.stringify(o.op)})`;
    }
  }
  return text === '' ? 'the program' : text;
}

function checkGraph(program: Program, source: string): ValidProgram {
  const batch = program.batchIntervalMs;
  const streams = new Map<string, StreamInfo>();
  program.inputs.forEach((input, i) => {
    if (streams.has(input.name)) throw new ProgramError(`${source}: inputs[${i}].name: duplicate stream name "${input.name}"`);
    streams.set(input.name, { id: input.name, operation: undefined, type: INPUT_TYPES[input.type], slideMs: batch, parents: [], mustCheckpoint: false });
  });
  const outputs: string[] = [];

  program.operations.forEach((op, i) => {
    const at = `${source}: operations[${i}] (id "${op.id}", op ${op.op})`;
    const fail = (field: string, message: string): never => {
      throw new ProgramError(`${at}${field === '' ? '' : `.${field}`}: ${message}`);
    };
    if (streams.has(op.id)) fail('id', `duplicate stream name "${op.id}"`);
    const stream = (field: string, name: string): StreamInfo => {
      const s = streams.get(name);
      if (s === undefined) {
        fail(field, `unknown stream "${name}" (expected an input or an earlier operation: ${[...streams.keys()].join(', ')})`);
      }
      return s!;
    };
    const fn = (field: string, kind: FunctionKind, ref: FnRef, input: StreamType): StreamType => {
      const problem = checkFnRef(kind, ref);
      if (problem !== undefined) fail(field, problem);
      const t = fnType(kind, ref, input);
      if (typeof t === 'string') fail(field, t);
      return t as StreamType;
    };
    const pairParts = (field: string, s: StreamInfo): { key: StreamType; value: StreamType } => {
      if (s.type.kind === 'pair') return s.type;
      if (s.type.kind === 'any') return { key: ANY, value: ANY };
      return fail(field, `${op.op} needs a stream of pairs [key, value], but "${s.id}" carries ${showType(s.type)}`);
    };
    const multipleOf = (field: string, value: number, of: number, ofWhat: string) => {
      if (value % of !== 0) fail(field, `${value} ms is not a multiple of ${ofWhat} (${of} ms)`);
    };
    const inverse = (fnRef: FnRef, inv: FnRef | undefined, valueType: StreamType) => {
      if (inv === undefined) return;
      fn('inverseFn', 'inverse', inv, valueType);
      const inverts = INVERSE_OF[fnName(inv)];
      if (inverts !== fnName(fnRef)) fail('inverseFn', `${fnName(inv)} is the inverse of ${inverts}, but fn is ${fnName(fnRef)}`);
    };

    /** An initial state: [key, state] records, keys distinct, neither part null (null is Scala's
     *  None), keys and states of the stream's key type and the function's state type. */
    const initialStates = (records: readonly (readonly [unknown, unknown])[] | undefined, key: StreamType, state: StreamType) => {
      if (records === undefined) return;
      const seen = new Set<string>();
      records.forEach(([k, s], j) => {
        if (k === null || s === null) fail(`initialState[${j}]`, `a key or state of null, received ${describeValue([k, s])} (null stands for None and cannot be a state)`);
        if (!valueFits(k as Value, key)) fail(`initialState[${j}][0]`, `a key of type ${showType(key)}, received ${describeValue(k)}`);
        if (!valueFits(s as Value, state)) fail(`initialState[${j}][1]`, `a state of type ${showType(state)}, received ${describeValue(s)}`);
        const c = canonical(k as Value);
        if (seen.has(c)) fail(`initialState[${j}][0]`, `duplicate key ${describeValue(k)} (an initial state has one record per key)`);
        seen.add(c);
      });
    };

    let type: StreamType;
    let parents: string[];
    let slideMs: number;
    let mustCheckpoint = false;
    switch (op.op) {
      case 'map':
      case 'flatMap':
      case 'filter': {
        const p = stream('from', op.from);
        const t = fn('fn', op.op, op.fn, p.type);
        type = op.op === 'filter' ? p.type : t;
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'mapValues':
      case 'flatMapValues': {
        const p = stream('from', op.from);
        const { key, value } = pairParts('from', p);
        type = pairOf(key, fn('fn', op.op === 'mapValues' ? 'map' : 'flatMap', op.fn, value));
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'union': {
        const ps = op.from.map((name, j) => stream(`from[${j}]`, name));
        const first = ps[0]!;
        ps.forEach((p, j) => {
          if (p.slideMs !== first.slideMs) fail(`from[${j}]`, `some of the DStreams have different slide durations: "${p.id}" slides every ${p.slideMs} ms, "${first.id}" every ${first.slideMs} ms`);
          if (!sameType(p.type, first.type)) fail(`from[${j}]`, `union needs streams of one type: "${p.id}" carries ${showType(p.type)}, "${first.id}" carries ${showType(first.type)}`);
        });
        type = ps.some((p) => p.type.kind === 'any') ? ANY : first.type;
        [parents, slideMs] = [ps.map((p) => p.id), first.slideMs];
        break;
      }
      case 'count':
      case 'countByValue': {
        const p = stream('from', op.from);
        type = op.op === 'count' ? INT : pairOf(p.type, INT);
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'reduce': {
        const p = stream('from', op.from);
        type = fn('fn', 'reduce', op.fn, p.type);
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'reduceByKey':
      case 'groupByKey': {
        const p = stream('from', op.from);
        const { key, value } = pairParts('from', p);
        type = op.op === 'reduceByKey' ? pairOf(key, fn('fn', 'reduce', op.fn, value)) : pairOf(key, listOf(value));
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'join':
      case 'leftOuterJoin':
      case 'rightOuterJoin':
      case 'fullOuterJoin':
      case 'cogroup': {
        const a = stream('from', op.from);
        const b = stream('with', op.with);
        const pa = pairParts('from', a);
        const pb = pairParts('with', b);
        if (!assignable(pa.key, pb.key) && !assignable(pb.key, pa.key)) fail('with', `keys differ: "${a.id}" has ${showType(pa.key)} keys, "${b.id}" has ${showType(pb.key)}`);
        if (a.slideMs !== b.slideMs) fail('with', `some of the DStreams have different slide durations: "${a.id}" slides every ${a.slideMs} ms, "${b.id}" every ${b.slideMs} ms`);
        const left = op.op === 'rightOuterJoin' || op.op === 'fullOuterJoin' ? optionOf(pa.value) : pa.value;
        const right = op.op === 'leftOuterJoin' || op.op === 'fullOuterJoin' ? optionOf(pb.value) : pb.value;
        type = op.op === 'cogroup' ? pairOf(pa.key, pairOf(listOf(pa.value), listOf(pb.value))) : pairOf(pa.key, pairOf(left, right));
        [parents, slideMs] = [[a.id, b.id], a.slideMs];
        break;
      }
      case 'window':
      case 'countByWindow':
      case 'reduceByWindow':
      case 'reduceByKeyAndWindow':
      case 'countByValueAndWindow':
      case 'groupByKeyAndWindow': {
        const p = stream('from', op.from);
        multipleOf('windowMs', op.windowMs, p.slideMs, `the slide duration of "${p.id}"`);
        const slide = op.slideMs ?? p.slideMs;
        multipleOf('slideMs', slide, p.slideMs, `the slide duration of "${p.id}"`);
        [parents, slideMs] = [[p.id], slide];
        switch (op.op) {
          case 'window':
            type = p.type;
            break;
          case 'countByWindow':
            type = INT;
            mustCheckpoint = true;
            break;
          case 'reduceByWindow':
            type = fn('fn', 'reduce', op.fn, p.type);
            inverse(op.fn, op.inverseFn, p.type);
            mustCheckpoint = op.inverseFn !== undefined;
            break;
          case 'reduceByKeyAndWindow': {
            const { key, value } = pairParts('from', p);
            type = pairOf(key, fn('fn', 'reduce', op.fn, value));
            inverse(op.fn, op.inverseFn, value);
            if (op.filterFn !== undefined) {
              if (op.inverseFn === undefined) fail('filterFn', 'a filter function is only taken together with an inverse function (as in Spark\'s API)');
              fn('filterFn', 'filter', op.filterFn, type);
            }
            mustCheckpoint = op.inverseFn !== undefined;
            break;
          }
          case 'countByValueAndWindow':
            type = pairOf(p.type, INT);
            mustCheckpoint = true;
            break;
          case 'groupByKeyAndWindow': {
            const { key, value } = pairParts('from', p);
            type = pairOf(key, listOf(value));
            break;
          }
        }
        break;
      }
      case 'updateStateByKey': {
        const p = stream('from', op.from);
        const { key, value } = pairParts('from', p);
        const stateType = fn('fn', 'update', op.fn, value);
        initialStates(op.initialState, key, stateType);
        type = pairOf(key, stateType);
        [parents, slideMs, mustCheckpoint] = [[p.id], p.slideMs, true];
        break;
      }
      case 'mapWithState': {
        const p = stream('from', op.from);
        const { key, value } = pairParts('from', p);
        type = fn('fn', 'stateMapping', op.fn, value);
        // A mapping function's state type is not declared (mapWithState's states are opaque to the
        // type language); its run-time checks catch a state it cannot take.
        initialStates(op.initialState, key, ANY);
        [parents, slideMs, mustCheckpoint] = [[p.id], p.slideMs, true];
        break;
      }
      case 'transform':
      case 'transformWith':
      case 'contextTransform': {
        const names = op.op === 'contextTransform' ? op.from : op.op === 'transformWith' ? [op.from, op.with] : [op.from];
        const ps = names.map((name, j) => stream(op.op === 'contextTransform' ? `from[${j}]` : j === 0 ? 'from' : 'with', name));
        const first = ps[0]!;
        ps.forEach((p, j) => {
          if (p.slideMs !== first.slideMs) fail(op.op === 'contextTransform' ? `from[${j}]` : 'with', `some of the DStreams have different slide durations: "${p.id}" slides every ${p.slideMs} ms, "${first.id}" every ${first.slideMs} ms`);
        });
        const problem = checkFnRef('rdd', op.fn);
        if (problem !== undefined) fail('fn', problem);
        const t = rddFnType(op.fn, ps.map((p) => p.type));
        if (typeof t === 'string') fail('fn', t);
        type = t as StreamType;
        [parents, slideMs] = [ps.map((p) => p.id), first.slideMs];
        break;
      }
      case 'glom': {
        const p = stream('from', op.from);
        type = listOf(p.type);
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'mapPartitions': {
        const p = stream('from', op.from);
        type = fn('fn', 'partition', op.fn, p.type);
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'repartition': {
        const p = stream('from', op.from);
        type = p.type;
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'slice': {
        const p = stream('from', op.from);
        multipleOf('fromAgoMs', op.fromAgoMs, p.slideMs, `the slide duration of "${p.id}"`);
        multipleOf('toAgoMs', op.toAgoMs, p.slideMs, `the slide duration of "${p.id}"`);
        if (op.toAgoMs > op.fromAgoMs) fail('toAgoMs', `${op.toAgoMs} ms is after fromAgoMs (${op.fromAgoMs} ms): a slice runs from the older time to the newer`);
        const slide = op.slideMs ?? p.slideMs;
        multipleOf('slideMs', slide, p.slideMs, `the slide duration of "${p.id}"`);
        type = p.type;
        [parents, slideMs] = [[p.id], slide];
        break;
      }
      case 'stateSnapshots': {
        const p = stream('from', op.from);
        if (p.operation?.op !== 'mapWithState') fail('from', `stateSnapshots needs a mapWithState stream, but "${p.id}" is ${p.operation === undefined ? 'an input' : `a ${p.operation.op}`}`);
        type = pairOf(ANY, ANY);
        [parents, slideMs] = [[p.id], p.slideMs];
        break;
      }
      case 'output': {
        const p = stream('from', op.from);
        type = p.type;
        [parents, slideMs] = [[p.id], p.slideMs];
        outputs.push(op.id);
        break;
      }
      default:
        return assertNeverOp(op);
    }
    if (op.checkpointIntervalMs !== undefined) {
      if (op.op === 'output') fail('checkpointIntervalMs', 'an output operation has nothing to checkpoint');
      if (op.checkpointIntervalMs < slideMs) fail('checkpointIntervalMs', `${op.checkpointIntervalMs} ms is less than the slide duration (${slideMs} ms)`);
      multipleOf('checkpointIntervalMs', op.checkpointIntervalMs, slideMs, 'the slide duration');
    }
    streams.set(op.id, { id: op.id, operation: op, type, slideMs, parents, mustCheckpoint });
  });

  if (outputs.length === 0) throw new ProgramError(`${source}: operations: no output operations registered, so nothing to execute (add an operation with "op": "output")`);
  return { program, batchIntervalMs: batch, streams, inputs: program.inputs.map((i) => i.name), outputs };
}

/** Whether a JSON value is a value of the type (any takes everything; option takes null). */
function valueFits(v: Value, t: StreamType): boolean {
  switch (t.kind) {
    case 'any':
      return true;
    case 'int':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'string':
      return typeof v === 'string';
    case 'pair':
      return Array.isArray(v) && v.length === 2 && valueFits(v[0]!, t.key) && valueFits(v[1]!, t.value);
    case 'list':
      return Array.isArray(v) && v.every((x) => valueFits(x, t.of));
    case 'option':
      return v === null || valueFits(v, t.of);
    default:
      return assertNeverType(t);
  }
}

function assertNeverType(t: never): never {
  throw new ProgramError(`unknown type ${JSON.stringify(t)}`);
}

function assertNeverOp(op: never): never {
  throw new ProgramError(`unknown operation ${JSON.stringify(op)}`);
}

/** Whether the program has a stream that needs data checkpoints (so a checkpoint directory). */
export function isStateful(p: ValidProgram): boolean {
  return [...p.streams.values()].some((s) => s.mustCheckpoint || s.operation?.checkpointIntervalMs !== undefined);
}
