// `npm start`: runs the reference engine, as a real child process, over the bundled example program
// and input, with a checkpoint and an output directory under results/, then prints each batch's
// committed output. (The default crash suite replaces this once the harness lands: issue 4.)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { readOutputDir } from './reference/sink/output-sink.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const results = path.join(root, 'results', `example-${stamp}`);
const program = path.join(root, 'scenarios/examples/word-count.program.json');
const input = path.join(root, 'scenarios/examples/word-count.input.json');

const run = await execa('node', [path.join(root, 'dist/reference/cli/engine.js')], {
  env: {
    STREAMCHECK_PROGRAM: program,
    STREAMCHECK_INPUT: input,
    STREAMCHECK_CHECKPOINT_DIR: path.join(results, 'checkpoint'),
    STREAMCHECK_OUTPUT_DIR: path.join(results, 'output'),
    STREAMCHECK_SCRATCH_DIR: path.join(results, 'scratch'),
    STREAMCHECK_EVENTS: 'no-crash-points',
  },
  reject: false,
});
if (run.exitCode !== 0) {
  process.stderr.write(run.stderr);
  process.exit(run.exitCode ?? 1);
}
fs.writeFileSync(path.join(results, 'events.jsonl'), run.stdout);
for (const o of readOutputDir(path.join(results, 'output'))) {
  console.log(`${String(o.batchTimeMs).padStart(6)} ms  ${o.output.padEnd(10)} ${JSON.stringify(o.records)}`);
}
const done = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { batchesCompleted: number };
console.log(`\n${done.batchesCompleted} batches completed; checkpoints, outputs and events are in ${path.relative(process.cwd(), results)}`);
