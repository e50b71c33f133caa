// Writes harness/protocol/vectors/*.json from the registry and the canonical JSON (see
// harness/protocol/protocol-vectors.ts). Run after changing a function: `node dist/tools/write-protocol-vectors.js`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolVectorFiles } from '../harness/protocol/protocol-vectors.js';

const dir = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'), 'harness/protocol/vectors');
fs.mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(protocolVectorFiles())) {
  fs.writeFileSync(path.join(dir, name), text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(dir, name))} (${text.length} bytes)\n`);
}
