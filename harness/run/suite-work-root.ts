// A suite's work root under the fast temporary root: named streamcheck-suite-<harness pid>-<random>, so
// that the next suite can tell the roots of dead harnesses (SIGKILLed, or a machine that lost power)
// from those of suites still running, and sweep them; removed on every exit this process sees.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fastTempRoot } from './fast-temp-root.js';
import { processAlive } from '../process/process-group.js';

const PREFIX = 'streamcheck-suite-';
const live = new Set<string>();
let exitHookInstalled = false;

/** Makes a suite's work root; it is removed by removeSuiteWorkRoot, or at the latest when this process exits. */
export function makeSuiteWorkRoot(parent = fastTempRoot()): string {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const dir of live) fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = fs.mkdtempSync(path.join(parent, `${PREFIX}${process.pid}-`));
  live.add(dir);
  return dir;
}

export function removeSuiteWorkRoot(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

/** Removes the work roots whose harness process is gone; returns them. */
export function sweepDeadWorkRoots(parent = fastTempRoot()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const name of names) {
    const m = name.startsWith(PREFIX) ? /^(\d+)-/.exec(name.slice(PREFIX.length)) : null;
    if (m === null || processAlive(Number(m[1]))) continue;
    const dir = path.join(parent, name);
    fs.rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}
