import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

describe('Aider sessions', () => {
  it('links a commit through the "> Commit <sha>" line Aider printed, file by file', () => {
    const dir = gitRepo();
    commit(dir, { 'README.md': '# calc\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0); // the repo must be known for Aider's history to be found
    const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n', 'notes.txt': 'by hand\n' }, 'feat: Add double function', { date: '2026-05-04T09:05:00Z' });
    writeFileSync(
      join(dir, '.aider.chat.history.md'),
      [
        '',
        '# aider chat started at 2026-05-04 09:00:00',
        '',
        '> /usr/local/bin/aider calc.py  ',
        '> Aider v0.51.0  ',
        '> Git repo: .git with 1 files  ',
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
    const r = runCli(['why', 'calc.py', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const why = JSON.parse(r.stdout);
    expect(why.origin.requests.map((q: { text: string; tool: string; evidence: string }) => [q.text, q.tool, q.evidence])).toEqual([['add a double function to calc.py', 'aider', 'aider-commit']]);
    // Aider named only calc.py as edited: the file committed beside it gets no request.
    expect(JSON.parse(runCli(['why', 'notes.txt', '--json'], { cwd: dir }).stdout).origin.requests).toEqual([]);
  });
});
