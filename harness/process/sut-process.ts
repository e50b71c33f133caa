// One SUT process: spawned by execa from an argv array (never a shell) in its own process group, so
// that a kill takes its children too. A small state machine, running -> exited: kill() is accepted
// only while running, and the exit is classified once. Every group still alive when the harness
// exits is killed, so no SUT process outlives its case or the harness.

import * as readline from 'node:readline';
import type { ResultPromise } from 'execa';
import { parseEventLine, type ParsedLine } from '../protocol/event-line.js';
import { classifyExit, type KillReason, type ProcessExit } from './process-exit.js';
import { endGroup, killGroup, spawnGroupLeader } from './process-group.js';
import type { SutRun } from './sut-run.js';

export interface SpawnOptions {
  /** argv: command[0] is the program. */
  command: readonly string[];
  cwd: string;
  /** Added to the harness's environment. */
  env: Record<string, string>;
  /** Bound on the whole run; the process is SIGKILLed and the exit is `timeout` after it. */
  runTimeoutMs: number;
  /** Called for every stdout line, in order, with the time since spawn. */
  onLine?: (line: ParsedLine, atMs: number) => void;
  stderrTailMaxBytes?: number;
}

type State = { kind: 'running'; killReason: KillReason | null } | { kind: 'exited'; exit: ProcessExit };

export class SutProcess implements SutRun {
  private state: State = { kind: 'running', killReason: null };
  private readonly startedAt = performance.now();
  readonly started = Promise.resolve();
  private readonly exited: Promise<ProcessExit>;
  readonly pid: number | undefined;

  private constructor(private readonly subprocess: ResultPromise, private readonly options: SpawnOptions) {
    this.pid = subprocess.pid;
    this.exited = this.supervise();
  }

  static spawn(options: SpawnOptions): SutProcess {
    const subprocess = spawnGroupLeader('SutProcess.spawn', options.command, options.cwd, options.env, 'ignore');
    return new SutProcess(subprocess, options);
  }

  get status(): 'running' | 'exited' {
    return this.state.kind;
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /** SIGKILLs the whole process group. Accepted only while running; a second kill is refused. */
  kill(reason: KillReason): void {
    if (this.state.kind !== 'running') throw new Error(`SutProcess.kill(${reason}): expected a running process, but it has exited (${this.state.exit.type})`);
    if (this.state.killReason !== null) throw new Error(`SutProcess.kill(${reason}): already killed (${this.state.killReason})`);
    this.state.killReason = reason;
    if (this.pid !== undefined) killGroup(this.pid);
  }

  /** Resolves once with the classified exit, after every stdout line has been delivered. */
  wait(): Promise<ProcessExit> {
    return this.exited;
  }

  private async supervise(): Promise<ProcessExit> {
    const { runTimeoutMs } = this.options;
    const timer = setTimeout(() => {
      if (this.state.kind === 'running' && this.state.killReason === null) this.kill('timeout');
    }, runTimeoutMs);
    const stderrMax = this.options.stderrTailMaxBytes ?? 4096;
    let stderrTail = '';
    this.subprocess.stderr?.setEncoding('utf8');
    this.subprocess.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-stderrMax);
    });
    const linesDone = new Promise<void>((resolve) => {
      if (this.subprocess.stdout === null) return resolve();
      const rl = readline.createInterface({ input: this.subprocess.stdout, crlfDelay: Infinity });
      rl.on('line', (line) => {
        if (line.trim() === '') return;
        this.options.onLine?.(parseEventLine(line), this.elapsedMs());
      });
      rl.on('close', () => resolve());
    });
    const result = await this.subprocess;
    clearTimeout(timer);
    // The leader is gone; anything it left behind in its group goes with it.
    if (this.pid !== undefined) endGroup(this.pid);
    await linesDone;
    const killReason = this.state.kind === 'running' ? this.state.killReason : null;
    const spawnError = this.pid === undefined || (result.failed && result.exitCode === undefined && result.signal === undefined) ? (result.originalMessage ?? result.message ?? 'spawn failed') : null;
    const exit = classifyExit(
      {
        command: this.options.command,
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        durationMs: Math.round(result.durationMs),
        stderrTail,
        spawnError,
      },
      killReason,
    );
    this.state = { kind: 'exited', exit };
    return exit;
  }
}
