// The language-neutral part of the function spec (PROTOCOL.md §3): test vectors computed by running
// the registry (reference/program/functions.ts) and the canonical JSON (reference/program/value.ts)
// on inputs chosen for their JavaScript edge cases — UTF-16 lengths and astral characters, every
// white space of `\s`, case mappings beyond ASCII, the safe-integer bounds. A SUT in any language
// checks itself against harness/protocol/vectors/*.json; tools/write-protocol-vectors.ts writes them and
// test/protocol-vectors.test.ts fails when they differ from what this module computes.

import { FunctionError, functionDoc, functionNames, rddFnType, resolveFn, type FnRef, type FunctionKind } from '../../reference/program/functions.js';
import { ANY } from '../../reference/program/types.js';
import { canonical, sortCanonical, type Value } from '../../reference/program/value.js';
import { FUNCTION_KINDS } from '../../scenarios/program-vocabulary.js';

const MAX = Number.MAX_SAFE_INTEGER;
const INTS: Value[] = [0, 1, -1, 7, -8, 42, 2147483647, -2147483648, MAX, -MAX];
const STRINGS: Value[] = [
  '', 'a', 'hello world', '  two  spaces  ', 'tab\there\nnewline\r\n', 'nbsp\u00a0x', 'line\u2028sep', 'bom\ufeffx', 'ideo\u3000space', 'ogham\u1680x',
  'nel\u0085x', 'zwsp\u200bx', 'ß', 'ﬁ', 'İ', 'ǅ', 'é', 'e\u0301', '😀x', '\ud800', 'ABC', '123', '-42', '+7', '007', '2147483648', '1e3', ' 5', 'a,b', 'b,a,a',
];
const PAIRS: Value[] = [['k', 3], ['k', -2], ['k', 0], [1, 5], ['x', 'y'], ['😀', 1], ['k', [1, 2]]];
const OTHERS: Value[] = [[], [1, 2, 3], ['a'], null, true, { b: 1, a: 'x' }];
const ALL: Value[] = [...INTS, ...STRINGS, ...PAIRS, ...OTHERS];

/** Arguments tried per argument kind (functionDoc's arg). */
const ARGS: Record<string, (Value | undefined)[]> = {
  none: [undefined],
  int: [0, 3, -2],
  'positive-int': [1, 3],
  string: ['a', 'missing'],
  'map-fn': ['negate', 'to-upper', 'length', { name: 'add', arg: 2 }],
  'map-fn-pair': [['identity', 'length'], ['negate', { name: 'mod', arg: 3 }]],
};

type Vector = Record<string, Value | undefined>;

/** A function's result as data: the value, or that it fails (a run-time failure, exit 1). Inputs of a
 *  type the function does not take are dropped: a validated program never passes them. */
function attempt(run: () => Value | undefined): { out: Value | undefined } | { error: true } | null {
  try {
    const out = run();
    if (out !== undefined) canonical(out);
    return { out };
  } catch (error) {
    if (!(error instanceof FunctionError)) throw error;
    return / expected |needs /.test(error.message) ? null : { error: true };
  }
}

