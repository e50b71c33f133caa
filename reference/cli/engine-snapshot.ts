// The entry point of the engine's V8 startup snapshot (tools/build-engine-snapshot.ts bundles this
// file and runs `node --build-snapshot` on it). Building: every module is loaded and warmed up,
// then the heap is saved. Starting (`node --snapshot-blob engine.blob streamcheck-engine [args]`):
// the saved heap is restored and the command runs as engine.ts would run it, minus module loading,
// schema construction and compiling the hot paths, which were most of a short run's CPU time.

import * as v8 from 'node:v8';
import { engineMain } from './engine-serve.js';
import { warmUp } from './snapshot-warm-up.js';

if (!v8.startupSnapshot.isBuildingSnapshot()) {
  process.stderr.write('streamcheck-engine: error: engine-snapshot.js is the snapshot builder; run dist/reference/cli/engine.js, or node --snapshot-blob with the built blob\n');
  process.exit(2);
}
// The snapshot is taken once this script has run and the event loop is empty, so the warm-up may be
// asynchronous; if it fails, the build fails.
warmUp().catch((error: unknown) => {
  process.stderr.write(`streamcheck-engine: error: snapshot warm-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
v8.startupSnapshot.setDeserializeMainFunction(() => {
  // process.argv is [node, <placeholder script name>, ...args], as for engine.js.
  void engineMain().then((code) => process.exit(code));
});
