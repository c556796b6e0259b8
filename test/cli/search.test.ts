import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
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
