// The protocol's documents agree with the code: schemas up to date, the reference engine's manifest
// valid, and the reference engine's files valid against the schemas, byte for byte.

import * as fs from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { loadManifest } from '../harness/protocol/manifest.js';
import { protocolSchemaTexts } from '../harness/protocol/protocol-schemas.js';
import { parseEventLine } from '../harness/protocol/event-line.js';

test('schemas/*.json are generated from the zod schemas (run dist/harness/protocol/write-schemas.js)', (t) => {
  for (const [name, text] of Object.entries(protocolSchemaTexts())) {
    const file = path.join('harness/protocol/schemas', `${name}.json`);
    t.is(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(missing)', text, `${file} is out of date`);
  }
});

test('the reference engine manifest is valid, its snapshot exists, and serve is its command plus --serve', (t) => {
  const loaded = loadManifest('harness/protocol/reference-engine.manifest.json');
  t.is(loaded.manifest.outputGuarantee, 'at-least-once-identical');
  t.is(loaded.cwd, path.resolve('.'));
  const blob = loaded.manifest.command[loaded.manifest.command.indexOf('--snapshot-blob') + 1]!;
  t.true(fs.existsSync(path.join(loaded.cwd, blob)), `${blob} (npm run build makes it)`);
  t.deepEqual(loaded.manifest.serve?.command, [...loaded.manifest.command, '--serve']);
});

test('event lines: known events typed, unknown kept, garbage reported', (t) => {
  t.deepEqual(parseEventLine('{"event":"done","crashPoints":3}'), { kind: 'event', event: { event: 'done', crashPoints: 3 } });
  t.is(parseEventLine('{"event":"whatever","x":1}').kind, 'event');
  t.is(parseEventLine('hello').kind, 'garbage');
  t.is(parseEventLine('[1]').kind, 'garbage');
  t.is(parseEventLine('{"event":"crash-point","n":"x"}').kind, 'garbage');
});
