import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/cli/output.js';
import { CLI, runCli } from '../helpers/cli.js';
import { git, gitRepo } from '../helpers/git-repo.js';

// Paths lore did not choose: transcripts that name files outside the repository, `..` segments,
// symlinks that lead out, names with terminal escapes or bytes that are not UTF-8. lore only
// reads them: nothing outside its own files is ever written, and they are shown escaped. And the
// database and its folder are private to the user, whatever the umask.

/** Every file under `dir` with its size and mtime (to prove nothing was written). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      // The git dir is lore's to write (hooks, the queue, .git/lore/enabled from `lore init`); the work tree is not.
      if (name === '.git') continue;
      const path = join(d, name);
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path);
      else out[path] = `${st.size}:${st.mtimeMs}:${st.mode}`;
    }
  };
  walk(dir);
  return out;
}

const controlChars = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('paths and permissions', () => {
  it('creates the database private to the user even with umask 000', () => {
    const base = mkdtempSync(join(tmpdir(), 'lore-perm-'));
    const loreHome = join(base, 'deep', 'lore');
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const r = spawnSync('sh', ['-c', `umask 000 && exec "${process.execPath}" "${CLI}" init --no-hooks`], { cwd: repo, env: { ...process.env, LORE_HOME: loreHome }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(loreHome).mode & 0o777).toBe(0o700);
    expect(statSync(join(loreHome, 'lore.db')).mode & 0o777).toBe(0o600);
    // While a connection is open, the WAL and shared-memory files exist: they must be private too.
    const db = new Database(join(loreHome, 'lore.db'));
    db.prepare("INSERT INTO learnings (id, category, content) VALUES ('x', 'note', 'y')").run();
    for (const f of ['lore.db-wal', 'lore.db-shm']) expect({ f, mode: statSync(join(loreHome, f)).mode & 0o777 }).toEqual({ f, mode: 0o600 });
    db.close();
  });

  it('reads transcripts naming files outside the repo, .. paths and symlinks out, writing nothing there', () => {
    const outside = mkdtempSync(join(tmpdir(), 'lore-outside-'));
    writeFileSync(join(outside, 'victim.txt'), 'do not touch\n');
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' });
    symlinkSync(outside, join(repo, 'link-out'));
    const claude = mkdtempSync(join(tmpdir(), 'lore-paths-claude-'));
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-paths-home-')), CLAUDE_CONFIG_DIR: claude };
    const targets = [
      join(outside, 'victim.txt'),
      `${repo}/../${outside.split('/').pop()}/victim.txt`,
      join(repo, 'link-out', 'victim.txt'),
      join(repo, 'src', '..', '..', 'escape.txt'),
      '/etc/passwd',
      join(repo, 'src', 'new-\u001b]0;pwned\u0007-file.ts'),
      join(repo, 'src', 'lone-\udcff-surrogate.ts'),
    ];
    const sessionId = 'aaaaaaaa-0000-4000-8000-000000000002';
    const lines = targets.flatMap((file, i) => [
      JSON.stringify({ type: 'user', cwd: repo, sessionId, uuid: `u${i}`, parentUuid: null, timestamp: `2026-02-01T10:00:0${i}Z`, message: { role: 'user', content: `edit ${file}` } }),
      JSON.stringify({
        type: 'assistant',
        cwd: repo,
        sessionId,
        uuid: `a${i}`,
        parentUuid: `u${i}`,
        timestamp: `2026-02-01T10:00:0${i}Z`,
        message: { id: `m${i}`, role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'Write', input: { file_path: file, content: 'OVERWRITTEN\n' } }] },
      }),
    ]);
    mkdirSync(join(claude, 'projects', 'p'), { recursive: true });
    writeFileSync(join(claude, 'projects', 'p', `${sessionId}.jsonl`), lines.join('\n') + '\n');

    const before = { repo: snapshot(repo), outside: snapshot(outside) };
    const outputs = [
      runCli(['init'], { cwd: repo, env }),
      runCli(['ingest'], { cwd: repo, env }),
      runCli(['show', `claude-code:${sessionId}`, '--full'], { cwd: repo, env }),
      runCli(['sessions'], { cwd: repo, env }),
      runCli(['why', 'src/a.ts'], { cwd: repo, env }),
      runCli(['related', 'src/a.ts'], { cwd: repo, env }),
    ];
    for (const o of outputs) expect(o.code, o.stderr).toBe(0);
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('do not touch\n');
    expect(existsSync(join(repo, '..', 'escape.txt'))).toBe(false);
    expect(snapshot(outside)).toEqual(before.outside);
    expect(snapshot(repo)).toEqual(before.repo);

    const db = new Database(join(env.LORE_HOME, 'lore.db'), { readonly: true });
    const stored = (db.prepare('SELECT path FROM file_edits ORDER BY path').all() as { path: string }[]).map((r) => r.path);
    db.close();
    expect(stored.length).toBeGreaterThanOrEqual(5);
    // Inside the repo: repo-relative; outside it: never dressed up as a repo path.
    expect(stored).toContain('src/a.ts'.replace('a.ts', 'new-\u001b]0;pwned\u0007-file.ts'));
    for (const p of stored) expect(p.startsWith('../') || p === 'victim.txt').toBe(false);

    const shown = outputs.map((o) => o.stdout + o.stderr).join('\n');
    expect(shown).toContain('new-\\x1b]0;pwned\\x07-file.ts');
    expect(controlChars.test(shown)).toBe(false);
  });

  it('indexes and explains files whose names are not UTF-8 or hold control characters, showing them escaped', () => {
    const repo = gitRepo({ 'ok.txt': 'ok\n' });
    const names = [Buffer.from('bad\xffbyte.txt', 'latin1'), Buffer.from('evil\x1b]0;pwned\x07.txt'), Buffer.from('cr\rline.txt')];
    for (const name of names) writeFileSync(Buffer.concat([Buffer.from(`${repo}/`), name]), 'x\n');
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', 'odd names \x1b[2J and \r returns']);
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-names-home-')) };
    expect(runCli(['index', '--wait', '-q'], { cwd: repo, env }).code).toBe(0);
    const why = runCli(['why', 'evil\x1b]0;pwned\x07.txt'], { cwd: repo, env });
    expect(why.code, why.stderr).toBe(0);
    expect(why.stdout).toContain('evil\\x1b]0;pwned\\x07.txt');
    expect(why.stdout).toContain('odd names \\x1b[2J and \\r returns');
    expect(controlChars.test(why.stdout + why.stderr)).toBe(false);
    const json = runCli(['why', 'cr\rline.txt', '--json'], { cwd: repo, env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toBeTruthy();
    // JSON keeps the real name (escaping is for the terminal only).
    expect(JSON.parse(json.stdout)).toMatchObject({ file: 'cr\rline.txt', total: 1, origin: { subject: 'odd names \x1b[2J and \r returns' } });
    const missing = runCli(['why', 'nope\x1b[31m.txt'], { cwd: repo, env });
    expect(missing.code).toBe(2);
    expect(controlChars.test(missing.stderr)).toBe(false);
  });

  it('escapes control characters and keeps its own colours', () => {
    expect(terminalSafe('a\x1b]0;t\x07b\rc\u009bd\te\nf')).toBe('a\\x1b]0;t\\x07b\\rc\\x9bd\te\nf');
    expect(terminalSafe('\x1b[1mbold\x1b[0m', true)).toBe('\x1b[1mbold\x1b[0m');
    expect(terminalSafe('\x1b[1mbold\x1b[0m', false)).toBe('\\x1b[1mbold\\x1b[0m');
  });
});
