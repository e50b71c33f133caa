// Every file the protocol names, with the zod schema that defines it. write-schemas.ts renders these
// as JSON Schema under schemas/, and a test fails when the rendered files are out of date.

import { z } from 'zod';
import { programSchema } from '../../reference/program/schema.js';
import { inputLogSchema } from '../../reference/source/input-log.js';
import { eventLineSchema } from './event-line.js';
import { finalStateFileSchema } from './final-state-file.js';
import { manifestSchema } from './manifest.js';
import { outputFileSchema } from './output-file.js';
import { serveRequestSchema } from './serve-request.js';

// z.core.$ZodType: the engine's schemas are zod/mini ones (reference/program/engine-zod.ts), the
// harness's classic; toJSONSchema renders both.
export const PROTOCOL_SCHEMAS: Record<string, z.core.$ZodType> = {
  manifest: manifestSchema,
  program: programSchema,
  'input-log': inputLogSchema,
  'output-file': outputFileSchema,
  'final-state-file': finalStateFileSchema,
  'event-line': eventLineSchema,
  'serve-request': serveRequestSchema,
};

/** The text of schemas/<name>.json for each protocol file. The program's schema names each schema it
 *  uses more than once (function references, initial states) once under $defs, or it would repeat
 *  them for every operation. */
export function protocolSchemaTexts(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(PROTOCOL_SCHEMAS).map(([name, schema]) => [
      name,
      `${JSON.stringify({ $id: `streamcheck-protocol-v1/${name}.json`, ...z.toJSONSchema(schema, { io: 'input', ...(name === 'program' ? { reused: 'ref' as const } : {}) }) }, null, 2)}\n`,
    ]),
  );
}
