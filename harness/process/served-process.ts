// A serving SUT process (PROTOCOL.md §9): started ahead of time from the manifest's serve.command,
// in its own process group, it prints a ready line once it has started, then runs one request at a
// time from its stdin; a request waits for the ready line, so a run's clock (and a kill-after
// fault's delay) starts at its request, never during process start-up. A run ends with the SUT's
// run-end line (a clean exit, and the process is free for another run) or with the death of the
// process (classified as the death of a one-run process would be). A small state machine:
// idle -> busy -> idle | dead, and idle -> dead when it is closed or dies between runs.

import type { ResultPromise } from 'execa';
import { parseEventLine } from '../protocol/event-line.js';
import { readBoundedLines } from './bounded-lines.js';
import { DEFAULT_OUTPUT_BOUNDS, OutputBudget, type OutputBounds, type OutputBreach } from './output-bounds.js';
import { classifyExit, type KillReason, type ProcessExit } from './process-exit.js';
import { endGroup, killGroup, spawnGroupLeader } from './process-group.js';
import { processEnded, type ProcessEnd } from './process-ended.js';
import { drained } from './stdout-drained.js';
import type { RunRequest, SutRun } from './sut-run.js';

export interface ServeOptions {
  /** argv of the serving command: command[0] is the program. */
  command: readonly string[];
  cwd: string;
  /** Added to the harness's environment (the manifest's env). */
  env: Record<string, string>;
  /** The process's own bounds (its stdout line length, its stderr tail, its drain); a run's counts use the run's. */
  outputBounds?: OutputBounds;
}

export class ServedProcess {
  private current: ServedRun | null = null;
  private end: ProcessEnd | null = null;
  private runsStarted = 0;
  private ready = false;
  private stderrTail = '';
  /** A line past stdoutLineMaxBytes the process printed before any run (while starting): it was
   *  killed for it, and the run it is given reports that breach, not a death without a cause. */
  private tooLongBeforeRun: number | null = null;
  private readonly bounds: OutputBounds;
  readonly pid: number | undefined;
  /** Resolves when the process has exited and its last run (if any) has ended. */
  readonly ended: Promise<void>;
  /** Called when a run ended cleanly and the process can take another. */
  onIdle: ((p: ServedProcess) => void) | null = null;

  private constructor(private readonly subprocess: ResultPromise, readonly options: ServeOptions) {
    this.pid = subprocess.pid;
    this.bounds = options.outputBounds ?? DEFAULT_OUTPUT_BOUNDS;
    this.ended = this.supervise();
  }

  static spawn(options: ServeOptions): ServedProcess {
    const subprocess = spawnGroupLeader('ServedProcess.spawn', options.command, options.cwd, options.env, 'pipe');
    // A process that died cannot read its requests; its death is what the run reports, not EPIPE.
    subprocess.stdin?.on('error', () => {});
    return new ServedProcess(subprocess, options);
  }

  get state(): 'idle' | 'busy' | 'dead' {
    return this.end !== null ? 'dead' : this.current !== null ? 'busy' : 'idle';
  }

  /** Whether the process has printed its ready line (a run given to it now starts at once). */
  get isReady(): boolean {
    return this.ready;
  }

  /** Runs started in this process so far (0: a fresh process). */
  get runs(): number {
    return this.runsStarted;
  }

  /** Sends one run request. Accepted only while idle. */
  run(request: RunRequest): SutRun {
    if (this.state !== 'idle') throw new Error(`ServedProcess.run: expected an idle process, but it is ${this.state}`);
    const id = ++this.runsStarted;
    this.stderrTail = '';
    const run = new ServedRun(this, id, request);
    this.current = run;
    if (this.tooLongBeforeRun !== null) run.lineTooLong(this.tooLongBeforeRun);
    else if (this.ready) this.send(run);
    return run;
  }

  private send(run: ServedRun): void {
    run.begin();
    this.subprocess.stdin?.write(`${JSON.stringify({ request: 'run', run: run.id, env: run.env })}\n`);
  }

  /** Ends stdin: an idle serving process exits 0. */
  close(): void {
    this.subprocess.stdin?.end();
  }

  kill(): void {
    if (this.pid !== undefined && this.end === null) killGroup(this.pid);
  }

  exitFor(run: ServedRun, end: ProcessEnd | 'run-end', killReason: KillReason | null): ProcessExit {
    const fields = end === 'run-end' ? { exitCode: 0, signal: null, spawnError: null } : end;
    return classifyExit({ command: this.options.command, ...fields, durationMs: run.elapsedMs(), stderrTail: this.stderrTail }, killReason, run.breach?.detail ?? null);
  }

  private finishRun(run: ServedRun, how: ProcessEnd | 'run-end'): void {
    if (this.current !== run) return;
    this.current = null;
    run.finish(how);
    if (how === 'run-end' && this.state === 'idle') this.onIdle?.(this);
  }

