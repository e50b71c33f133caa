// The index page of a results folder: every suite of every database found there, newest first, with
// its verdict, counts, seed, SUT and duration, each linking to its own HTML report.

import * as path from 'node:path';
import { formatMs } from '../format.js';
import type { SuiteReport } from '../suite-report.js';
import { verdictLine } from '../verdict-line.js';
import { escapeHtml as e } from './escape-html.js';
import { htmlPage } from './html-page.js';

export interface IndexEntry {
  /** The database, relative to the results folder. */
  database: string;
  /** The suite's HTML report, relative to the results folder. */
  page: string;
  report: SuiteReport;
}

export function renderIndexHtml(folder: string, entries: readonly IndexEntry[], unreadable: readonly { database: string; error: string }[]): string {
  const rows = [...entries]
    .sort((a, b) => b.report.suite.startedAt.localeCompare(a.report.suite.startedAt))
    .map((x) => {
      const r = x.report;
      const s = r.suite;
      return (
        `<tr title="${e(verdictLine(r))}"><td><span class="verdict v-${r.verdict}">${r.verdict.toUpperCase()}</span></td>` +
        `<td><a href="${e(encodeURI(x.page))}">suite ${s.id}</a></td><td style="white-space: nowrap">${e(s.startedAt)}</td><td>${e(s.sutName)}</td><td class="n">${s.seed}</td>` +
        `<td class="n">${r.totals.cases}</td><td class="n">${r.totals.fail}</td><td class="n">${r.totals.unknown}</td><td>${formatMs(s.durationMs)}</td>` +
        `<td title="${e(path.join(folder, x.database))}"><code>${e(x.database)}</code></td></tr>`
      );
    });
  const body = [
    `<h1>streamcheck results: ${e(folder)}</h1>`,
    `<p>${entries.length} ${entries.length === 1 ? 'suite' : 'suites'}, newest first.</p>`,
    '<table><thead><tr><th>Verdict</th><th>Report</th><th>Started</th><th>System under test</th><th>Seed</th><th>Cases</th><th>Failed</th><th>Unknown</th><th>Duration</th><th>Database</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
    ...(unreadable.length === 0 ? [] : ['<h2>Databases that could not be read</h2>', `<ul>${unreadable.map((u) => `<li><code>${e(u.database)}</code>: ${e(u.error)}</li>`).join('')}</ul>`]),
  ];
  return htmlPage(`streamcheck results: ${folder}`, body.join('\n'));
}
