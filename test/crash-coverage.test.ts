// Crash-space coverage (issue 12 item 2): every fault that landed stores the cells it hit (crash point
// by name, file operation, power-loss state, phase); the summary, report.md and the HTML report list
// the cells hit and those never hit; --min-coverage fails a run whose named cells stay empty, and
// refuses unknown cell names with exit 2.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { coverageCells, crashSpace, parseCoverageCells } from '../harness/case/crash-space.js';
import { faultProfile } from '../harness/case/conformance-level.js';
import { Store } from '../harness/store/store.js';
import { crashCoverage, describeCoverage, emptyCells } from '../reports/crash-coverage.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-coverage-test-'));
test.after.always(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a landed fault hits its phase and its kind\'s own dimension', (t) => {
  t.deepEqual(coverageCells({ kind: 'crash-point', n: 4 }, 1, 'output:renamed'), [{ dimension: 'phase', value: 'first-run' }, { dimension: 'crash-point', value: 'output:renamed' }]);
  t.deepEqual(coverageCells({ kind: 'syscall-kill', syscall: 'rename', nth: 2, op: null }, 3, null), [{ dimension: 'phase', value: 'recovery-2' }, { dimension: 'file-op', value: 'rename' }]);
  t.deepEqual(coverageCells({ kind: 'power-loss', op: 3, state: { type: 'torn', sectorBytes: 512, zeroFill: false, fraction: 0.5 } }, 1, null)[1], { dimension: 'power-loss', value: 'torn' });
  t.deepEqual(coverageCells({ kind: 'kill-after', delayMs: 5 }, 2, null), [{ dimension: 'phase', value: 'recovery-1' }]);
});

test('--min-coverage cells are parsed, and unknown ones refused naming the flag', (t) => {
  const space = crashSpace(faultProfile('L5'), true);
  t.deepEqual(parseCoverageCells('crash-point:output:renamed, kill-after/phase:recovery-2,file-op:fsync,power-loss:torn', space), [
    { faultKind: null, dimension: 'crash-point', value: 'output:renamed' },
    { faultKind: 'kill-after', dimension: 'phase', value: 'recovery-2' },
    { faultKind: null, dimension: 'file-op', value: 'fsync' },
    { faultKind: null, dimension: 'power-loss', value: 'torn' },
  ]);
  // `process` is the SIGKILL state: it never lands as a power loss, so it is no cell to hit.
  t.false(space['power-loss'].includes('process'));
  t.true(space['power-loss'].includes('torn'));
  for (const bad of ['crash-point:no-such-point', 'phase:second-run', 'banana:x', 'kill-later/phase:first-run', 'power-loss:melted', 'power-loss:process', 'file-op:']) {
    t.throws(() => parseCoverageCells(bad, space), { message: /^--min-coverage: unknown cell/ }, bad);
  }
  // Another SUT's crash point names are not known in advance: any name is accepted.
  t.is(parseCoverageCells('crash-point:my-point', crashSpace(faultProfile('L3'), false))[0]!.value, 'my-point');
});

test('coverage counts only drawn cases and names the cells never hit', (t) => {
  const store = Store.open(':memory:');
  const suite = store.beginSuite({ seed: 1, sutName: 's', manifest: {}, options: { crashSpace: { 'crash-point': ['a', 'b'], 'file-op': [], 'power-loss': [], phase: ['first-run', 'recovery-1'] } } });
  const c = store.beginCase({ suiteId: suite, caseIndex: 0, scenario: 'x', seed: 1, path: '0', caseJson: {}, faultPlanJson: {} });
  store.recordCoverage(c, 'crash-point', [{ dimension: 'phase', value: 'first-run' }, { dimension: 'crash-point', value: 'a' }]);
  const shrink = store.beginCase({ suiteId: suite, caseIndex: 0, scenario: 'x', seed: 1, path: '0', caseJson: {}, faultPlanJson: {}, role: 'shrink', parentCaseId: c });
  store.recordCoverage(shrink, 'crash-point', [{ dimension: 'crash-point', value: 'b' }]);
  const cov = crashCoverage(store.db, [suite]);
  t.deepEqual(cov.neverHit['crash-point'], ['b']);
  t.deepEqual(cov.neverHit['phase'], ['recovery-1']);
  t.deepEqual(describeCoverage(cov), ['crash-point: 1 hit (a 1); never hit: b', 'phase: 1 hit (first-run 1); never hit: recovery-1']);
  t.deepEqual(emptyCells(cov, [{ faultKind: null, dimension: 'crash-point', value: 'a' }, { faultKind: 'kill-after', dimension: 'phase', value: 'first-run' }]), ['kill-after/phase:first-run']);
  store.close();
});

test.serial('run prints coverage, stores it, writes it in report.md and HTML, and --min-coverage fails on empty cells', async (t) => {
  const db = path.join(tmp, 'suite.sqlite');
  const report = path.join(tmp, 'report.md');
  const r = await execa('node', [cli, 'run', '--level', 'L3', '--cases', '6', '--seed', '3', '--workers', '2', '--no-corpus', '--db', db, '--report', report, '--min-coverage', 'phase:first-run,phase:recovery-9'], { reject: false, timeout: 240_000 });
  t.is(r.exitCode, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /crash-space coverage \(landed faults\):\n  crash-point: \d+ hit/);
  t.regex(r.stdout, /never hit: /);
  t.regex(r.stdout, /^--min-coverage: 1 of 2 required cell\(s\) never hit by a landed fault: phase:recovery-9$/m);
  const d = new Database(db, { readonly: true });
  const rows = d.prepare("SELECT count(*) AS n FROM crash_coverage WHERE dimension = 'crash-point'").get() as { n: number };
  d.close();
  t.true(rows.n > 0);
  t.regex(fs.readFileSync(report, 'utf8'), /## Crash-space coverage\n\n- crash-point: \d+ hit/);
  t.regex(fs.readFileSync(path.join(tmp, 'report.html'), 'utf8'), /<h2 id="coverage">Crash-space coverage<\/h2>\s*<ul><li>crash-point: \d+ hit/);

  const bad = await execa('node', [cli, 'run', '--cases', '1', '--no-corpus', '--db', path.join(tmp, 'bad.sqlite'), '--min-coverage', 'crash-point:nowhere'], { reject: false });
  t.is(bad.exitCode, 2);
  t.regex(bad.stderr, /^streamcheck: error: --min-coverage: unknown cell "crash-point:nowhere": known crash-point values: /);
});
