// Predicates over parsed JSON for the hand-written shape checks that run before zod on the engine's
// hot paths (metadata and data checkpoints, input logs): each one accepts exactly what the matching
// zod rule accepts, and test/checkpoint-validation.test.ts holds the checks built on them to their schemas.

/** A plain object, as z.object and z.record take it (JSON.parse makes nothing else). */
export function isPlainRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

export const hasKeys = (x: Record<string, unknown>, n: number): boolean => Object.keys(x).length === n;

/** z.number().check(z.int(), z.nonnegative()) */
export const isNonNegativeInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** z.number().check(z.int(), z.positive()) */
export const isPositiveInt = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) > 0;

/** A plain object whose every value passes check. */
export function everyValue(x: unknown, check: (v: unknown) => boolean): boolean {
  if (!isPlainRecord(x)) return false;
  for (const k in x) if (!check(x[k])) return false;
  return true;
}

/** An array whose every item passes check. */
export function everyItem(x: unknown, check: (v: unknown) => boolean): boolean {
  if (!Array.isArray(x)) return false;
  for (let i = 0; i < x.length; i++) if (!check(x[i])) return false;
  return true;
}
