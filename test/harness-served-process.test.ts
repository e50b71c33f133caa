// Serve mode (PROTOCOL.md §9) from the harness's side: a serving process takes runs one at a time
// after its ready line; a run that ends with run-end is a clean exit and leaves the process for the
// next first start; any other ending is the death of the process, classified as a one-run process's
// would be; a restart always gets a process that has served nothing; bounds still hold.

import test from 'ava';
import type { ParsedLine } from '../harness/protocol/event-line.js';
import { ProcessPool } from '../harness/process/process-pool.js';
import type { RunRequest } from '../harness/process/sut-run.js';

// A serving SUT in a few lines: MODE picks what a run does; every run reports the pid serving it.
const SERVER = `
const rl = require('readline').createInterface({ input: process.stdin });
if (process.env.NO_READY !== '1') console.log(JSON.stringify({ event: 'ready' }));
rl.on('line', (line) => {
  const r = JSON.parse(line);
  console.log(JSON.stringify({ event: 'served', pid: process.pid, run: r.run }));
  switch (r.env.MODE) {
    case 'ok': console.log(JSON.stringify({ event: 'run-end', run: r.run, exitCode: 0 })); break;
    case 'fail': process.stderr.write('bad program\\n'); process.exit(3);
    case 'crash': process.kill(process.pid, 'SIGKILL'); break;
    case 'hang': break;
  }
});`;

// Every pool is closed when the test file ends, whatever its assertions did: a serving process left
// open would keep the test worker from exiting.
const pools: ProcessPool[] = [];
test.after.always(() => Promise.all(pools.map((p) => p.close())));

function pool(env: Record<string, string> = {}): ProcessPool {
  const p = new ProcessPool({ command: [process.execPath, '-e', SERVER], cwd: process.cwd(), env, freshSparesMax: 1, runsPerProcessMax: 3, usedIdleMax: 1 });
  pools.push(p);
  return p;
}

async function run(p: ProcessPool, mode: string, restart = false, extra: Partial<RunRequest> = {}) {
  const lines: ParsedLine[] = [];
  const r = p.start({ env: { MODE: mode }, runTimeoutMs: 5_000, onLine: (l) => lines.push(l), restart, ...extra });
  const exit = await r.wait();
  const served = lines.find((l) => l.kind === 'event' && l.event.event === 'served');
  return { exit, lines, pid: served?.kind === 'event' ? (served.event.pid as number) : null, run: r };
}

test('runs that end with run-end are clean and share a process; the run-end line is not a run event', async (t) => {
  const p = pool();
  const a = await run(p, 'ok');
  const b = await run(p, 'ok');
  t.is(a.exit.type, 'clean');
  t.is(b.exit.type, 'clean');
  t.is(a.pid, b.pid);
  t.deepEqual(b.lines.map((l) => (l.kind === 'event' ? l.event.event : 'garbage')), ['served']);
  t.is(p.stats.runsInUsedProcess, 1);
  await p.close();
});

test('a run that exits non-zero or SIGKILLs itself ends its process, classified as a one-run process would be', async (t) => {
  const p = pool();
  const failed = await run(p, 'fail');
  t.is(failed.exit.type, 'nonzero-exit');
  t.is(failed.exit.exitCode, 3);
  t.regex(failed.exit.stderrTail, /bad program/);
  const crashed = await run(p, 'crash');
  t.is(crashed.exit.type, 'signal');
  t.is(crashed.exit.signal, 'SIGKILL');
  t.not(crashed.pid, failed.pid);
  await p.close();
});

test('a restart runs in a process that has served no run, never in one that has', async (t) => {
  const p = pool();
  const used = new Set<number>();
  for (let i = 0; i < 4; i++) used.add((await run(p, 'ok')).pid!);
  for (let i = 0; i < 3; i++) {
    const restart = await run(p, 'ok', true);
    t.is(restart.exit.type, 'clean');
    t.false(used.has(restart.pid!), `restart ${i} ran in process ${restart.pid}, which had served runs`);
    used.add(restart.pid!);
  }
  await p.close();
});

test('a restart finds its fresh process started ahead of time, once the spare has had time to start', async (t) => {
  const p = pool();
  await run(p, 'ok', true);
  t.is(p.stats.runsWaitingForReady, 1, 'the first run waited: nothing had been started yet');
  // The spare started when the first run took its process; wait (bounded) until it has said ready.
  const deadline = performance.now() + 10_000;
  while (p.readySpares < 1 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.is(p.readySpares, 1);
  await run(p, 'ok', true);
  t.is(p.stats.runsWaitingForReady, 1, 'the restart ran in the spare, already started');
  await p.close();
});

test('a run of restarts leaves no more than usedIdleMax used processes waiting, however many it served', async (t) => {
  const p = pool();
  for (let i = 0; i < 6; i++) t.is((await run(p, 'ok', true)).exit.type, 'clean');
  // The ended ones are gone once their exit has been seen; wait for it, within a bound.
  const deadline = performance.now() + 5_000;
  while (p.aliveCount > 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // One fresh spare and one used process; the other five used processes were ended.
  t.is(p.aliveCount, 2);
  t.is(p.stats.processesStarted, 7);
  await p.close();
});

test('a planned kill is killed-by-harness; a hanging run is killed at its bound; both take the process', async (t) => {
  const p = pool();
  const r = p.start({ env: { MODE: 'hang' }, runTimeoutMs: 5_000, restart: false });
  await r.started;
  r.kill('fault');
  t.is((await r.wait()).type, 'killed-by-harness');
  t.throws(() => r.kill('fault'), { message: /has ended/ });
  const t0 = performance.now();
  const hung = await run(p, 'hang', false, { runTimeoutMs: 300 });
  t.is(hung.exit.type, 'timeout');
  // The bound counts from the start() call, waiting for ready included; durationMs from the request.
  // (A timer may fire a millisecond before performance.now() says its delay has passed.)
  t.true(performance.now() - t0 >= 295);
  t.true(hung.exit.durationMs <= performance.now() - t0 + 1, 'durationMs is rounded to the millisecond');
  await p.close();
});

test('a serving process that never says ready: the run never begins and ends at its bound', async (t) => {
  const p = pool({ NO_READY: '1' });
  const r = await run(p, 'ok', false, { runTimeoutMs: 400 });
  t.is(r.exit.type, 'timeout');
  t.is(r.pid, null, 'no request was sent');
  t.is(r.exit.durationMs, 0, 'the run never began');
  await p.close();
});

test('closing the pool kills a serving process that ignores the end of its stdin, after a grace period', async (t) => {
  const p = new ProcessPool({ command: [process.execPath, '-e', `${SERVER}; process.stdin.on('end', () => {}); setInterval(() => {}, 1000);`], cwd: process.cwd(), env: {}, freshSparesMax: 1, runsPerProcessMax: 3, usedIdleMax: 1 });
  pools.push(p);
  t.is((await run(p, 'ok')).exit.type, 'clean');
  const t0 = performance.now();
  await p.close(300);
  t.true(performance.now() - t0 >= 290, 'it waited for the grace period');
  t.true(performance.now() - t0 < 5_000);
});
