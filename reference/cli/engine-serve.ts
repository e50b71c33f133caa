// Serve mode (PROTOCOL.md §9): once started, the process prints {"event":"ready"}; then it runs the engine command once per request line on stdin,
// {"request":"run","run":n,"env":{...}}, with the request's variables over its own environment, and
// prints {"event":"run-end","run":n,"exitCode":0} after a run that the command would end with 0.
// Any other ending ends the process exactly as the command would (a crash point SIGKILLs it, an
// error exits with the command's status), so a crash is still the death of a real process. At the
// end of stdin the process exits 0. Nothing outlives a run: the command keeps no module state.

import * as readline from 'node:readline';
import { processIo, runEngineCommand, type EngineIo } from './engine-command.js';

const EXIT_USAGE = 2;

interface RunRequest {
  run: number;
  env: Record<string, string>;
}

function parseRequest(line: string): RunRequest | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return `not JSON: ${JSON.stringify(line.slice(0, 80))}`;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'expected a JSON object';
  const r = json as Record<string, unknown>;
  if (r.request !== 'run') return `"request": expected "run", received ${JSON.stringify(r.request)}`;
  if (typeof r.run !== 'number' || !Number.isSafeInteger(r.run) || r.run < 1) return `"run": expected a positive integer, received ${JSON.stringify(r.run)}`;
  const env = r.env;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return `"env": expected an object of strings, received ${JSON.stringify(env)}`;
  for (const [k, v] of Object.entries(env)) if (typeof v !== 'string') return `"env.${k}": expected a string, received ${JSON.stringify(v)}`;
  return { run: r.run, env: env as Record<string, string> };
}

/** Serves runs until stdin ends (status 0) or a run ends otherwise than with 0 (its status). The
 *  snapshot's warm-up serves from a stream of its own, to no output. */
export async function serveRuns(input: NodeJS.ReadableStream = process.stdin, io: EngineIo = processIo, ownEnv: NodeJS.ProcessEnv = { ...process.env }): Promise<number> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  io.stdout(`${JSON.stringify({ event: 'ready' })}\n`);
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const request = parseRequest(line);
    if (typeof request === 'string') {
      io.stderr(`streamcheck-engine: error: serve request: ${request}\n`);
      return EXIT_USAGE;
    }
    const code = await runEngineCommand(['node', 'streamcheck-engine'], { ...ownEnv, ...request.env }, io);
    if (code !== 0) return code;
    io.stdout(`${JSON.stringify({ event: 'run-end', run: request.run, exitCode: 0 })}\n`);
  }
  return 0;
}

/** What engine.js and the snapshot's main run: `--serve` alone serves runs, anything else is one run. */
export function engineMain(): Promise<number> {
  return process.argv[2] === '--serve' && process.argv.length === 3 ? serveRuns() : runEngineCommand(process.argv, process.env);
}
