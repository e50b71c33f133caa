// Process groups the harness has started and not yet seen end. Every SUT process leads its own group
// (spawned detached), so one SIGKILL to the group takes the SUT and whatever it started; when the
// harness exits, every group still alive is killed, so no SUT process outlives the harness's run.
// Containment, in the one mode this machine's kernels allow for every SUT (see PROTOCOL.md §2): a
// process group, the parent-death signal (setpriv --pdeathsig KILL, so a SIGKILLed harness takes its
// SUTs with it), and a marker variable in every SUT's environment that survivorSweep looks for in
// /proc, which finds the children that left the group (setsid) and kills them.
// (A PID namespace per SUT, unshare --pid --fork, is not used: the SUT would be the namespace's init,
// which the kernel protects from its own SIGKILL, so a crash point could never crash it.)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa, type ResultPromise } from 'execa';

/** The environment variable that marks every process a SUT starts: <harness pid>:<group number>. */
export const SUT_MARKER_VARIABLE = 'STREAMCHECK_SUT_MARKER';

const SETPRIV = '/usr/bin/setpriv';
const setprivAvailable = ((): boolean => {
  try {
    fs.accessSync(SETPRIV, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

/** How SUT processes are contained here, for the CLI's header. */
export function containmentMode(): string {
  return `process group${setprivAvailable ? ' + parent-death signal (setpriv)' : ''} + survivor sweep by ${SUT_MARKER_VARIABLE} in /proc`;
}

const executableCache = new Map<string, boolean>();
/** Whether argv[0] names an executable file (directly or on PATH); only those get the setpriv wrapper, so a
 *  command that does not exist still fails to spawn, with its own error. */
function isExecutable(file: string, cwd: string, env: Record<string, string>): boolean {
  const key = `${cwd}\0${file}`;
  const cached = executableCache.get(key);
  if (cached !== undefined) return cached;
  const candidates = file.includes('/') ? [path.resolve(cwd, file)] : (env.PATH ?? process.env.PATH ?? '').split(':').filter(Boolean).map((d) => path.join(d, file));
  const found = candidates.some((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
  executableCache.set(key, found);
  return found;
}

let groupsStarted = 0;

/** Starts argv (never through a shell) as the leader of a new process group, tracked until endGroup. */
export function spawnGroupLeader(who: string, command: readonly string[], cwd: string, env: Record<string, string>, stdin: 'ignore' | 'pipe'): ResultPromise {
  if (command.length === 0) throw new Error(`${who}: expected a non-empty argv array, received []`);
  const marker = `${process.pid}:${++groupsStarted}`;
  const argv = setprivAvailable && isExecutable(command[0]!, cwd, env) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...command] : command;
  const [file, ...args] = argv as [string, ...string[]];
  const subprocess = execa(file, args, {
    cwd,
    env: { ...env, [SUT_MARKER_VARIABLE]: marker },
    extendEnv: true,
    stdin,
    buffer: false,
    reject: false,
    detached: true,
    // Our own exit hook kills the group; execa's cleanup does not apply to detached processes.
    cleanup: false,
  });
  if (subprocess.pid !== undefined) trackGroup(subprocess.pid, marker);
  return subprocess;
}

const liveGroups = new Map<number, string>();
let exitHookInstalled = false;

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Remembers a group (and its marker) until endGroup; the first call installs the exit hook that kills them. */
function trackGroup(pid: number, marker: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of liveGroups.keys()) killGroup(group);
      // Every group is dead now: whatever still carries one of their markers left its group.
      liveGroups.clear();
      survivorSweep();
    });
  }
  liveGroups.set(pid, marker);
}

/** Kills what is left of a group whose leader has exited, and forgets it. */
export function endGroup(pid: number): void {
  killGroup(pid);
  liveGroups.delete(pid);
}

/** Groups still alive (tests: nothing may be left once a suite has ended). */
export function liveGroupCount(): number {
  return liveGroups.size;
}

/** A process a SUT started that outlived its group (it called setsid), or that a dead harness left. */
export interface Survivor {
  pid: number;
  marker: string;
  command: string;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Reads /proc once: kills and returns every marked process whose group has ended (this harness's) or whose
 *  harness is dead (orphans: a harness SIGKILLed while its SUT ran); processes of live groups are left. */
export function survivorSweep(): Survivor[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const live = new Set(liveGroups.values());
  const needle = Buffer.from(`\0${SUT_MARKER_VARIABLE}=`);
  const found: Survivor[] = [];
  for (const name of entries) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${name}/environ`)]);
    } catch {
      continue;
    }
    const at = environ.indexOf(needle);
    if (at === -1) continue;
    const end = environ.indexOf(0, at + needle.length);
    const marker = environ.toString('utf8', at + needle.length, end === -1 ? environ.length : end);
    const harnessPid = Number(marker.split(':')[0]);
    const ours = harnessPid === process.pid;
    if (ours ? live.has(marker) : processAlive(harnessPid)) continue;
    let command = '';
    try {
      command = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200);
    } catch {
      // gone already
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue;
    }
    found.push({ pid, marker, command });
  }
  return found;
}
