// A record value as the protocol's files carry it: any JSON value (null stands for Scala's None in
// outer joins). Recursive, so JSON Schema shows it once under $defs.

import { z } from 'zod';
import type { Value } from '../../reference/program/value.js';

/**
 * What JSON.parse returns is always a Value, so for text just parsed this schema can only pass; the
 * harness checks parsed files with `parsedValue` instead, which does not walk every record again.
 * valueSchema stays the documented shape (schemas/*.json).
 */
export const parsedValue = z.custom<Value>(() => true);

export const valueSchema: z.ZodType<Value> = z.lazy(() =>
  z.union([z.null(), z.number(), z.string(), z.boolean(), z.array(valueSchema), z.record(z.string(), valueSchema)]),
);
