// One SUT process: spawned by execa from an argv array (never a shell) in its own process group, so
// that a kill takes its children too. A small state machine, running -> exited: kill() is accepted
// only while running, and the exit is classified once. Every group still alive when the harness
// exits is killed, so no SUT process outlives its case or the harness. Its stdout is read within the
// start's OutputBounds; past one the start is killed and the exit says which bound (overLimit).

import type { ResultPromise } from 'execa';
import { parseEventLine, type ParsedLine } from '../protocol/event-line.js';
import { readBoundedLines } from './bounded-lines.js';
import { DEFAULT_OUTPUT_BOUNDS, OutputBudget, type OutputBounds, type OutputBreach } from './output-bounds.js';
import { classifyExit, type KillReason, type ProcessExit } from './process-exit.js';
import { endGroup, killGroup, spawnGroupLeader } from './process-group.js';
import { processEnded, type ProcessEnd } from './process-ended.js';
import { drained } from './stdout-drained.js';
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
  /** What the start may write (default DEFAULT_OUTPUT_BOUNDS); past a bound it is killed, see breach. */
  outputBounds?: OutputBounds;
}

type State = { kind: 'running'; killReason: KillReason | null } | { kind: 'exited'; exit: ProcessExit };

export class SutProcess implements SutRun {
  private state: State = { kind: 'running', killReason: null };
  private readonly startedAt = performance.now();
  readonly started = Promise.resolve();
  private readonly exited: Promise<ProcessExit>;
  readonly pid: number | undefined;
  private readonly budget: OutputBudget;

  private constructor(private readonly subprocess: ResultPromise, private readonly options: SpawnOptions) {
    this.pid = subprocess.pid;
    this.budget = new OutputBudget(options.outputBounds ?? DEFAULT_OUTPUT_BOUNDS);
    this.exited = this.supervise();
  }

  /** The output bound this start went past (it was killed for it), or null. */
  get breach(): OutputBreach | null {
    return this.budget.breach;
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

  private overLimit(breach: OutputBreach | null): void {
    if (breach !== null && this.state.kind === 'running' && this.state.killReason === null) this.kill('limit');
  }

  private async supervise(): Promise<ProcessExit> {
    const { runTimeoutMs } = this.options;
    const bounds = this.budget.bounds;
    const timer = setTimeout(() => {
      if (this.state.kind === 'running' && this.state.killReason === null) this.kill('timeout');
    }, runTimeoutMs);
    let stderrTail = '';
    this.subprocess.stderr?.setEncoding('utf8');
    this.subprocess.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk.slice(-bounds.stderrTailMaxBytes)).slice(-bounds.stderrTailMaxBytes);
    });
    const linesDone =
      this.subprocess.stdout === null
        ? Promise.resolve()
        : readBoundedLines(this.subprocess.stdout, bounds.stdoutLineMaxBytes, {
            onLine: (line, bytes) => {
              if (this.budget.breach !== null) return;
              this.overLimit(this.budget.count(bytes));
              if (this.budget.breach !== null || line.trim() === '') return;
              this.options.onLine?.(parseEventLine(line), this.elapsedMs());
            },
            onTooLong: (seen) => this.overLimit(this.budget.lineTooLong(seen)),
          });
    // The run ends when the process ends, not when its stdout closes: a child that keeps stdout open
    // must not turn a finished start into a timeout.
    const end: ProcessEnd = await processEnded(this.subprocess);
    clearTimeout(timer);
    // The leader is gone; anything it left behind in its group goes with it.
    if (this.pid !== undefined) endGroup(this.pid);
    await drained(linesDone, bounds.stdoutDrainMs, () => {
      this.subprocess.stdout?.destroy();
      this.subprocess.stderr?.destroy();
    });
    const killReason = this.state.kind === 'running' ? this.state.killReason : null;
    const exit = classifyExit({ command: this.options.command, ...end, durationMs: this.elapsedMs(), stderrTail }, killReason, this.budget.breach?.detail ?? null);
    this.state = { kind: 'exited', exit };
    return exit;
  }
}