function vectorsOf(kind: FunctionKind, name: string, argKind: string): Vector[] {
  const vectors: Vector[] = [];
  for (const arg of ARGS[argKind] ?? [undefined]) {
    const ref = (arg === undefined ? name : { name, arg }) as FnRef;
    const fnField = arg === undefined ? {} : { arg };
    const push = (inputs: Vector, r: ReturnType<typeof attempt>, outKey = 'out') => {
      if (r === null) return;
      vectors.push({ ...fnField, ...inputs, ...('error' in r ? { error: true } : { [outKey]: r.out }) });
    };
    switch (kind) {
      case 'map':
      case 'flatMap':
      case 'filter': {
        const f = resolveFn(kind, ref) as (x: Value) => Value;
        for (const x of ALL) push({ x }, attempt(() => f(x)));
        break;
      }
      case 'reduce':
      case 'inverse': {
        const f = resolveFn(kind, ref);
        const pool: Value[] = name === 'concat' || name === 'remove-tokens' ? ['', 'a', 'a,b', 'b,c', 'a,a', 'c'] : [0, 1, -1, 5, 2147483647, MAX, -MAX];
        for (const a of pool) for (const b of pool) push({ a, b }, attempt(() => f(a, b)));
        break;
      }
      case 'update': {
        const f = resolveFn(kind, ref);
        const states: (Value | undefined)[] = name === 'session' ? [undefined, [2, 0], [2, 1]] : [undefined, 0, 10];
        for (const values of [[], [1], [2, 3], [-5], ['a']] as Value[][]) {
          for (const state of states) {
            const r = attempt(() => f(values, state, 3000));
            if (r === null) continue;
            // out absent: the key is removed (Spark's None).
            vectors.push({ ...fnField, values, ...(state === undefined ? {} : { state }), timeMs: 3000, ...('error' in r ? { error: true } : r.out === undefined ? { removed: true } : { out: r.out }) });
          }
        }
        break;
      }
      case 'stateMapping': {
        const f = resolveFn(kind, ref);
        const calls: { value?: Value; state?: Value; timingOut: boolean }[] = [
          { value: 1, timingOut: false }, { value: 5, state: 3, timingOut: false }, { value: -2, state: 1, timingOut: false }, { value: 'a', timingOut: false }, { state: 3, timingOut: true },
        ];
        for (const c of calls) {
          let result: ReturnType<typeof f> | undefined;
          const r = attempt(() => {
            result = f('k', c.value, c.state, c.timingOut, 4000);
            return null;
          });
          if (r === null) continue;
          const inputs: Vector = { key: 'k', ...(c.value === undefined ? {} : { value: c.value }), ...(c.state === undefined ? {} : { state: c.state }), timingOut: c.timingOut, timeMs: 4000 };
          if ('error' in r || result === undefined) vectors.push({ ...fnField, ...inputs, error: true });
          else vectors.push({ ...fnField, ...inputs, ...(result.emit === undefined ? {} : { emit: result.emit }), newState: result.state === 'keep' || result.state === 'remove' ? result.state : { set: result.state } });
        }
        break;
      }
      case 'rdd': {
        const f = resolveFn(kind, ref);
        const batchSets: Value[][][] = [[[3, 1, 2, 3]], [['b', 'a', 'b']], [[]], [[1, 2, 2, 3], [2, 3, 4]], [[['k', 1], ['j', 2]], [['k', 9], ['k', 8]]], [[1], [2], [1]]];
        // Only as many batches as the function takes (transform one, transformWith two, ...).
        for (const batches of batchSets) if (typeof rddFnType(ref, batches.map(() => ANY)) !== 'string') push({ batches }, attempt(() => f(batches)));
        break;
      }
      case 'partition': {
        const f = resolveFn(kind, ref);
        for (const partition of [[1, 2, 3], [], [-4], [MAX, 1]] as Value[][]) push({ partition }, attempt(() => f(partition)));
        break;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown function kind ${String(never)}`);
      }
    }
  }
  return vectors;
}

export interface FunctionVectors {
  format: 'streamcheck-function-vectors';
  version: 1;
  functions: { kind: FunctionKind; name: string; arg: string; doc: string; vectors: Vector[] }[];
}

export function functionVectors(): FunctionVectors {
  return {
    format: 'streamcheck-function-vectors',
    version: 1,
    functions: FUNCTION_KINDS.flatMap((kind) =>
      functionNames(kind).map((name) => {
        const doc = functionDoc(kind, name)!;
        return { kind, name, arg: doc.arg, doc: doc.doc, vectors: vectorsOf(kind, name, doc.arg) };
      }),
    ),
  };
}

/** Canonical JSON (PROTOCOL.md §4.1): each value's exact canonical text, and record lists in output order. */
export function canonicalJsonVectors(): { format: 'streamcheck-canonical-json-vectors'; version: 1; values: { value: Value; canonical: string }[]; records: { records: Value[]; sorted: Value[] }[] } {
  const values: Value[] = [
    0, -1, MAX, -MAX, 1e21, 0.5, 'plain', '', 'quote " backslash \\ slash /', 'controls \u0000\u0001\b\f\n\r\t\u001f\u007f', 'astral 😀', 'lone \ud800 high', 'lone \udfff low', 'é vs e\u0301', '\u2028\u2029',
    true, false, null, [], [1, [2, [3]]], {}, { b: 1, a: 2 }, { é: 1, e: 2, z: 3, Z: 4, '😀': 5, '\uffff': 6, '': 7 }, { nested: { y: [{ b: 0, a: 0 }], x: null } }, ['k', { v: 1 }],
  ];
  const records: Value[][] = [
    [['the', 2], ['dog', 1], ['The', 1]],
    [10, 9, -1, 100, 2],
    ['😀', '\uffff', 'z', 'é', 'Z'],
    [['a', null], ['a', 1], ['a', [1]], ['a', '1'], ['a', true], ['a', { x: 1 }]],
  ];
  return {
    format: 'streamcheck-canonical-json-vectors',
    version: 1,
    values: values.map((value) => ({ value, canonical: canonical(value) })),
    records: records.map((r) => ({ records: r, sorted: sortCanonical(r) })),
  };
}

/** JSON text in ASCII: every other character as a \uXXXX escape (the same JSON value), so that the
 *  no-break space, U+2028 or a combining accent in a vector can be seen. */
const ascii = (text: string): string => text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Vector files as written: one vector (or one value) per line, so a change shows as a small diff. */
export function renderVectorFile(doc: Record<string, unknown>, listKeys: readonly string[]): string {
  const lines = ['{'];
  const entries = Object.entries(doc);
  entries.forEach(([k, v], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (!listKeys.includes(k) || !Array.isArray(v)) {
      lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)}${comma}`);
      return;
    }
    lines.push(`  ${JSON.stringify(k)}: [`);
    v.forEach((item, j) => {
      const itemComma = j < v.length - 1 ? ',' : '';
      if (typeof item === 'object' && item !== null && Array.isArray((item as { vectors?: unknown }).vectors)) {
        const { vectors, ...head } = item as { vectors: unknown[] };
        const headText = JSON.stringify(head);
        lines.push(`    ${headText.slice(0, -1)},"vectors":[`);
        vectors.forEach((x, n) => lines.push(`      ${JSON.stringify(x)}${n < vectors.length - 1 ? ',' : ''}`));
        lines.push(`    ]}${itemComma}`);
      } else lines.push(`    ${JSON.stringify(item)}${itemComma}`);
    });
    lines.push(`  ]${comma}`);
  });
  lines.push('}', '');
  return ascii(lines.join('\n'));
}

/** The vector files under harness/protocol/vectors/, by name, as they must read. */
export function protocolVectorFiles(): Record<string, string> {
  const fns = functionVectors();
  const cj = canonicalJsonVectors();
  return {
    'functions.json': renderVectorFile({ ...fns, note: 'Generated from reference/program/functions.ts by tools/write-protocol-vectors.ts; do not edit. See PROTOCOL.md §3.' }, ['functions']),
    'canonical-json.json': renderVectorFile({ ...cj, note: 'Generated from reference/program/value.ts by tools/write-protocol-vectors.ts; do not edit. See PROTOCOL.md §4.1.' }, ['values', 'records']),
  };
}
