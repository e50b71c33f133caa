// The package as others install it: `npm pack` holds what a user needs and no tests, bench, CI or
// fixtures; installed into a scratch project it runs a suite through `npx streamcheck` (results in
// the scratch project, a printed replay line that runs there as printed) and through the typed API
// (`import { runSuite, readResults } from 'streamcheck'`). The install is offline: the package's
// runtime dependencies are linked from this checkout's node_modules (only those in "dependencies",
// so a module the package needs at run time but lists as a devDependency fails to load), then
// `npm install <tarball> --offline` puts the package and its bin in place as for any user.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { execa } from 'execa';
import { suiteReport } from '../reports/suite-report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; private?: boolean };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-package-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Bound on npm pack and npm install (both offline). */
const npmTimeoutMs = 180_000;

let packed: Promise<{ tarball: string; files: string[]; bytes: number }> | undefined;
function pack(): Promise<{ tarball: string; files: string[]; bytes: number }> {
  // --ignore-scripts: the build (prepare) already ran before the tests.
  packed ??= execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, timeout: npmTimeoutMs }).then((r) => {
    const [info] = JSON.parse(r.stdout) as { filename: string; size: number; files: { path: string }[] }[];
    return { tarball: path.join(tmp, info!.filename), files: info!.files.map((f) => f.path), bytes: info!.size };
  });
  return packed;
}

let installed: Promise<string> | undefined;
function scratchProject(): Promise<string> {
  installed ??= (async () => {
    const { tarball } = await pack();
    const dir = path.join(tmp, 'scratch');
    fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    for (const name of Object.keys(pkg.dependencies)) {
      fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
      fs.symlinkSync(path.join(root, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
    }
    await execa('npm', ['install', tarball, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, timeout: npmTimeoutMs });
    return dir;
  })();
  return installed;
}

test('the tarball is publishable and holds no tests, bench, CI, fixtures or engine snapshot blob', async (t) => {
  t.not(pkg.private, true);
  const { files, bytes } = await pack();
  t.log(`${files.length} files, ${(bytes / 1e3).toFixed(0)} kB packed`);
  for (const f of files) t.false(/^(test|bench|tools|examples|\.ci|\.github)\/|^dist\/(test|bench|tools)\/|fixtures|\.map$|engine\.blob$/.test(f), f);
  for (const needed of ['dist/harness/cli/streamcheck.js', 'dist/index.js', 'dist/index.d.ts', 'dist/snapshot/engine-snapshot.cjs', 'harness/protocol/reference-engine.manifest.json', 'harness/protocol/reference-engine-plain.manifest.json', 'harness/protocol/PROTOCOL.md']) t.true(files.includes(needed), needed);
  t.true(bytes < 2_000_000, `${bytes} bytes packed`);
});

test('npx streamcheck runs a suite in a scratch project, and its replay lines run there as printed', async (t) => {
  const dir = await scratchProject();
  const version = await execa('npx', ['--offline', 'streamcheck', '--version'], { cwd: dir });
  t.is(version.stdout.trim(), pkg.version);
  const r = await execa('npx', ['--offline', 'streamcheck', 'run', '--cases', '2', '--seed', '8', '--workers', '1', '--level', 'L2'], { cwd: dir, reject: false, env: { CI: '1' } });
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  const results = path.join(dir, 'streamcheck-results', 'latest');
  t.true(fs.existsSync(path.join(results, 'report.html')), r.stdout);
  t.false(fs.existsSync(path.join(dir, 'node_modules', 'streamcheck', 'streamcheck-results')), 'nothing written inside the package');
  // The replay line the reports print for case 0, pasted into a shell in the user's project.
  const line = suiteReport(path.join(results, 'streamcheck.sqlite')).cases[0]!.replayLine;
  t.regex(line, /^npx streamcheck replay /);
  const replay = await execa(line, { cwd: dir, shell: true, reject: false });
  t.is(replay.exitCode, 0, `${line}\n${replay.stdout}${replay.stderr}`);

  // The tarball ships the snapshot's bundle, not a blob: the first run built one for this node.
  const snapshot = path.join(dir, 'node_modules', 'streamcheck', 'dist', 'snapshot');
  t.is(fs.readFileSync(path.join(snapshot, 'engine.node-version'), 'utf8').trim(), `${process.version} ${process.arch}`);
  // A blob of another node that cannot be rebuilt (no bundle): the plain command, said on one line.
  fs.writeFileSync(path.join(snapshot, 'engine.node-version'), 'v0.0.0 other\n');
  fs.rmSync(path.join(snapshot, 'engine-snapshot.cjs'));
  const plain = await execa('npx', ['--offline', 'streamcheck', 'run', '--cases', '1', '--seed', '8', '--workers', '1', '--level', 'L2'], { cwd: dir, reject: false, env: { CI: '1' } });
  t.is(plain.exitCode, 0, plain.stdout + plain.stderr);
  t.regex(plain.stderr, /runs without its startup snapshot/);
});

test('a user\'s test runs a crash suite through the typed API', async (t) => {
  const dir = await scratchProject();
  fs.writeFileSync(
    path.join(dir, 'crash-suite.ts'),
    `import { runSuite, readResults, type SuiteOutcome } from 'streamcheck';
const outcome: SuiteOutcome = await runSuite({ cases: 2, seed: 9, workers: 1, level: 'L1', out: 'api-results' });
const report = readResults(outcome.dbFile);
console.log(JSON.stringify({ verdict: outcome.verdict, cases: report.totals.cases, html: outcome.htmlFile }));
`,
  );
  // The declarations type-check from the user's side (TypeScript from this checkout).
  const tsc = await execa('node', [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--typeRoots', path.join(root, 'node_modules/@types'), '--types', 'node', 'crash-suite.ts'], { cwd: dir, reject: false });
  t.is(tsc.exitCode, 0, tsc.stdout + tsc.stderr);
  fs.writeFileSync(path.join(dir, 'crash-suite.mjs'), fs.readFileSync(path.join(dir, 'crash-suite.ts'), 'utf8').replace(', type SuiteOutcome', '').replace(': SuiteOutcome', ''));
  const r = await execa('node', ['crash-suite.mjs'], { cwd: dir, reject: false });
  t.is(r.exitCode, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { verdict: string; cases: number; html: string };
  t.is(out.verdict, 'pass');
  t.is(out.cases, 2);
  t.true(out.html.startsWith(path.join(dir, 'api-results')));
  t.true(fs.existsSync(out.html));
});
