// Results where the user is: a suite's database and reports go to ./streamcheck-results/<kind>-<time>/
// under the directory the command ran in (or --out), `latest` points at the newest, `run` always
// writes report.md and report.html and prints their paths, and an invocation refused before its
// suite starts (bad --sut, bad flag, bad manifest) creates nothing at all.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-results-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

const streamcheck = (cwd: string, args: string[]) => execa('node', [cli, ...args], { cwd, reject: false, env: { CI: '1' } });

function scratch(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  return dir;
}

test('a refused invocation exits 2 with one line and leaves the current directory empty', async (t) => {
  const cwd = scratch('refused');
  fs.writeFileSync(path.join(cwd, 'bad.manifest.json'), '{"name": 1}');
  const attempts = [
    ['run', '--sut', 'missing.manifest.json'],
    ['run', '--sut', 'bad.manifest.json'],
    ['run', '--cases', 'many'],
    ['run', '--level', 'L9'],
    ['conformance', '--sut', 'missing.manifest.json'],
    ['selftest', '--bugs', 'no-such-bug'],
  ];
  for (const args of attempts) {
    const r = await streamcheck(cwd, args);
    t.is(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  t.deepEqual(fs.readdirSync(cwd), ['bad.manifest.json']);
});

test('run writes the database, report.md and report.html under ./streamcheck-results, prints their paths, and links latest', async (t) => {
  const cwd = scratch('run');
  const first = await streamcheck(cwd, ['run', '--cases', '2', '--seed', '4', '--workers', '1', '--level', 'L1']);
  t.is(first.exitCode, 0, first.stdout + first.stderr);
  const second = await streamcheck(cwd, ['run', '--cases', '2', '--seed', '5', '--workers', '1', '--level', 'L1']);
  t.is(second.exitCode, 0, second.stdout + second.stderr);
  const results = path.join(cwd, 'streamcheck-results');
  const suites = fs.readdirSync(results).filter((n) => n !== 'latest').sort();
  t.is(suites.length, 2);
  for (const s of suites) t.regex(s, /^run-\d{4}-\d\d-\d\dT/);
  t.is(fs.readlinkSync(path.join(results, 'latest')), suites[1]!);
  for (const f of ['streamcheck.sqlite', 'report.md', 'report.html']) t.true(fs.existsSync(path.join(results, 'latest', f)), f);
  t.true(second.stdout.includes(`report: ${path.join('streamcheck-results', suites[1]!, 'report.md')}`), second.stdout);
  t.true(second.stdout.includes(`html report: ${path.join('streamcheck-results', suites[1]!, 'report.html')}`), second.stdout);
  t.false(fs.existsSync(path.join(root, 'streamcheck-results', suites[1]!)), 'nothing inside the package');
});

test('--out names the results folder', async (t) => {
  const cwd = scratch('out');
  const r = await streamcheck(cwd, ['run', '--cases', '1', '--seed', '6', '--workers', '1', '--level', 'L1', '--out', 'elsewhere']);
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  t.deepEqual(fs.readdirSync(cwd), ['elsewhere']);
  t.true(fs.existsSync(path.join(cwd, 'elsewhere', 'latest', 'report.html')));
});
