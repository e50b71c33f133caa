// Writes a SUT made outside its directories (PROTOCOL.md §2: it writes only its checkpoint, output and
// scratch directories). With a file-operation trace (L5) the trace names every such call; without
// one, two cheap looks after each case: entries that appeared beside its run directories (a sibling
// of the output directory, say) and top-level entries that appeared in the SUT's cwd during the suite.
// Writes to other absolute paths are seen only with a trace. Findings are reported, not judged.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** One write outside the SUT's directories: where, and how it was seen. */
export interface OutsideWrite {
  path: string;
  how: string;
}

/** Entries found per look, at most (a SUT writing thousands of files gets the first ones named). */
export const OUTSIDE_WRITES_LISTED_MAX = 20;

/** What the harness itself puts in a case's directory, and in each of its run directories. */
const CASE_DIR_ENTRIES = new Set(['program.json', 'input.json', 'faulty', 'failure-free']);
const RUN_DIR_ENTRIES = new Set(['checkpoint', 'output', 'scratch']);

/** Entries under a case (or failure-free) directory the harness did not make: written beside the SUT's directories. */
export function strayEntries(caseDir: string): OutsideWrite[] {
  const found: OutsideWrite[] = [];
  const list = (dir: string): fs.Dirent[] => {
    try {
      return fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (const e of list(caseDir)) {
    if (e.name.endsWith('.strace')) continue;
    if (!CASE_DIR_ENTRIES.has(e.name)) {
      found.push({ path: path.join(caseDir, e.name), how: 'appeared beside the run directories' });
      continue;
    }
    if (!e.isDirectory()) continue;
    for (const f of list(path.join(caseDir, e.name))) {
      if (!RUN_DIR_ENTRIES.has(f.name)) found.push({ path: path.join(caseDir, e.name, f.name), how: 'appeared beside the checkpoint, output and scratch directories' });
    }
  }
  return found.slice(0, OUTSIDE_WRITES_LISTED_MAX);
}

/** New top-level entries of the SUT's cwd since the watch began, each reported once; `except` (the
 *  harness's own results folder, when it is inside the cwd) is never reported. */
export class CwdWatch {
  private readonly seen: Set<string>;

  constructor(readonly cwd: string, private readonly except: readonly string[]) {
    this.seen = new Set(this.names());
  }

  private names(): string[] {
    try {
      return fs.readdirSync(this.cwd);
    } catch {
      return [];
    }
  }

  newEntries(): OutsideWrite[] {
    const found: OutsideWrite[] = [];
    for (const name of this.names()) {
      if (this.seen.has(name)) continue;
      this.seen.add(name);
      const p = path.join(this.cwd, name);
      if (this.except.some((x) => x === p || x.startsWith(`${p}${path.sep}`))) continue;
      if (found.length < OUTSIDE_WRITES_LISTED_MAX) found.push({ path: p, how: "appeared in the SUT's cwd during the suite" });
    }
    return found;
  }
}
