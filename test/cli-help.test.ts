// What a newcomer reads first: `--version`; help whose every shown default is a value the flag
// accepts (no "(default: 120000)" for a flag that wants a duration, no default named twice); and the
// progress line and the summary counting the same thing, "faults landed", the same way.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-cli-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));
const streamcheck = (args: string[]) => execa('node', [cli, ...args], { cwd: tmp, reject: false, env: { CI: '1' } });

test('--version prints the package version', async (t) => {
  const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V']) {
    const r = await streamcheck([flag]);
    t.is(r.exitCode, 0);
    t.is(r.stdout.trim(), version);
  }
});

test('every default the help shows is accepted by its flag, and none is shown twice', async (t) => {
  for (const command of ['run', 'replay', 'conformance', 'selftest', 'report', 'merge']) {
    const help = await streamcheck([command, '--help']);
    t.is(help.exitCode, 0, help.stderr);
    // Commander wraps a long description onto indented lines: join them to their option.
    for (const line of help.stdout.replace(/\n {20,}(?=\S)(?!-)/g, ' ').split('\n')) {
      t.false((line.match(/\(default:/g) ?? []).length > 1, `${command}: ${line}`);
      const m = /^\s+(--[\w-]+) <[^>]+>.*\(default: ([^)]*)\)/.exec(line);
      if (m === null) continue;
      // A default given in words ("one per core, 2") ends with the value; prose defaults have spaces.
      const value = m[2]!.split(',').at(-1)!.trim();
      if (/\s|<|^"/.test(value) || !/\d/.test(value)) continue;
      const r = await streamcheck([command, m[1]!, value, '--no-such-flag-here']);
      t.notRegex(r.stderr, /is invalid|must be/, `${command} ${m[1]} ${value}: ${r.stderr}`);
    }
  }
});

test('the progress line and the summary count the same faults landed', async (t) => {
  const r = await streamcheck(['run', '--cases', '4', '--seed', '11', '--level', 'L4', '--workers', '2', '--db', path.join(tmp, 'counts.sqlite')]);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  const progress = /4\/4 cases: pass \d+ fail \d+ unknown \d+ skipped \d+, faults landed (\d+)/.exec(r.stderr);
  const summary = /; (\d+) faults? landed, \d+ recovered/.exec(r.stdout);
  t.truthy(progress, r.stderr);
  t.truthy(summary, r.stdout);
  t.is(progress![1], summary![1]);
  t.true(Number(summary![1]) > 0);
});
