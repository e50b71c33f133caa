// Checks a loaded manifest against this machine before any case runs: its cwd is a directory, and the
// programs of command and serve.command exist and are executable (on the manifest's PATH when they name
// no directory). Otherwise every case would fail, shrink and report the SUT, not the manifest.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedManifest } from './manifest.js';

/** Where argv[0] resolves, or why it does not. */
function resolveProgram(program: string, cwd: string, pathVariable: string): { file: string } | { problem: string } {
  if (program.includes('/')) {
    const file = path.resolve(cwd, program);
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (st === undefined) return { problem: `no file ${file}` };
    if (!st.isFile()) return { problem: `${file} is not a file` };
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      return { problem: `${file} is not executable (chmod +x it, or name its interpreter first)` };
    }
    return { file };
  }
  for (const dir of pathVariable.split(':').filter(Boolean)) {
    const file = path.resolve(cwd, dir, program);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return { file };
    } catch {
      // not in this directory
    }
  }
  return { problem: `no executable ${JSON.stringify(program)} on PATH` };
}

/** One problem naming the manifest field, or null when the manifest can run here. */
export function manifestRunnableProblem(loaded: LoadedManifest): string | null {
  const st = fs.statSync(loaded.cwd, { throwIfNoEntry: false });
  if (st === undefined) return `cwd: no directory ${loaded.cwd}`;
  if (!st.isDirectory()) return `cwd: ${loaded.cwd} is not a directory`;
  const pathVariable = loaded.manifest.env?.PATH ?? process.env.PATH ?? '';
  const commands: [string, readonly string[]][] = [['command', loaded.manifest.command]];
  if (loaded.manifest.serve !== undefined) commands.push(['serve.command', loaded.manifest.serve.command]);
  for (const [field, argv] of commands) {
    const r = resolveProgram(argv[0]!, loaded.cwd, pathVariable);
    if ('problem' in r) return `${field}.0: ${r.problem} (cwd ${loaded.cwd})`;
  }
  return null;
}
