// SIGKILL of a service the SUT depends on (its database server), Jepsen-style: delayMs into a start
// of the SUT, the server and every process below it die at an instant neither chooses, in the middle
// of the SUT's transactions or between them; or just before a start (between runs), so the SUT
// recovers against a server that has just recovered itself. The harness then restarts the server
// (it recovers from its own log) and the SUT must recover exactly. Landed only when the server's
// process is gone afterwards and, for a kill during a start, the SUT was still running at the kill.

import type { ServiceSet } from '../process/service-set.js';
import type { SutRun } from '../process/sut-run.js';

export interface ServiceKillOutcome {
  injected: boolean;
  /** Ms since the start began when the server was killed, or null when it was not. */
  atMs: number | null;
  detail: string;
}

export interface ArmedServiceKill {
  /** Cancels a kill not yet fired (the run ended first). */
  disarm(): void;
  /** Resolves once the kill and the server's restart are over (or at once when it never fired): the next start waits for it. */
  outcome(): Promise<ServiceKillOutcome>;
}

/** The kill between runs: before the start, with no SUT process running. */
export async function killServiceBefore(services: ServiceSet | undefined, service: string): Promise<ServiceKillOutcome> {
  if (services === undefined) return { injected: false, atMs: null, detail: `no service "${service}" is running (the harness did not start the manifest's services)` };
  const r = await services.kill(service);
  return { injected: r.landed, atMs: r.landed ? 0 : null, detail: `between runs: ${r.detail}` };
}

export function armServiceKill(proc: SutRun, services: ServiceSet | undefined, service: string, delayMs: number): ArmedServiceKill {
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`service-kill fault: expected a non-negative delay in ms, received ${delayMs}`);
  if (services === undefined) {
    return { disarm: () => {}, outcome: async () => ({ injected: false, atMs: null, detail: `no service "${service}" is running (the harness did not start the manifest's services)` }) };
  }
  let timer: NodeJS.Timeout | undefined;
  let disarmed = false;
  let fired: Promise<ServiceKillOutcome> | null = null;
  void proc.started.then(() => {
    if (disarmed) return;
    timer = setTimeout(() => {
      if (proc.status !== 'running') return;
      const atMs = proc.elapsedMs();
      fired = services.kill(service).then((r) => ({ injected: r.landed, atMs: r.landed ? atMs : null, detail: r.detail }));
    }, delayMs);
  });
  return {
    disarm: () => {
      disarmed = true;
      clearTimeout(timer);
    },
    outcome: async () => fired ?? { injected: false, atMs: null, detail: `the start had ended before the kill was due (${delayMs} ms)` },
  };
}
