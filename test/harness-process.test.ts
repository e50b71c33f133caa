// The SUT process wrapper classifies every exit, delivers every stdout line, and leaves no process
// behind (a hanging SUT with a child of its own is killed, child included).

import * as fs from 'node:fs';
import test from 'ava';
import { SutProcess, type SpawnOptions } from '../harness/process/sut-process.js';
import type { ParsedLine } from '../harness/protocol/event-line.js';

const node = (script: string, extra: Partial<SpawnOptions> = {}): SutProcess =>
  SutProcess.spawn({ command: [process.execPath, '-e', script], cwd: process.cwd(), env: {}, runTimeoutMs: 5_000, ...extra });

const alive = (pid: number): boolean => {
  // A killed process nobody reaped yet (a zombie) is not alive.
  try {
    if (/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"))) return false;
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('exit 0 is clean; stdout lines become events or garbage, in order', async (t) => {
  const lines: ParsedLine[] = [];
  const p = node('console.log(JSON.stringify({event:"start"})); console.log("oops"); console.log(JSON.stringify({event:"done",crashPoints:2}))', {
    onLine: (l) => lines.push(l),
  });
  const exit = await p.wait();
  t.is(exit.type, 'clean');
  t.deepEqual(lines.map((l) => l.kind), ['event', 'garbage', 'event']);
  t.is(p.status, 'exited');
  t.throws(() => p.kill('fault'), { message: /expected a running process/ });
});

test('non-zero exit keeps the code and the stderr tail', async (t) => {
  const exit = await node('process.stderr.write("bad thing\\n"); process.exit(3)').wait();
  t.is(exit.type, 'nonzero-exit');
  t.is(exit.exitCode, 3);
  t.regex(exit.stderrTail, /bad thing/);
});

test('a process that SIGKILLs itself (a crash point) is a signal exit', async (t) => {
  const exit = await node('process.kill(process.pid, "SIGKILL")').wait();
  t.is(exit.type, 'signal');
  t.is(exit.signal, 'SIGKILL');
  t.false(exit.killedByHarness);
});

test('a planned kill is killed-by-harness', async (t) => {
  const p = node('setInterval(() => {}, 1000)');
  await new Promise((r) => setTimeout(r, 200));
  p.kill('fault');
  const exit = await p.wait();
  t.is(exit.type, 'killed-by-harness');
  t.true(exit.killedByHarness);
});

test('a hanging SUT is killed after runTimeoutMs, its child too', async (t) => {
  let childPid = 0;
  const p = node(
    'const c = require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {stdio: "ignore"}); console.log(JSON.stringify({event:"child", pid: c.pid})); setInterval(() => {}, 1000)',
    { runTimeoutMs: 3_000, onLine: (l) => { if (l.kind === 'event') childPid = l.event.pid as number; } },
  );
  const exit = await p.wait();
  t.is(exit.type, 'timeout');
  t.true(exit.timedOut);
  t.true(exit.durationMs >= 3_000);
  t.not(childPid, 0);
  await new Promise((r) => setTimeout(r, 100));
  t.false(alive(childPid), 'the child of the hanging SUT outlived it');
});

test('a command that does not exist is a nonzero exit naming the error', async (t) => {
  const exit = await SutProcess.spawn({ command: ['/nonexistent/sut'], cwd: process.cwd(), env: {}, runTimeoutMs: 1_000 }).wait();
  t.is(exit.type, 'nonzero-exit');
  t.not(exit.spawnError, null);
});
