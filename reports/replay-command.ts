// The line a user pastes into a shell to re-run one case: the same format as the runner's replayLine
// (scenario, seed, path), plus --level when the suite stored it (a case is drawn at its level, so a
// line without it could replay another case on a machine whose default level differs) and --sut when
// the suite ran against a manifest file. Reports rebuild it from stored columns because they never
// import the runner.

/** Words a POSIX shell reads literally; anything else is quoted. */
const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

export function replayCommand(c: { scenario: string; seed: number; path: string }, manifestFile: string | null, level: string | null = null): string {
  const lvl = level !== null && /^L\d$/.test(level) ? ` --level ${level}` : '';
  const base = `npx streamcheck replay${lvl} --scenario ${c.scenario} --seed ${c.seed} --path ${JSON.stringify(c.path)}`;
  if (manifestFile === null) return base;
  return `${base} --sut ${SHELL_SAFE.test(manifestFile) ? manifestFile : JSON.stringify(manifestFile)}`;
}
