import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { opencode } from '../../src/sources/opencode.js';
import { REAL, collect, copyFixture, countWhere, envFor, tempDir } from './adapter-harness.js';

const DB = join(REAL, 'opencode/git-ai/opencode-sqlite/opencode.db');
const LEGACY = join(REAL, 'opencode/git-ai/opencode-storage');

function dbCopy(): string {
  const dir = tempDir();
  const file = join(dir, 'opencode.db');
  copyFileSync(DB, file);
  return file;
}

describe('opencode adapter', () => {
  // Counts checked by hand with sqlite3 on the fixture: 1 session row (directory /Users/test/project,
  // title "Test Session"), 2 messages (user, assistant), 4 parts: 3 text + 1 `edit` tool part on
  // /Users/test/project/index.ts with status completed.
  it('reads the real opencode.db: one session, its cwd, one prompt, one answer, one edit', async () => {
    const r = await collect(opencode, DB);
    expect(r.skips).toEqual([]);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]).toMatchObject({ id: 'opencode:test-session-123', cwd: '/Users/test/project', title: 'Test Session', createdAt: '2024-01-28T16:37:10.000Z' });
    expect(countWhere(r.messages, (m) => m.kind === 'prompt')).toBe(1);
    expect(r.messages.find((m) => m.kind === 'prompt')?.content).toBe('Please update index.ts using sqlite transcript data');
    expect(countWhere(r.messages, (m) => m.role === 'assistant' && m.kind === 'text')).toBe(1);
    expect(r.edits.map((e) => [e.tool, e.path, e.requestId])).toEqual([['edit', '/Users/test/project/index.ts', 'opencode:test-session-123:msg-user-sql-001']]);
    expect(r.edits[0]!.messageId).toBe('opencode:test-session-123:msg-assistant-sql-001:prt-sql-003');
  });

  // By hand: storage/message/test-session-123 holds 2 messages; part/msg-user-001 one text part,
  // part/msg-assistant-001 two text parts, one empty synthetic text part and one edit tool part.
  it('reads the real legacy storage tree with the same ids the database would give', async () => {
    const r = await collect(opencode, join(LEGACY, 'message/test-session-123'));
    expect(r.skips).toEqual([]);
    expect(r.sessions.map((s) => s.id)).toEqual(['opencode:test-session-123']);
    expect(r.messages.filter((m) => m.kind === 'prompt').map((m) => m.id)).toEqual(['opencode:test-session-123:msg-user-001']);
    expect(r.messages.find((m) => m.kind === 'text')?.content).toBe("I'll update the comment in index.ts for you.\n\nDone! I've updated the comment to 'Hello World'.");
    expect(r.edits.map((e) => [e.path, e.newText])).toEqual([['/Users/test/project/index.ts', "// Hello World\nconsole.log('test');"]]);
  });

  it('titles a session that has no title of its own by its first prompt', async () => {
    // The real legacy tree has no session/ file: no title at all.
    const r = await collect(opencode, join(LEGACY, 'message/test-session-123'));
    expect(r.sessions.map((s) => s.title)).toEqual(["Update the comment in index.ts to say 'Hello World'"]);
  });

  // Reconstructed (test/fixtures/real/RECONSTRUCTED.md): a legacy tree whose session kept
  // OpenCode's placeholder title and whose tools are named `Write` and `Edit`.
  it('reads capitalised edit tools as edits, and a placeholder title as none', async () => {
    const storage = join(REAL, 'opencode/reconstructed/storage');
    const r = await collect(opencode, join(storage, 'message/ses_5b1e9c2f7ffeQ3mZk8Rt2Vw4Xy'));
    expect(r.skips).toEqual([]);
    expect(r.sessions).toEqual([expect.objectContaining({ cwd: '/home/test/notes', title: 'write a TODO.md listing the three open bugs, then fix the typo in README.md' })]);
    const prompt = r.messages.find((m) => m.kind === 'prompt')!;
    expect(r.edits.map((e) => [e.tool, e.path, e.oldText, e.newText?.split('\n')[0], e.requestId])).toEqual([
      ['Write', '/home/test/notes/TODO.md', undefined, '# Open bugs', prompt.id],
      ['Edit', '/home/test/notes/README.md', 'Notes are stored localy.', 'Notes are stored locally.', prompt.id],
    ]);
  });

  it('takes the legacy cwd from the session file inside the storage tree', async () => {
    const storage = join(tempDir(), 'storage');
    copyFixture('opencode/git-ai/opencode-storage', storage);
    mkdirSync(join(storage, 'session/proj-1'), { recursive: true });
    writeFileSync(join(storage, 'session/proj-1/test-session-123.json'), JSON.stringify({ id: 'test-session-123', directory: '/work/repo', title: 'Legacy', time: { created: 1706459830000 } }));
    const r = await collect(opencode, join(storage, 'message/test-session-123'));
    expect(r.sessions[0]).toMatchObject({ cwd: '/work/repo', title: 'Legacy' });
    expect(r.edits[0]!.cwd).toBe('/work/repo');
    expect(opencode.matches(join(storage, 'message/test-session-123'))).toBe(true);
  });

  it('reads nothing again until the store changes, then only the session that changed', async () => {
    const file = dbCopy();
    const first = await collect(opencode, file);
    const again = await collect(opencode, file, first.cursor);
    expect([again.sessions.length, again.messages.length, again.edits.length]).toEqual([0, 0, 0]);
    expect(again.checkpoints).toHaveLength(1);

    const w = new Database(file);
    w.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run('msg-2', 'other-session', 1706459900000, 1706459900000, JSON.stringify({ role: 'user', time: { created: 1706459900000 }, path: { cwd: '/other' } }));
    w.prepare('INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)').run('prt-2', 'msg-2', 'other-session', 1706459900000, 1706459900000, JSON.stringify({ type: 'text', text: 'second session' }));
    w.close();
    const third = await collect(opencode, file, again.cursor);
    expect(third.sessions.map((s) => [s.id, s.cwd])).toEqual([['opencode:other-session', '/other']]);
    expect(third.messages.map((m) => m.content)).toEqual(['second session']);
  });

  it('skips rows with bad JSON and keeps the rest', async () => {
    const file = dbCopy();
    const w = new Database(file);
    w.prepare('INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)').run('prt-bad', 'msg-user-sql-001', 'test-session-123', 1706459830002, 1706459830002, '{"type": "text", "te');
    w.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run('msg-odd', 'test-session-123', 1706459836000, 1706459836000, JSON.stringify({ role: 42 }));
    w.close();
    const r = await collect(opencode, file);
    expect(r.skips.map((s) => s.reason)).toEqual(['part prt-bad: bad JSON in data', 'message msg-odd: unknown role 42']);
    expect(countWhere(r.messages, (m) => m.kind === 'prompt')).toBe(1);
    expect(r.edits).toHaveLength(1);
  });

  it('turns a corrupt store into a skip and never throws', async () => {
    const dir = tempDir();
    const file = join(dir, 'opencode.db');
    writeFileSync(file, Buffer.alloc(8192, 7));
    const r = await collect(opencode, file);
    expect(r.skips).toHaveLength(1);
    expect(r.skips[0]!.reason).toMatch(/store corrupt/);
    expect(r.checkpoints).toEqual([]);
  });

  it('reads a store another connection holds a write transaction on, without waiting for it', async () => {
    const file = dbCopy();
    const w = new Database(file);
    w.exec('BEGIN EXCLUSIVE');
    w.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run('msg-uncommitted', 'test-session-123', 1, 1, '{"role":"user"}');
    const r = await collect(opencode, file);
    expect(r.skips).toEqual([]);
    expect(r.messages.map((m) => m.id)).not.toContain('opencode:test-session-123:msg-uncommitted');
    expect(countWhere(r.messages, (m) => m.kind === 'prompt')).toBe(1);
    w.exec('COMMIT');
    w.close();
  });

  it('skips a legacy message file with bad JSON', async () => {
    const storage = join(tempDir(), 'storage');
    copyFixture('opencode/git-ai/opencode-storage', storage);
    writeFileSync(join(storage, 'message/test-session-123/msg-zzz.json'), '{"id": "msg-zzz", "role": ');
    const r = await collect(opencode, join(storage, 'message/test-session-123'));
    expect(r.skips).toHaveLength(1);
    expect(r.skips[0]!.reason).toMatch(/msg-zzz\.json: bad JSON/);
    expect(r.messages.length).toBeGreaterThan(0);
  });

  it.each([
    ['linux', {}, '.local/share/opencode'],
    ['darwin', {}, '.local/share/opencode'],
    ['win32', {}, '.local/share/opencode'],
    ['linux', { OPENCODE_DATA_DIR: 'custom' }, 'custom'],
  ] as const)('locates stores on %s %o', async (platform, env, rel) => {
    const home = tempDir('lore-home-');
    const data = join(home, rel);
    mkdirSync(join(data, 'storage/message/ses_1'), { recursive: true });
    copyFileSync(DB, join(data, 'opencode.db'));
    copyFileSync(DB, join(data, 'opencode-beta.db'));
    writeFileSync(join(data, 'opencode.db-wal'), '');
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, join(home, v)]));
    const found = await opencode.locate(envFor(home, platform, resolved));
    expect(found.sort()).toEqual([join(data, 'opencode-beta.db'), join(data, 'opencode.db'), join(data, 'storage/message/ses_1')]);
  });
});
