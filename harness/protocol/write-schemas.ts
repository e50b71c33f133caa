// Writes harness/protocol/schemas/*.json from the zod schemas: `node dist/harness/protocol/write-schemas.js`
// from the repository root. test/harness-protocol.test.ts checks the files are up to date.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { protocolSchemaTexts } from './protocol-schemas.js';

export const SCHEMAS_DIR = 'harness/protocol/schemas';

const dir = path.resolve(process.argv[2] ?? SCHEMAS_DIR);
fs.mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(protocolSchemaTexts())) {
  fs.writeFileSync(path.join(dir, `${name}.json`), text);
  process.stdout.write(`wrote ${path.join(dir, `${name}.json`)}\n`);
}
