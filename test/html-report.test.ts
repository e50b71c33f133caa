// The HTML report end to end: a real suite (the lossy engine fixture, caught losing a batch) run with
// `run --report`, hostile strings a SUT could print added to its store, then the page and the results
// index drawn with `report --html` / `--html-index` and loaded in headless Chromium (Debian's
// chromium via playwright-core; never a downloaded browser): no console errors, no request leaving
// the file, the charts drawn, and every hostile string shown as text. Screenshots stay in the temp dir.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { Store } from '../harness/store/store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/harness/cli/streamcheck.js');
const CHROMIUM = '/usr/bin/chromium';
const HOW_TO_ENABLE = 'install Debian\'s chromium with `bash tools/install-debian-packages.sh` (apt-get install chromium, as root)';
const hasChromium = fs.existsSync(CHROMIUM);
// Kept after the test (only the kept case directories are removed), so the screenshots can be looked at.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'streamcheck-html-test-'));
const results = path.join(tmp, 'results');
const suiteDir = path.join(results, 'suite-lossy');
/** A folder name is as untrusted as anything else a SUT or a user chose: it lands in links and attributes. */
const hostileDir = path.join(results, 'suite-"onmouseover=alert(4) x=" <b>bold</b> \u001b[1m');

/** What a SUT might print or name itself: markup, an attribute breakout, ANSI colours, a newline, a bidi override. */
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"onload=alert(3) \u001b[31mred\u001b[0m\nline2 \u202eevil';

interface Fixture {
  runStdout: string;
  failingCase: number;
  suitePage: string;
  indexPage: string;
}

const streamcheck = (args: string[]) => execa('node', [cli, ...args], { cwd: root, reject: false, env: { CI: '1' } });

async function buildFixture(): Promise<Fixture> {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/lossy-engine.manifest.json'), 'utf8')) as Record<string, unknown>;
  const manifestFile = path.join(tmp, 'hostile.manifest.json');
  fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, name: `lossy ${HOSTILE}`, cwd: root }));
  const db = path.join(suiteDir, 'streamcheck.sqlite');
  const run = await streamcheck(['run', '--sut', manifestFile, '--scenarios', 'word-count', '--cases', '4', '--seed', '7', '--workers', '1', '--shrink-budget', '5s', '--db', db, '--report', path.join(suiteDir, 'report.md')]);
  if (run.exitCode !== 1) throw new Error(`expected the lossy engine's suite to fail (exit 1), received ${run.exitCode}:\n${run.stdout}\n${run.stderr}`);

  // Hostile strings where a SUT controls them: its events and their fields, lines that are not
  // events, its stderr, and so the failure message and the stored verdict.
  const d = new Database(db);
  const failing = d.prepare("SELECT id, case_index FROM cases WHERE role = 'case' AND verdict = 'fail' ORDER BY case_index LIMIT 1").get() as { id: number; case_index: number } | undefined;
  if (failing === undefined) throw new Error(`the lossy engine's suite stored no failing case:\n${run.stdout}`);
  const faulty = d.prepare("SELECT id FROM runs WHERE case_id = ? AND kind = 'faulty'").get(failing.id) as { id: number };
  const insert = d.prepare("INSERT INTO events (run_id, attempt, at_ms, kind, name, json) VALUES (?, 1, 5, ?, ?, ?)");
  insert.run(faulty.id, 'event', HOSTILE, JSON.stringify({ event: HOSTILE, detail: HOSTILE }));
  insert.run(faulty.id, 'event', 'output-committed', JSON.stringify({ event: 'output-committed', output: HOSTILE, batchTimeMs: 100, records: 1, sha256: 'a'.repeat(64) }));
  insert.run(faulty.id, 'garbage', null, JSON.stringify({ line: HOSTILE, reason: 'not JSON' }));
  d.prepare('UPDATE process_exits SET stderr_tail = ? WHERE run_id = ?').run(`panic: ${HOSTILE}`, faulty.id);
  d.prepare('UPDATE cases SET message = ?, first_key = ? WHERE id = ?').run(`output lost: ${HOSTILE}`, HOSTILE, failing.id);
  const verdict = JSON.parse((d.prepare('SELECT verdict_json FROM cases WHERE id = ?').get(failing.id) as { verdict_json: string }).verdict_json) as { anomaly: Record<string, unknown> };
  verdict.anomaly = { ...verdict.anomaly, key: HOSTILE, expected: [HOSTILE], received: [] };
  d.prepare('UPDATE cases SET verdict_json = ? WHERE id = ?').run(JSON.stringify(verdict), failing.id);
  const caseDirs = (d.prepare("SELECT work_dir FROM cases WHERE work_dir IS NOT NULL").all() as { work_dir: string }[]).map((r) => r.work_dir);
  d.close();
  for (const dir of caseDirs) fs.rmSync(dir, { recursive: true, force: true });

  // A second, passing suite in the same results folder, for the index.
  fs.mkdirSync(hostileDir, { recursive: true });
  const other = Store.open(path.join(hostileDir, 'streamcheck.sqlite'));
  const s = other.beginSuite({ seed: 5, sutName: 'toy engine', manifest: {}, options: {} });
  const c = other.beginCase({ suiteId: s, caseIndex: 0, scenario: 'word-count', seed: 5, path: '0', caseJson: {}, faultPlanJson: {} });
  other.finishCase(c, { verdict: 'pass', anomaly: null, firstBatchMs: null, firstKey: null, message: null, detail: {} });
  other.finishSuite(s);
  other.close();

  const html = await streamcheck(['report', '--db', db, '--html', `${suiteDir}${path.sep}`]);
  if (html.exitCode !== 0) throw new Error(`report --html failed:\n${html.stdout}\n${html.stderr}`);
  const index = await streamcheck(['report', '--html-index', results]);
  if (index.exitCode !== 0) throw new Error(`report --html-index failed:\n${index.stdout}\n${index.stderr}`);
  return { runStdout: run.stdout, failingCase: failing.case_index, suitePage: path.join(suiteDir, 'report.html'), indexPage: path.join(results, 'index.html') };
}

