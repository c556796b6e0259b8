import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from './cli.js';
import { commit, gitRepo } from './git-repo.js';

/** One session of an Aider chat history: when it started, Aider's banner lines, and what followed. */
export interface AiderSession {
  at: string;
  /** The `> ` lines Aider prints at start-up (default: its version line). */
  banner?: string[];
  lines: string[];
}

/** Writes `dir`'s `.aider.chat.history.md` (where lore's Aider adapter looks) as Aider writes it. */
export function writeAiderHistory(dir: string, sessions: AiderSession[]): void {
  const text = sessions.flatMap((s) => ['', `# aider chat started at ${s.at}`, '', ...(s.banner ?? ['> Aider v0.51.0  ']), '', ...s.lines]);
  writeFileSync(join(dir, '.aider.chat.history.md'), [...text, ''].join('\n'));
}

/** The turn that asked for calc.py's double function, and Aider's commit `sha` of its edit. */
export function doubleTurn(sha: string): string[] {
  return [
    '#### add a double function to calc.py  ',
    '',
    'calc.py',
    '```python',
    '<<<<<<< SEARCH',
    '=======',
    'def double(x):',
    '    return 2 * x',
    '>>>>>>> REPLACE',
    '```',
    '',
    '> Applied edit to calc.py  ',
    `> Commit ${sha.slice(0, 7)} feat: Add double function  `,
  ];
}

/** A repository where calc.py came from an Aider request and carries a learning. */
export function aiderRepo(): string {
  const dir = gitRepo();
  commit(dir, { 'README.md': '# calc\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
  expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
  const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n' }, 'feat: Add double function', { date: '2026-05-04T09:05:00Z' });
  writeAiderHistory(dir, [{ at: '2026-05-04 09:00:00', lines: doubleTurn(sha) }]);
  expect(runCli(['learn', 'double must stay pure', '--file', 'calc.py', '--category', 'convention'], { cwd: dir }).code).toBe(0);
  return dir;
}
