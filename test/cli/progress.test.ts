import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { git, gitRepo } from '../helpers/git-repo.js';

// util-linux `script` runs a command on a real pseudo-terminal: `-q` quiet, `-f` flush, `-e` its
// exit code, `-c` the command; the typescript file is /dev/null and the terminal's output (stdout
// and stderr of the command, as a user would see them) comes out on script's stdout.
const hasScript = /util-linux/.test(spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '');

/** Large enough that `lore index --wait` outlasts the bar's 400 ms delay (~1.5 s on 2 busy cores). */
const COMMITS = 10_000;

/**
 * A history of `n` commits editing 50 text files, in one `git fast-import` stream. Text, not
 * TypeScript (test/helpers/big-repo.ts): the import graph of thousands of files would make the
 * run slow without making the bar any more likely.
 */
function textHistory(n: number): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lore-pty-repo-')));
  git(dir, ['init', '-q', '-b', 'main']);
  const data = (t: string) => `data ${Buffer.byteLength(t)}\n${t}\n`;
  let stream = '';
  for (let i = 1; i <= n; i++) {
    stream += `commit refs/heads/main\nmark :${i}\ncommitter Test Author <author@example.com> ${1_700_000_000 + i * 60} +0000\n${data(`change ${i}`)}`;
    if (i > 1) stream += `from :${i - 1}\n`;
    stream += `M 100644 inline notes/f${i % 50}.txt\n${data(`line ${i}\n`)}\n`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream });
  git(dir, ['reset', '-q', '--hard', 'main']);
  return dir;
}
const BAR = /[█░]/;
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[/;

function env(): Record<string, string | undefined> {
  // CI turns the bar off (src/cli/progress.ts); this test is about the terminal, wherever it runs.
  return { ...process.env, LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-pty-home-')), CI: undefined };
}

function onTerminal(args: string[], cwd: string): { code: number | null; out: string } {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd, encoding: 'utf8', env: env(), timeout: 120_000 });
  return { code: r.status, out: r.stdout };
}

describe.skipIf(!hasScript)('the progress bar', () => {
  it('appears on a terminal for work that takes more than a moment, and never when stderr is not a terminal', () => {
    const repo = textHistory(COMMITS);
    const tty = onTerminal(['index', '--wait'], repo);
    expect(tty.code, tty.out).toBe(0);
    expect(tty.out).toMatch(BAR);
    // Storing the commits may now end before the delay: the bar is for whichever stage outlasts it.
    expect(tty.out).toMatch(new RegExp(`(commits|details|link) +[█░]+ \\d+/${COMMITS}`));
    expect(tty.out).toContain('\x1b[?25l'); // the cursor is hidden while the bar runs...
    expect(tty.out).toContain('\x1b[?25h'); // ...and shown again
    expect(tty.out).toContain(`indexed ${COMMITS} new commits (${COMMITS} in all)`);

    const piped = spawnSync(process.execPath, [CLI, 'index', '--wait'], { cwd: repo, encoding: 'utf8', env: env() });
    expect(piped.status).toBe(0);
    expect(piped.stdout).toContain(`indexed ${COMMITS} new commits (${COMMITS} in all)`);
    expect(piped.stderr).toBe('');
  });

  it('does not appear for quick work, even on a terminal', () => {
    const repo = gitRepo({ 'a.ts': 'export const a = 1;\n' });
    const tty = onTerminal(['index'], repo);
    expect(tty.code, tty.out).toBe(0);
    expect(tty.out).toContain('indexed 1 new commit (1 in all)');
    expect(tty.out).not.toMatch(BAR);
    expect(tty.out).not.toMatch(ESCAPE);
    // The same run with output piped prints the same lines.
    expect(runCli(['index'], { cwd: repo, env: { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-pty-home-')) } }).stdout.replace(/\n/g, '\r\n')).toBe(tty.out);
  });
});
