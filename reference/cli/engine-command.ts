// The engine command's body: takes the program, the input log and the checkpoint, output and scratch
// directories from flags or STREAMCHECK_* variables, runs every batch to the input's end, prints
// progress as JSON lines on stdout and ends with status 0. A bad argument gets one line on stderr
// naming it, and status 2; an unusable checkpoint directory or a changed program 3; a failure of the
// program itself 1. engine.ts runs it once per process; engine-serve.ts once per request.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { FunctionError } from '../program/functions.js';
import { parseProgram, ProgramError } from '../program/validate.js';
import { checkInputFitsProgram, InputError, parseInputLog } from '../source/input-log.js';
import { CheckpointError } from '../checkpoint/checkpoint-store.js';
import { EngineError } from '../engine/dstream.js';
import { runEngine, type ClockKind } from '../engine/run-engine.js';
import type { EngineEvent } from '../engine/events.js';
import { BUGS, isBugName } from '../engine/bugs.js';

class UsageError extends Error {}

/** Where the command writes: the process's stdout and stderr, or (warm-up) anywhere else. */
export interface EngineIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: EngineIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

const EXIT = { usage: 2, checkpoint: 3, failure: 1 } as const;

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, received ${JSON.stringify(value)}`);
    return n;
  };
}
function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, received ${JSON.stringify(value)}`);
    return n;
  };
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function directory(dir: string, what: string, create: boolean): string {
  if (create) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create the ${what} ${dir}: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`the ${what} ${dir} does not exist or is not a directory`);
  return path.resolve(dir);
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: EngineIo): Promise<number> {
  const program = new Command('streamcheck-engine')
    .description('The streamcheck reference engine: Spark-Streaming micro-batches with metadata and data checkpoints.')
    .option('--program <file>', 'program JSON (STREAMCHECK_PROGRAM)', env.STREAMCHECK_PROGRAM)
    .option('--input <file>', 'input log JSON (STREAMCHECK_INPUT)', env.STREAMCHECK_INPUT)
    .option('--checkpoint-dir <dir>', 'checkpoint directory, "reliable storage" (STREAMCHECK_CHECKPOINT_DIR)', env.STREAMCHECK_CHECKPOINT_DIR)
    .option('--output-dir <dir>', 'output directory (STREAMCHECK_OUTPUT_DIR)', env.STREAMCHECK_OUTPUT_DIR)
    .option('--scratch-dir <dir>', 'node-local scratch directory; may be wiped between runs (STREAMCHECK_SCRATCH_DIR)', env.STREAMCHECK_SCRATCH_DIR)
    .option('--clock <kind>', 'logical (as fast as possible) or realtime (STREAMCHECK_CLOCK)', env.STREAMCHECK_CLOCK ?? 'logical')
    .option('--max-pending-batches <n>', 'how far the job generator may run ahead of the runner (STREAMCHECK_MAX_PENDING_BATCHES)', positiveInt('--max-pending-batches'))
    .option('--crash-at <n>', 'SIGKILL this process at the n-th crash point (STREAMCHECK_CRASH_AT)', positiveInt('--crash-at'))
    .option('--restart-jump-ms <ms>', 'logical clock: downtime to simulate on restart (STREAMCHECK_RESTART_JUMP_MS)', nonNegativeInt('--restart-jump-ms'))
    .option('--events <which>', 'progress events on stdout: all, no-crash-points, none (STREAMCHECK_EVENTS)', env.STREAMCHECK_EVENTS ?? 'all')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s.startsWith('error: ') ? `streamcheck-engine: ${s}` : s) });
  try {
    program.parse([...argv]);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : EXIT.usage;
  }
  const o = program.opts<{
    program?: string; input?: string; checkpointDir?: string; outputDir?: string; scratchDir?: string; clock: string;
    maxPendingBatches?: number; crashAt?: number; restartJumpMs?: number; events: string;
  }>();
  const fromEnv = (name: string, parse: (v: string) => number) => (env[name] === undefined || env[name] === '' ? undefined : parse(env[name]!));
  const crashAt = o.crashAt ?? fromEnv('STREAMCHECK_CRASH_AT', positiveInt('STREAMCHECK_CRASH_AT'));
  const maxPendingBatches = o.maxPendingBatches ?? fromEnv('STREAMCHECK_MAX_PENDING_BATCHES', positiveInt('STREAMCHECK_MAX_PENDING_BATCHES'));
  const restartJumpMs = o.restartJumpMs ?? fromEnv('STREAMCHECK_RESTART_JUMP_MS', nonNegativeInt('STREAMCHECK_RESTART_JUMP_MS'));

  if (o.program === undefined) throw new UsageError('no program: pass --program <file> or set STREAMCHECK_PROGRAM');
  if (o.input === undefined) throw new UsageError('no input log: pass --input <file> or set STREAMCHECK_INPUT');
  if (o.outputDir === undefined) throw new UsageError('no output directory: pass --output-dir <dir> or set STREAMCHECK_OUTPUT_DIR');
  if (o.clock !== 'logical' && o.clock !== 'realtime') throw new UsageError(`--clock must be logical or realtime, received ${JSON.stringify(o.clock)}`);
  if (!['all', 'no-crash-points', 'none'].includes(o.events)) throw new UsageError(`--events must be all, no-crash-points or none, received ${JSON.stringify(o.events)}`);

  const validProgram = parseProgram(readText(o.program, 'program'), o.program);
  const input = parseInputLog(readText(o.input, 'input log'), o.input);
  checkInputFitsProgram(input, validProgram.batchIntervalMs, validProgram.program.inputs, o.input);
  const bug = env.STREAMCHECK_REFERENCE_BUG === undefined || env.STREAMCHECK_REFERENCE_BUG === '' ? undefined : env.STREAMCHECK_REFERENCE_BUG;
  if (bug !== undefined && !isBugName(bug)) throw new UsageError(`STREAMCHECK_REFERENCE_BUG must be one of ${Object.keys(BUGS).join(', ')}, received ${JSON.stringify(bug)}`);
  const checkpointDir = o.checkpointDir === undefined ? undefined : checkpointDirectory(o.checkpointDir);
  const outputDir = directory(o.outputDir, 'output directory', true);
  const scratchDir = o.scratchDir === undefined ? undefined : directory(o.scratchDir, 'scratch directory', true);

  const print = o.events === 'none' ? () => {} : (e: EngineEvent) => io.stdout(`${JSON.stringify(e)}\n`);
  try {
    await runEngine({
    program: validProgram,
    input,
    checkpointDir,
    outputDir,
    scratchDir,
    bug,
    clock: o.clock as ClockKind,
    maxPendingBatches,
    restartJumpMs,
    crashAt,
    reportCrashPoints: o.events === 'all',
    onEvent: print,
    onWarning: (m) => io.stderr(`streamcheck-engine: ${m}\n`),
    });
  } catch (error) {
    // A checkpoint directory the engine cannot write (read-only, full, not a directory) is an unusable one.
    const e = error as NodeJS.ErrnoException;
    if (checkpointDir !== undefined && typeof e.code === 'string' && typeof e.path === 'string' && UNWRITABLE.has(e.code) && within(checkpointDir, e.path)) {
      throw new CheckpointError(`cannot write the checkpoint directory ${checkpointDir}: ${e.code} on ${e.path}`, { cause: error });
    }
    throw error;
  }
  return 0;
}

