// Draws the suite's report from its database alone (reports/ reads SQLite, never the runner): the
// Markdown, JUnit and HTML files asked for; returns the one-screen summary.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderMarkdown } from '../../reports/markdown.js';
import { suiteReport } from '../../reports/suite-report.js';
import { renderSummary } from '../../reports/summary.js';
import { renderJunit } from '../../reports/junit.js';
import { htmlSuiteData } from '../../reports/html/html-suite-data.js';
import { renderSuiteHtml } from '../../reports/html/render-suite-html.js';

export function writeSuiteReport(dbFile: string, suiteId: number | undefined, markdownFile: string | undefined, junitFile?: string, htmlFile?: string): string {
  const report = suiteReport(dbFile, suiteId);
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  if (markdownFile !== undefined) write(markdownFile, renderMarkdown(report));
  if (junitFile !== undefined) write(junitFile, renderJunit(report));
  if (htmlFile !== undefined) write(htmlFile, renderSuiteHtml(htmlSuiteData(dbFile, report.suite.id)));
  return renderSummary(report);
}
