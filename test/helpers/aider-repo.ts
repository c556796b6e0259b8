import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from './cli.js';
import { commit, gitRepo } from './git-repo.js';

/** A repository where calc.py came from an Aider request and carries a learning. */
export function aiderRepo(): string {
  const dir = gitRepo();
  commit(dir, { 'README.md': '# calc\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
  expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
  const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n' }, 'feat: Add double function', { date: '2026-05-04T09:05:00Z' });
  writeFileSync(
    join(dir, '.aider.chat.history.md'),
    [
      '',
      '# aider chat started at 2026-05-04 09:00:00',
      '',
      '> Aider v0.51.0  ',
      '',
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
      '',
    ].join('\n'),
  );
  expect(runCli(['learn', 'double must stay pure', '--file', 'calc.py', '--category', 'convention'], { cwd: dir }).code).toBe(0);
  return dir;
}
