// Process groups the harness has started and not yet seen end. Every SUT process leads its own group
// (spawned detached), so one SIGKILL to the group takes the SUT and whatever it started; when the
// harness exits, every group still alive is killed, so no SUT process outlives the harness's run.

import { execa, type ResultPromise } from 'execa';

/** Starts argv (never through a shell) as the leader of a new process group, tracked until endGroup. */
export function spawnGroupLeader(who: string, command: readonly string[], cwd: string, env: Record<string, string>, stdin: 'ignore' | 'pipe'): ResultPromise {
  if (command.length === 0) throw new Error(`${who}: expected a non-empty argv array, received []`);
  const [file, ...args] = command as [string, ...string[]];
  const subprocess = execa(file, args, {
    cwd,
    env,
    extendEnv: true,
    stdin,
    buffer: false,
    reject: false,
    detached: true,
    // Our own exit hook kills the group; execa's cleanup does not apply to detached processes.
    cleanup: false,
  });
  if (subprocess.pid !== undefined) trackGroup(subprocess.pid);
  return subprocess;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Remembers a group until forgetGroup; the first call installs the exit hook that kills them. */
export function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of liveGroups) killGroup(group);
    });
  }
  liveGroups.add(pid);
}

/** Kills what is left of a group whose leader has exited, and forgets it. */
export function endGroup(pid: number): void {
  killGroup(pid);
  liveGroups.delete(pid);
}
