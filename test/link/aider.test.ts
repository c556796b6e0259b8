import { describe, expect, it } from 'vitest';
import { doubleTurn, writeAiderHistory } from '../helpers/aider-repo.js';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

describe('Aider sessions', () => {
  it('links a commit through the "> Commit <sha>" line Aider printed, file by file', () => {
    const dir = gitRepo();
    commit(dir, { 'README.md': '# calc\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0); // the repo must be known for Aider's history to be found
    const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n', 'notes.txt': 'by hand\n' }, 'feat: Add double function', { date: '2026-05-04T09:05:00Z' });
    writeAiderHistory(dir, [{ at: '2026-05-04 09:00:00', banner: ['> /usr/local/bin/aider calc.py  ', '> Aider v0.51.0  ', '> Git repo: .git with 1 files  '], lines: doubleTurn(sha) }]);
    const r = runCli(['why', 'calc.py', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const why = JSON.parse(r.stdout);
    expect(why.origin.requests.map((q: { text: string; tool: string; evidence: string }) => [q.text, q.tool, q.evidence])).toEqual([['add a double function to calc.py', 'aider', 'aider-commit']]);
    // Aider named only calc.py as edited: the file committed beside it gets no request.
    expect(JSON.parse(runCli(['why', 'notes.txt', '--json'], { cwd: dir }).stdout).origin.requests).toEqual([]);
  });

  it('links the commits a history names when the history is read after they were linked', () => {
    const dir = gitRepo();
    commit(dir, { 'README.md': '# calc\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
    const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n' }, 'feat: Add double function', { date: '2026-05-04T09:05:00Z' });
    // Both commits are linked (with no request: there is no chat yet) before the history exists.
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    expect(JSON.parse(runCli(['why', 'calc.py', '--json'], { cwd: dir }).stdout).origin.requests).toEqual([]);
    // The history is written in the user's local time, three hours ahead of the commit's UTC (no
    // zone in it): its edit, by time, comes after every commit; only its "> Commit" line names one.
    writeAiderHistory(dir, [{ at: '2026-05-04 12:00:00', lines: doubleTurn(sha) }]);
    const why = JSON.parse(runCli(['why', 'calc.py', '--json'], { cwd: dir }).stdout);
    expect(why.origin.sha).toBe(sha);
    expect(why.origin.requests.map((q: { text: string; evidence: string }) => [q.text, q.evidence])).toEqual([['add a double function to calc.py', 'aider-commit']]);
  });

  it('names no request for the user\'s work Aider committed, and a slash command as its turn\'s request', () => {
    const dir = gitRepo();
    commit(dir, { 'calc.py': 'def double(x):\n    return x + x\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    // The user's hand edit, committed by aider before it applied its own.
    const own = commit(dir, { 'calc.py': 'def double(x):\n    return x + x\n\ndef half(x):\n    return x / 2\n' }, 'fix: add half', { date: '2026-05-04T09:01:00Z' });
    const ai = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n\ndef half(x):\n    return x / 2\n' }, 'feat: double by multiplying', { date: '2026-05-04T09:02:00Z', author: 'Dev (aider)' });
    const fix = commit(dir, { 'test_calc.py': 'from calc import half\n\ndef test_half():\n    assert half(4) == 2\n' }, 'fix: test half', { date: '2026-05-04T09:04:00Z', author: 'Dev (aider)' });
    writeAiderHistory(dir, [
      {
        at: '2026-05-04 09:00:00',
        lines: [
          '#### multiply in double  ',
          '',
          'calc.py',
          '```python',
          '<<<<<<< SEARCH',
          '    return x + x',
          '=======',
          '    return 2 * x',
          '>>>>>>> REPLACE',
          '```',
          '',
          '> Committing calc.py before applying edits.  ',
          `> Commit ${own.slice(0, 7)} fix: add half  `,
          '> Applied edit to calc.py  ',
          `> Commit ${ai.slice(0, 7)} feat: double by multiplying  `,
          '',
          '#### /test pytest test_calc.py  ',
          '',
          '> FAILED test_calc.py::test_half  ',
          '',
          'test_calc.py',
          '```python',
          '<<<<<<< SEARCH',
          '=======',
          'from calc import half',
          '',
          'def test_half():',
          '    assert half(4) == 2',
          '>>>>>>> REPLACE',
          '```',
          '',
          '> Applied edit to test_calc.py  ',
          `> Commit ${fix.slice(0, 7)} fix: test half  `,
          '',
          '#### /clear  ',
          '',
          '#### # Fix any errors below, if possible.  ',
          '',
          'test_calc.py',
          '```python',
          '<<<<<<< SEARCH',
          '    assert half(4) == 2',
          '=======',
          '    assert half(4) == 2.0',
          '>>>>>>> REPLACE',
          '```',
        ],
      },
    ]);
    const why = JSON.parse(runCli(['why', 'calc.py', '--json'], { cwd: dir }).stdout);
    const bySha = new Map(why.changes.map((c: { sha: string; requests: { text: string; evidence: string }[] }) => [c.sha, c.requests.map((q) => `${q.text} (${q.evidence})`)]));
    expect(bySha.get(own)).toEqual([]);
    expect(bySha.get(ai)).toEqual(['multiply in double (aider-commit)']);
    // The user's change says whose it is, instead of "no recorded request".
    const userWork = new Map(why.changes.map((c: { sha: string; userWork: string | null }) => [c.sha, c.userWork]));
    expect(userWork.get(own)).toBe("committed by Aider before its edit (the user's own change)");
    expect(userWork.get(ai)).toBeNull();
    // A line: the one turn whose commit added it wrote it; the user's line is nobody's request.
    const line = (n: number) => JSON.parse(runCli(['why', `calc.py:${n}`, '--json'], { cwd: dir }).stdout).blamed;
    expect([line(2).sha, line(2).requests.map((q: { text: string; wroteLine?: boolean }) => [q.text, q.wroteLine])]).toEqual([ai, [['multiply in double', true]]]);
    expect([line(4).sha, line(4).requests]).toEqual([own, []]);
    const text = runCli(['why', 'calc.py'], { cwd: dir }).stdout;
    expect(text).toMatch(new RegExp(`${own.slice(0, 10)} .*fix: add half\n +committed by Aider before its edit \\(the user's own change\\)\n`));
    const test = JSON.parse(runCli(['why', 'test_calc.py', '--json'], { cwd: dir }).stdout);
    expect(test.origin.requests.map((q: { text: string }) => q.text)).toEqual(['/test pytest test_calc.py']);
    // After /clear, the lint fix is no earlier prompt's work: a later commit of it gets no request.
    const after = commit(dir, { 'test_calc.py': 'from calc import half\n\ndef test_half():\n    assert half(4) == 2.0\n' }, 'fix by hand', { date: '2026-05-04T09:06:00Z' });
    const later = JSON.parse(runCli(['why', 'test_calc.py', '--json'], { cwd: dir }).stdout);
    expect(later.changes.find((c: { sha: string }) => c.sha === after).requests).toEqual([]);
  });

  it('gives a commit Aider made after another process\'s lines the newest request before it', () => {
    const dir = gitRepo();
    commit(dir, { 'calc.py': 'def double(x):\n    return x + x\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n' }, 'feat: multiply', { date: '2026-05-04T09:02:00Z', author: 'Dev (aider)' });
    const mine = commit(dir, { 'notes.txt': 'by hand\n' }, 'notes', { date: '2026-05-04T09:03:00Z' });
    writeAiderHistory(dir, [
      { at: '2026-05-04 09:00:00', lines: ['#### multiply in double  ', '', 'Here is the change.'] },
      {
        at: '2026-05-04 09:01:30',
        lines: [
          `> Commit ${sha.slice(0, 7)} feat: multiply  `,
          '',
          '#### /commit  ',
          '',
          `> Commit ${mine.slice(0, 7)} notes  `,
        ],
      },
    ]);
    const requests = (file: string) => JSON.parse(runCli(['why', file, '--json'], { cwd: dir }).stdout).origin.requests.map((q: { text: string }) => q.text);
    expect(JSON.parse(runCli(['why', 'calc.py', '--json'], { cwd: dir }).stdout).changes[0].requests.map((q: { text: string }) => q.text)).toEqual(['multiply in double']);
    // the same kind of line, on a commit authored by the user: the user's own work
    expect(requests('notes.txt')).toEqual([]);
    expect(JSON.parse(runCli(['why', 'notes.txt', '--json'], { cwd: dir }).stdout).changes[0].userWork).toBe("committed by Aider on /commit (the user's own change)");
  });

  it('takes a committer named "… (aider)" as Aider\'s involvement, not its authorship', () => {
    const dir = gitRepo();
    commit(dir, { 'calc.py': 'def double(x):\n    return x + x\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    // Aider's --attribute-committer (its default) puts "(aider)" on the committer of every commit
    // it makes, the user's own work too; only its own changes also get it on the author.
    const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n' }, 'feat: multiply', { date: '2026-05-04T09:02:00Z', committer: 'Dev (aider)' });
    writeAiderHistory(dir, [
      { at: '2026-05-04 09:00:00', lines: ['#### multiply in double  ', '', 'Here is the change.'] },
      {
        at: '2026-05-04 09:01:30',
        lines: [
          `> Commit ${sha.slice(0, 7)} feat: multiply  `,
        ],
      },
    ]);
    const why = JSON.parse(runCli(['why', 'calc.py', '--json'], { cwd: dir }).stdout);
    // Printed in a session before any prompt, authored by the user: the user's work, which Aider
    // committed (the same lines on a commit authored "Dev (aider)" name the request: see above).
    expect(why.changes[0].requests).toEqual([]);
    expect(why.changes[0].aiTool).toBe('aider');
    expect(why.changes[0].userWork).toBe("committed by Aider at the start of its session (the user's own change)");
  });

  it('links nothing to an edit that changed nothing', () => {
    const dir = gitRepo();
    commit(dir, { 'calc.py': 'def double(x):\n    return x + x\n' }, 'initial', { date: '2026-05-04T08:00:00Z' });
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    writeAiderHistory(dir, [
      {
        at: '2026-05-04 09:00:00',
        lines: [
          '#### use multiplication in double  ',
          '',
          'calc.py',
          '```python',
          '<<<<<<< SEARCH',
          '',
          '=======',
          '',
          '>>>>>>> REPLACE',
          '```',
          '',
          '> Applied edit to calc.py  ',
          '> No changes made to git tracked files.  ',
        ],
      },
    ]);
    const sha = commit(dir, { 'calc.py': 'def double(x):\n    return 2 * x\n' }, 'by hand', { date: '2026-05-04T09:30:00Z' });
    const why = JSON.parse(runCli(['why', 'calc.py', '--json'], { cwd: dir }).stdout);
    expect(why.changes.find((c: { sha: string }) => c.sha === sha).requests).toEqual([]);
  });
});
