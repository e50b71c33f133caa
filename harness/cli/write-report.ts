// Draws the suite's report from its database alone (reports/ reads SQLite, never the runner) and
// returns the one-screen summary.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderMarkdown } from '../../reports/markdown.js';
import { suiteReport } from '../../reports/suite-report.js';
import { renderSummary } from '../../reports/summary.js';

export function writeSuiteReport(dbFile: string, suiteId: number | undefined, markdownFile: string | undefined): string {
  const report = suiteReport(dbFile, suiteId);
  if (markdownFile !== undefined) {
    fs.mkdirSync(path.dirname(markdownFile), { recursive: true });
    fs.writeFileSync(markdownFile, renderMarkdown(report));
  }
  return renderSummary(report);
}
