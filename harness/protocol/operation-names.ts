// The op names of program format v1, read off the program schema so a manifest can only name
// operations that exist.

import { operationSchema } from '../../reference/program/schema.js';

export const OPERATION_NAMES = operationSchema.def.options.map((o) => o.def.shape.op.def.values[0]) as [string, ...string[]];
