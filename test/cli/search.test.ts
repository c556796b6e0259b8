import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fastSearchArgs } from '../../src/cli/fast-path.js';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

describe('lore search (end to end)', () => {
  it('says nothing is indexed yet on an empty database, and exits 0', () => {
    const dir = gitRepo();
    const r = runCli(['search', 'anything'], { cwd: dir });
    expect(r.stdout).toBe('nothing indexed yet: run `lore init` (or `lore index`) in a repository, or `lore watch`\n');
    expect(r.code).toBe(0);
  });

  it('finds a commit by its words, with markers in --json and files it touched', () => {
    const dir = gitRepo({ 'README.md': 'hi\n' });
    commit(dir, { 'src/db/open.ts': 'x\n' }, 'Set WAL before the first write');
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const r = runCli(['search', 'wal', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { hits: { kind: string; snippet: string; files: string[]; tool: string }[] };
    expect(out.hits[0]).toMatchObject({ kind: 'commit', snippet: 'Set «WAL» before the first write', files: ['src/db/open.ts'], tool: 'git' });
    const text = runCli(['search', 'first write', '--file', 'src/db/open.ts'], { cwd: dir });
    expect(text.stdout).toContain('Set WAL before the first write');
    expect(text.stdout).toContain('files: src/db/open.ts');
  });

  it('treats FTS syntax characters as text', () => {
    const dir = gitRepo({ 'a.txt': 'a\n' }, 'fix(parser): handle "quoted" -flags and * globs');
    for (const q of ['"quoted', '-flags', 'fix(parser):', '*', 'a AND (b OR', 'NEAR("x"']) {
      const r = runCli(['search', '--', q], { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    expect(runCli(['search', '--', '-flags'], { cwd: dir }).stdout).toContain('fix(parser): handle "quoted" -flags and * globs');
  });

  it('rejects an unknown --kind and a bad date with exit 2', () => {
    const dir = gitRepo({ 'a.txt': 'a\n' });
    expect(runCli(['search', 'x', '--kind', 'chat'], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining('--kind "chat" is not one of message, commit, learning') });
    expect(runCli(['search', 'x', '--since', 'yesterday-ish'], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a date') });
  });

  it('says when the embedding model changed, searches full text, and recovers after reindex --vectors', () => {
    const dir = gitRepo({ 'a.txt': 'a\n' }, 'vacuum renumbers rowids');
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    const db = new Database(`${process.env.LORE_HOME}/lore.db`);
    db.prepare("UPDATE vector_meta SET value = 'openai:old-model@http://localhost:1' WHERE key = 'model'").run();
    db.close();
    const before = runCli(['search', 'vacuum', '--json'], { cwd: dir });
    expect(before.stderr).toContain('the stored vectors were made by openai:old-model@http://localhost:1, but the configured model is hash-ngram-v1/256');
    expect(before.stderr).toContain('lore reindex --vectors');
    expect(JSON.parse(before.stdout).hits.map((h: { matchedBy: string[] }) => h.matchedBy)).toEqual([['fts']]);
    const re = runCli(['reindex', '--vectors'], { cwd: dir });
    expect(re.stdout).toMatch(/^recomputed \d+ vectors? with hash-ngram-v1\/256\n$/);
    const after = runCli(['search', 'vacuum', '--json'], { cwd: dir });
    expect(after.stderr).toBe('');
    expect(JSON.parse(after.stdout).hits[0].matchedBy).toEqual(['fts', 'vector']);
  });
});

describe('fastSearchArgs (lore search without yargs)', () => {
  it('takes the words and every option of lore search', () => {
    expect(fastSearchArgs(['search', 'drop', 'the', 'ORM'])).toEqual({ words: ['drop', 'the', 'ORM'], limit: 10, mode: 'hybrid' });
    expect(
      fastSearchArgs(['-C', '/r', 'search', 'wal', '--json', '--source', 'codex', '--source=git', '--kind', 'message,commit', '--role', 'user', '--project', '.', '--since', '2026-01-01', '--until=2026-02-01', '--file', 'src/a.ts', '-n', '3', '--mode', 'fts', '--db', '/x/lore.db']),
    ).toEqual({
      words: ['wal'],
      json: true,
      source: ['codex', 'git'],
      kind: ['message,commit'],
      role: ['user'],
      project: ['.'],
      since: '2026-01-01',
      until: '2026-02-01',
      file: 'src/a.ts',
      limit: 3,
      mode: 'fts',
      C: '/r',
      db: '/x/lore.db',
    });
    expect(fastSearchArgs(['search', '--limit=20', 'a', '--', '-flags', '--json'])).toEqual({ words: ['a', '-flags', '--json'], limit: 20, mode: 'hybrid' });
  });

  it('leaves everything else to the full parser', () => {
    for (const argv of [
      ['search'],
      ['search', '--json'],
      ['search', 'a', '--help'],
      ['search', 'a', '--no-json'],
      ['search', 'a', '--mode', 'semantic'],
      ['search', 'a', '--limit', '0'],
      ['search', 'a', '-n', 'x'],
      ['search', 'a', '--since', '2026-01-01', '--since', '2026-02-01'],
      ['search', 'a', '--file'],
      ['search', 'a', '--file', '--json'],
      ['search', '-flags'],
      ['search', '-n5', 'a'],
      ['why', 'a.ts'],
      ['--', 'search', 'a'],
      ['a', 'search'],
    ]) {
      expect(fastSearchArgs(argv), argv.join(' ')).toBeUndefined();
    }
  });

  it('prints what the full parser prints, and keeps its errors', () => {
    const dir = gitRepo({ 'README.md': 'hi\n' });
    commit(dir, { 'src/db/open.ts': 'x\n' }, 'Set WAL before the first write');
    commit(dir, { 'src/db/close.ts': 'x\n' }, 'Close the WAL file last');
    expect(runCli(['index', '-q'], { cwd: dir }).code).toBe(0);
    for (const args of [['search', 'wal', '--json'], ['search', 'WAL', 'write'], ['search', 'wal', '--file', 'src/db/open.ts', '-n', '1'], ['search', '--mode', 'fts', '--kind', 'commit', 'close']]) {
      const fast = runCli(args, { cwd: dir });
      // An option the fast parser does not know sends the same command line to yargs.
      const full = runCli([...args, '--no-json', ...(args.includes('--json') ? ['--json'] : [])], { cwd: dir });
      expect(fast.code, args.join(' ')).toBe(0);
      expect(fast.stdout, args.join(' ')).toBe(full.stdout);
      expect(fast.stdout).toContain('WAL');
    }
    for (const args of [['search', 'x', '--kind', 'chat'], ['search', 'x', '--since', 'yesterday-ish'], ['search', '  ']]) {
      const fast = runCli(args, { cwd: dir });
      const full = runCli([...args, '--no-json'], { cwd: dir });
      expect(fast.code, args.join(' ')).toBe(2);
      expect(fast.stderr, args.join(' ')).toBe(full.stderr);
    }
  });
});
