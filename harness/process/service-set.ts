// The services a SUT depends on (a database server), as its manifest declares them (PROTOCOL.md §11):
// started in a directory of their own before a suite, stopped after it, and SIGKILLed — the server
// and every process below it, Jepsen-style — then restarted by the service-kill fault. A small state
// machine: a set is running from start() until stop(); kill() is accepted only while it runs.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { serviceDirVariable, type Manifest, type ServiceSpec } from '../protocol/manifest.js';

/** How long a service's start (or restart) command may take, in ms (a first start may initialise a database). */
export const serviceStartTimeoutMs = 120_000;
/** How long its ready command is polled after a start, in ms. */
export const serviceReadyTimeoutMs = 60_000;
/** Pause between two ready polls, in ms. */
export const serviceReadyPollMs = 100;
/** How long a stop command may take, in ms. */
export const serviceStopTimeoutMs = 30_000;
/** How long a SIGKILLed server's processes may take to disappear (be reaped), in ms. */
export const serviceKillGoneMs = 10_000;
/** A command's stderr quoted in an error, at most, in bytes. */
const serviceErrorQuoteBytes = 2_000;

export class ServiceError extends Error {
  override name = 'ServiceError';
}

export interface ServiceKillResult {
  /** True only when the server process was alive and is gone (dead) after the SIGKILL. */
  landed: boolean;
  detail: string;
}

type State = 'running' | 'stopped';

export class ServiceSet {
  private state: State = 'running';
  private constructor(
    private readonly specs: readonly ServiceSpec[],
    private readonly cwd: string,
    private readonly baseEnv: Record<string, string>,
    private readonly dirs: ReadonlyMap<string, string>,
  ) {}

  /** Starts every service of the manifest, in order; null when it declares none. Throws ServiceError (after
   *  stopping those already up) when one does not start. */
  static async start(manifest: Manifest, cwd: string): Promise<ServiceSet | null> {
    const specs = manifest.services ?? [];
    if (specs.length === 0) return null;
    const dirs = new Map<string, string>();
    for (const s of specs) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `streamcheck-service-${s.name}-`));
      // A server that refuses to run as root runs as another user; it must be able to reach its directory.
      fs.chmodSync(dir, 0o755);
      dirs.set(s.name, dir);
    }
    const set = new ServiceSet(specs, cwd, { ...manifest.env }, dirs);
    try {
      for (const s of specs) await set.startOne(s);
    } catch (error) {
      await set.stop();
      throw error;
    }
    return set;
  }

  /** STREAMCHECK_SERVICE_<NAME> for every service: what the SUT's runs get. */
  env(): Record<string, string> {
    return Object.fromEntries([...this.dirs].map(([name, dir]) => [serviceDirVariable(name), dir]));
  }

  names(): string[] {
    return this.specs.map((s) => s.name);
  }

  private commandEnv(s: ServiceSpec): Record<string, string> {
    return { ...this.baseEnv, ...this.env(), STREAMCHECK_SERVICE_DIR: this.dirs.get(s.name)! };
  }

  private async runCommand(s: ServiceSpec, what: 'start' | 'stop' | 'ready', argv: readonly string[], timeoutMs: number): Promise<{ ok: boolean; message: string }> {
    const [bin, ...args] = argv as [string, ...string[]];
    const r = await execa(bin, args, { cwd: this.cwd, env: this.commandEnv(s), extendEnv: true, reject: false, timeout: timeoutMs, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', maxBuffer: 1_000_000 });
    const quote = `${r.stderr}`.slice(0, serviceErrorQuoteBytes).trim();
    return { ok: r.exitCode === 0, message: `service "${s.name}" ${what} (${argv.join(' ')}) ${r.timedOut ? `timed out after ${timeoutMs} ms` : `exited ${r.exitCode ?? r.signal}`}${quote === '' ? '' : `: ${quote}`}` };
  }

  private async startOne(s: ServiceSpec): Promise<void> {
    const started = await this.runCommand(s, 'start', s.start, serviceStartTimeoutMs);
    if (!started.ok) throw new ServiceError(started.message);
    if (s.ready === undefined) return;
    const deadline = Date.now() + serviceReadyTimeoutMs;
    for (;;) {
      const r = await this.runCommand(s, 'ready', s.ready, serviceReadyTimeoutMs);
      if (r.ok) return;
      if (Date.now() >= deadline) throw new ServiceError(`${r.message}; not ready within ${serviceReadyTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, serviceReadyPollMs));
    }
  }

  /** SIGKILLs the service's server and every process below it, waits until they are gone, and starts it again. */
  async kill(name: string): Promise<ServiceKillResult> {
    if (this.state !== 'running') throw new Error(`service-kill of "${name}": the services are ${this.state}`);
    const s = this.specs.find((x) => x.name === name);
    if (s === undefined) throw new Error(`service-kill: no service "${name}" (declared: ${this.names().join(', ')})`);
    const pid = readPid(path.join(this.dirs.get(name)!, s.pidFile));
    let landed = false;
    let detail: string;
    if (pid === null || !alive(pid)) {
      detail = pid === null ? `no pid in ${s.pidFile}` : `server pid ${pid} was not running`;
    } else {
      const victims = [pid, ...descendants(pid)];
      for (const p of victims) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      const deadline = Date.now() + serviceKillGoneMs;
      while (victims.some(present) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      landed = !alive(pid);
      const left = victims.filter(present);
      detail = `SIGKILLed server pid ${pid} and ${victims.length - 1} process(es) below it${landed ? '' : '; the server is still alive'}${left.length === 0 ? '' : `; ${left.length} not yet reaped after ${serviceKillGoneMs} ms`}`;
    }
    // Start it again (it recovers from its own log); a service that cannot come back is the harness's problem, not the SUT's.
    await this.startOne(s);
    return { landed, detail: `${detail}; restarted` };
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    for (const s of [...this.specs].reverse()) {
      const dir = this.dirs.get(s.name)!;
      await this.runCommand(s, 'stop', s.stop, serviceStopTimeoutMs).catch(() => null);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

function readPid(file: string): number | null {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').split('\n')[0]!.trim());
    return Number.isSafeInteger(n) && n > 1 ? n : null;
  } catch {
    return null;
  }
}

/** The process's state letter from /proc (Z for a zombie), or null when it no longer exists. */
function procState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}
/** Running: it exists and is not a zombie (a SIGKILLed process its parent has not reaped yet is dead). */
const alive = (pid: number): boolean => {
  const s = procState(pid);
  return s !== null && s !== 'Z' && s !== 'X';
};
/** Still in the process table, zombie or not (a restarted server may refuse a lock file naming it). */
const present = (pid: number): boolean => procState(pid) !== null;

/** Every process below pid, from /proc's parent links. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // It ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, ppid] of parent) {
      if (ppid === p && !out.includes(child)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}