const fixture = buildFixture();

test('run --report writes a self-contained report.html beside report.md, with every SUT string escaped', async (t) => {
  const f = await fixture;
  t.regex(f.runStdout, /^html report: .*report\.html$/m);
  const html = fs.readFileSync(f.suitePage, 'utf8');
  t.true(fs.existsSync(path.join(suiteDir, 'report.md')));
  // Checked as booleans: a failed regex assertion would print the whole page.
  t.false(/<(script|link|iframe|img|object|embed|base)\b/i.test(html), 'no script and no element that loads anything');
  t.deepEqual([...html.matchAll(/\s(?:src|href)="([^"#][^"]*)"/g)].map((m) => m[1]), [], 'every link is to an anchor of the page');
  t.false(/@import|url\(/i.test(html), 'no style that loads anything');
  t.false(/<[^>]*\son[a-z]+\s*=/i.test(html), 'no event-handler attribute');
  t.false(/[\u0000-\u0008\u001b\u202e]/.test(html), 'control and bidi characters are shown escaped, not raw');
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;onload=alert(3) \\x1b[31mred\\x1b[0m'));
  t.true(html.includes(`id="case-${f.failingCase}"`));
  const index = fs.readFileSync(f.indexPage, 'utf8');
  t.is(index.match(/<a href="[^"]*-suite-\d+\.html">/g)?.length, 2, 'the index links both suites');
  if (!hasChromium) t.log(`browser checks SKIPPED: ${CHROMIUM} not found; ${HOW_TO_ENABLE}`);
});

if (!hasChromium) {
  test.skip(`HTML report in headless Chromium — SKIPPED: ${CHROMIUM} not found; ${HOW_TO_ENABLE}`, () => {});
} else {
  test('the HTML report in headless Chromium: no errors, no network, charts drawn, hostile strings inert', async (t) => {
    const f = await fixture;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      // CSP bypassed, so the page's escaping alone is what is tested here.
      const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1240, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        // Only the report's own pages, each a file in the results folder; anything else is a leak.
        if (url.protocol === 'file:' && decodeURIComponent(url.pathname).startsWith(`${results}${path.sep}`) && url.pathname.endsWith('.html')) return route.continue();
        problems.push(`request: ${url.href}`);
        return route.abort();
      });

      await page.goto(new URL(`file://${f.suitePage}`).href);
      t.true(await page.locator('svg').count() >= 4, 'histograms, time per case and a timeline');
      const timeline = `#case-${f.failingCase} svg.timeline[aria-label="timeline of case ${f.failingCase}"]`;
      for (const chart of ['svg.histogram', 'svg.case-times', timeline]) {
        const box = (await page.locator(chart).count()) === 0 ? null : await page.locator(chart).first().boundingBox();
        t.true(box !== null && box.width > 100 && box.height > 50, `${chart} is drawn`);
      }
      t.true(await page.locator(`${timeline} .mark-fault`).count() >= 1, 'the injected fault is on the timeline');
      t.true(await page.locator(`${timeline} .mark-start`).count() >= 3, 'the starts and restarts are on the timeline');
      // Run in the page (the tests compile without the DOM's types, so as source text).
      const inert = async (where: string) => {
        const found = (await page.evaluate(`({
          scripts: document.querySelectorAll('script, img, iframe, object, embed').length,
          handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => el.tagName + ' ' + a.name)),
        })`)) as { scripts: number; handlers: string[] };
        t.deepEqual(found, { scripts: 0, handlers: [] }, where);
      };
      await inert('suite page');
      const dom = (await page.evaluate(`({
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => el.tagName + ' ' + a.name)),
        title: document.querySelector('h1')?.textContent ?? '',
        stderr: [...document.querySelectorAll('pre.stderr')].map((p) => p.textContent ?? ''),
        message: document.querySelector('pre.message')?.textContent ?? '',
      })`)) as { scripts: number; images: number; handlers: string[]; title: string; stderr: string[]; message: string };
      t.is(dom.scripts, 0);
      t.is(dom.images, 0);
      t.deepEqual(dom.handlers, []);
      t.true(dom.title.includes('<script>alert(1)</script><img src=x onerror=alert(2)>"onload=alert(3) \\x1b[31mred'), dom.title);
      t.true(dom.stderr.some((s) => s.includes('panic: <script>alert(1)</script>') && s.includes('\\u202eevil')), dom.stderr.join('\n'));
      t.true(dom.message.includes('output lost: <script>alert(1)</script>'), dom.message);

      const shots = path.join(tmp, 'screenshots');
      fs.mkdirSync(shots, { recursive: true });
      const full = path.join(shots, 'suite.png');
      await page.screenshot({ path: full, fullPage: true });
      const caseShot = path.join(shots, `case-${f.failingCase}.png`);
      await page.locator(`#case-${f.failingCase}`).screenshot({ path: caseShot });

      await page.goto(new URL(`file://${f.indexPage}`).href);
      await inert('index page');
      t.is(await page.locator('b').count(), 0, 'the <b> in a folder name is not an element');
      t.true((await page.locator('code', { hasText: '"onmouseover=alert(4) x=" <b>bold</b> \\x1b[1m' }).count()) === 1, 'the hostile folder name is shown as text');
      const links = (await page.evaluate(`[...document.querySelectorAll('a[href$=".html"]')].map((a) => a.href)`)) as string[];
      t.is(links.length, 2);
      await page.goto(links.find((l) => l.includes('suite-lossy'))!);
      t.true((await page.title()).includes('FAIL'));
      await page.goto(links.find((l) => !l.includes('suite-lossy'))!);
      t.true((await page.title()).includes('PASS'), 'a link through the hostile folder name works');
      const indexShot = path.join(shots, 'index.png');
      await page.goto(new URL(`file://${f.indexPage}`).href);
      await page.screenshot({ path: indexShot });

      t.deepEqual(problems, []);
      t.log(`screenshots: ${full}, ${caseShot}, ${indexShot}`);
    } finally {
      await browser.close();
    }
  });
}
