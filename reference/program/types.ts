// A small type language for streams, so that a malformed program is refused before it runs with an
// error that names the operation, the type it needs and the type it got. `any` is compatible with
// everything (records of input type "json" flow through as `any`), and is then checked at run time.

export type StreamType =
  | { kind: 'int' }
  | { kind: 'string' }
  | { kind: 'any' }
  | { kind: 'pair'; key: StreamType; value: StreamType }
  | { kind: 'list'; of: StreamType }
  | { kind: 'option'; of: StreamType };

export const INT: StreamType = { kind: 'int' };
export const STRING: StreamType = { kind: 'string' };
export const ANY: StreamType = { kind: 'any' };
export const pairOf = (key: StreamType, value: StreamType): StreamType => ({ kind: 'pair', key, value });
export const listOf = (of: StreamType): StreamType => ({ kind: 'list', of });
export const optionOf = (of: StreamType): StreamType => ({ kind: 'option', of });

export function showType(t: StreamType): string {
  switch (t.kind) {
    case 'int':
    case 'string':
    case 'any':
      return t.kind;
    case 'pair':
      return `pair<${showType(t.key)}, ${showType(t.value)}>`;
    case 'list':
      return `list<${showType(t.of)}>`;
    case 'option':
      return `option<${showType(t.of)}>`;
    default:
      return assertNever(t);
  }
}

/** Whether a value of type `actual` may flow where `expected` is needed. */
export function assignable(actual: StreamType, expected: StreamType): boolean {
  if (actual.kind === 'any' || expected.kind === 'any') return true;
  switch (expected.kind) {
    case 'int':
    case 'string':
      return actual.kind === expected.kind;
    case 'pair':
      return actual.kind === 'pair' && assignable(actual.key, expected.key) && assignable(actual.value, expected.value);
    case 'list':
      return actual.kind === 'list' && assignable(actual.of, expected.of);
    case 'option':
      return (actual.kind === 'option' && assignable(actual.of, expected.of)) || assignable(actual, expected.of);
    default:
      return assertNever(expected);
  }
}

export function sameType(a: StreamType, b: StreamType): boolean {
  return assignable(a, b) && assignable(b, a);
}

export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