/** Whether file is dir or below it (a sibling such as <dir>2 is not: a plain prefix test would say so). */
function within(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** File-system errors that mean a directory cannot be written. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EISDIR']);

/** The checkpoint directory, made if missing; one that cannot be made or written is unusable (exit 3). */
function checkpointDirectory(dir: string): string {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new CheckpointError(`cannot use the checkpoint directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  if (!fs.statSync(dir).isDirectory()) throw new CheckpointError(`the checkpoint directory ${dir} is not a directory`);
  return path.resolve(dir);
}

/**
 * Runs the engine command once with these arguments (argv[0] and argv[1] are node and the script,
 * as in process.argv) and environment; resolves with the exit status. Errors become one line on
 * stderr, plus a stack trace only for an error nobody expected.
 */
export function runEngineCommand(argv: readonly string[], env: NodeJS.ProcessEnv, io: EngineIo = processIo): Promise<number> {
  return main(argv, env, io).then(
    (code) => code,
    (error: unknown) => {
      const known =
        error instanceof UsageError || error instanceof ProgramError || error instanceof InputError || error instanceof InvalidArgumentError
          ? EXIT.usage
          : error instanceof CheckpointError
            ? EXIT.checkpoint
            : error instanceof FunctionError || error instanceof EngineError
              ? EXIT.failure
              : undefined;
      const message = error instanceof Error ? error.message : String(error);
      io.stderr(`streamcheck-engine: error: ${message}\n`);
      if (known === undefined && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
      return known ?? EXIT.failure;
    },
  );
}
