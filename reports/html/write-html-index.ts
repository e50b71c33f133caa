// `streamcheck report --html-index <folder>`: finds every *.sqlite in a results folder (the folder
// itself and DEPTH_MAX levels below), writes each suite's HTML report beside its database as
// <database>-suite-<id>.html, freshly drawn from SQLite, and an index.html in the folder linking them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { htmlSuiteData } from './html-suite-data.js';
import { renderIndexHtml, type IndexEntry } from './render-index-html.js';
import { renderSuiteHtml } from './render-suite-html.js';

const DEPTH_MAX = 3;

export function writeHtmlIndex(folder: string): { indexFile: string; pages: string[] } {
  const entries: IndexEntry[] = [];
  const unreadable: { database: string; error: string }[] = [];
  const pages: string[] = [];
  for (const dbFile of databases(folder, 0)) {
    const database = path.relative(folder, dbFile);
    try {
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      let ids: number[];
      try {
        ids = (db.prepare('SELECT id FROM suites ORDER BY id').all() as { id: number }[]).map((r) => r.id);
      } finally {
        db.close();
      }
      for (const id of ids) {
        const data = htmlSuiteData(dbFile, id);
        const page = path.join(path.dirname(dbFile), `${path.basename(dbFile, '.sqlite')}-suite-${id}.html`);
        fs.writeFileSync(page, renderSuiteHtml(data));
        pages.push(page);
        entries.push({ database, page: path.relative(folder, page).split(path.sep).join('/'), report: data.report });
      }
    } catch (error) {
      unreadable.push({ database, error: (error as Error).message });
    }
  }
  const indexFile = path.join(folder, 'index.html');
  fs.writeFileSync(indexFile, renderIndexHtml(folder, entries, unreadable));
  return { indexFile, pages };
}

function databases(dir: string, depth: number): string[] {
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const n of names.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, n.name);
    if (n.isFile() && n.name.endsWith('.sqlite')) found.push(full);
    else if (n.isDirectory() && depth < DEPTH_MAX && !n.name.startsWith('.') && n.name !== 'node_modules') found.push(...databases(full, depth + 1));
  }
  return found;
}