  private async supervise(): Promise<void> {
    const max = this.bounds.stderrTailMaxBytes;
    this.subprocess.stderr?.setEncoding('utf8');
    this.subprocess.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk.slice(-max)).slice(-max);
    });
    const onLine = (line: string, bytes: number): void => {
      if (!this.ready) {
        // Anything before the ready line belongs to no run.
        const parsed = parseEventLine(line);
        if (parsed.kind === 'event' && parsed.event.event === 'ready') {
          this.ready = true;
          if (this.current !== null) this.send(this.current);
        }
        return;
      }
      const run = this.current;
      if (run === null || !run.count(bytes) || line.trim() === '') return;
      const parsed = parseEventLine(line);
      if (parsed.kind === 'event' && parsed.event.event === 'run-end' && parsed.event.run === run.id) {
        // A run the harness has killed ends with the process's death, as a one-run process's would.
        if (!run.killed) this.finishRun(run, 'run-end');
        return;
      }
      run.deliver(parsed);
    };
    const linesDone =
      this.subprocess.stdout === null
        ? Promise.resolve()
        : readBoundedLines(this.subprocess.stdout, this.bounds.stdoutLineMaxBytes, {
            onLine,
            onTooLong: (seen) => {
              if (this.current !== null) this.current.lineTooLong(seen);
              else {
                this.tooLongBeforeRun = seen;
                this.kill();
              }
            },
          });
    // The process's end is its exit, not the close of its stdout (a child may hold that open).
    const end = await processEnded(this.subprocess);
    if (this.pid !== undefined) endGroup(this.pid);
    await drained(linesDone, this.bounds.stdoutDrainMs, () => {
      this.subprocess.stdout?.destroy();
      this.subprocess.stderr?.destroy();
    });
    this.end = end;
    if (this.current !== null) this.finishRun(this.current, this.end);
  }
}

class ServedRun implements SutRun {
  private startedAt: number | null = null;
  private resolveStarted!: () => void;
  readonly started = new Promise<void>((resolve) => (this.resolveStarted = resolve));
  private killReason: KillReason | null = null;
  private exit: ProcessExit | null = null;
  private resolveExit!: (e: ProcessExit) => void;
  private readonly exited = new Promise<ProcessExit>((resolve) => (this.resolveExit = resolve));
  private readonly timer: NodeJS.Timeout;
  private readonly budget: OutputBudget;

  constructor(private readonly proc: ServedProcess, readonly id: number, private readonly request: RunRequest) {
    this.budget = new OutputBudget(request.outputBounds ?? DEFAULT_OUTPUT_BOUNDS);
    this.timer = setTimeout(() => {
      if (this.exit === null && this.killReason === null) this.kill('timeout');
    }, request.runTimeoutMs);
  }

  get status(): 'running' | 'exited' {
    return this.exit === null ? 'running' : 'exited';
  }

  /** The output bound this run went past (its process was killed for it), or null. */
  get breach(): OutputBreach | null {
    return this.budget.breach;
  }

  /** Counts a stdout line against the run's bounds; false once a bound is passed (the line is dropped). */
  count(bytes: number): boolean {
    if (this.budget.breach !== null) return false;
    if (this.budget.count(bytes) !== null) this.overLimit();
    return this.budget.breach === null;
  }

  lineTooLong(seenBytes: number): void {
    if (this.budget.lineTooLong(seenBytes) !== null) this.overLimit();
  }

  private overLimit(): void {
    if (this.exit === null && this.killReason === null) this.kill('limit');
  }

  get killed(): boolean {
    return this.killReason !== null;
  }

  get env(): Record<string, string> {
    return this.request.env;
  }

  /** The request is being sent: the run's clock starts. */
  begin(): void {
    this.startedAt = performance.now();
    this.resolveStarted();
  }

  elapsedMs(): number {
    return this.startedAt === null ? 0 : Math.round(performance.now() - this.startedAt);
  }

  kill(reason: KillReason): void {
    if (this.exit !== null) throw new Error(`ServedRun.kill(${reason}): expected a running run, but it has ended (${this.exit.type})`);
    if (this.killReason !== null) throw new Error(`ServedRun.kill(${reason}): already killed (${this.killReason})`);
    this.killReason = reason;
    this.proc.kill();
  }

  wait(): Promise<ProcessExit> {
    return this.exited;
  }

  deliver(line: ReturnType<typeof parseEventLine>): void {
    this.request.onLine?.(line, this.elapsedMs());
  }

  finish(how: ProcessEnd | 'run-end'): void {
    clearTimeout(this.timer);
    this.exit = this.proc.exitFor(this, how, this.killReason);
    this.resolveExit(this.exit);
  }
}
