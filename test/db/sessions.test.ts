import { describe, expect, it } from 'vitest';
import { findSessions, forgetSession, getSourceFile, isSessionIgnored, listSessions, sessionEdits, sessionMessages, writeIngestBatch } from '../../src/db/index.js';
import { tempDb } from '../helpers/temp-db.js';


describe('session storage', () => {
  it('upserts sessions, grows a streamed message, stores edits and the cursor together', () => {
    const { db } = tempDb();
    const session = { id: 'claude-code:s1', projectPath: '/repo', source: 'claude-code', metadata: { cwd: '/repo' } };
    writeIngestBatch(db, {
      sessions: [session],
      messages: [
        { id: 'claude-code:s1:u1', sessionId: 'claude-code:s1', role: 'user', content: 'add a', createdAt: '2026-01-01T00:00:00.000Z', metadata: { kind: 'prompt' } },
        { id: 'claude-code:s1:m1', sessionId: 'claude-code:s1', role: 'assistant', content: 'part one', createdAt: '2026-01-01T00:00:01.000Z', metadata: { kind: 'text' } },
      ],
      cursor: { path: '/t/s1.jsonl', source: 'claude-code', size: 10, mtimeMs: 5, offset: 10, skipped: 0, state: { line: 3 } },
    });
    writeIngestBatch(db, {
      sessions: [{ ...session, title: 'Add a', metadata: { model: 'm' } }],
      messages: [{ id: 'claude-code:s1:m1', sessionId: 'claude-code:s1', role: 'assistant', content: 'part one\n\npart two', createdAt: '2026-01-01T00:00:02.000Z', metadata: { kind: 'text' } }],
      edits: [{ id: 'claude-code:s1:m1#0', sessionId: 'claude-code:s1', messageId: 'claude-code:s1:m1', requestId: 'claude-code:s1:u1', projectPath: '/repo', path: 'a.ts', tool: 'Write', newText: 'x' }],
      finishSessions: ['claude-code:s1'],
    });
    const [s] = listSessions(db);
    expect(s).toMatchObject({ id: 'claude-code:s1', title: 'Add a', createdAt: '2026-01-01T00:00:00.000Z', lastMessageAt: '2026-01-01T00:00:02.000Z', messages: 2, edits: 1 });
    expect(s!.metadata).toEqual({ cwd: '/repo', model: 'm', redactions: 0, messages: 2, edits: 1 });
    expect(sessionMessages(db, 'claude-code:s1').map((m) => m.content)).toEqual(['add a', 'part one\n\npart two']);
    expect(sessionEdits(db, 'claude-code:s1')[0]).toMatchObject({ path: 'a.ts', requestId: 'claude-code:s1:u1' });
    expect(getSourceFile(db, '/t/s1.jsonl')).toMatchObject({ offset: 10, state: { line: 3 } });
    const fts = db.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'two'").get() as { n: number };
    expect(fts.n).toBe(1);
    db.close();
  });

  it('forgets a session with its messages, edits and search rows, and remembers it', () => {
    const { db } = tempDb();
    writeIngestBatch(db, {
      sessions: [{ id: 'codex:x', projectPath: '/r', source: 'codex' }],
      messages: [{ id: 'codex:x:1', sessionId: 'codex:x', role: 'user', content: 'secretword', metadata: { kind: 'prompt' } }],
      edits: [{ id: 'codex:x:1#0', sessionId: 'codex:x', projectPath: '/r', path: 'a', tool: 'apply_patch' }],
    });
    expect(findSessions(db, 'x').map((s) => s.id)).toEqual(['codex:x']);
    expect(forgetSession(db, 'codex:x', 'forgotten')).toBe(true);
    expect(isSessionIgnored(db, 'codex:x')).toBe(true);
    for (const t of ['sessions', 'messages', 'file_edits']) expect((db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n).toBe(0);
    expect((db.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'secretword'").get() as { n: number }).n).toBe(0);
    db.close();
  });
});

describe('finding a session by a prefix', () => {
  it('returns every session a prefix matches, so the caller counts them right', () => {
    const { db } = tempDb();
    const sessions = Array.from({ length: 25 }, (_, i) => ({ id: `aider:f80ab9fa4105-${1000 + i}`, projectPath: '/r', source: 'aider' }));
    writeIngestBatch(db, { sessions });
    expect(findSessions(db, 'aider')).toHaveLength(25);
    expect(findSessions(db, 'aider:f80ab9fa4105-1024').map((s) => s.id)).toEqual(['aider:f80ab9fa4105-1024']);
    db.close();
  });
});

describe('forgetting a project', () => {
  it('forgets every chat session of the project and keeps its git session and other projects', async () => {
    const { forgetProject } = await import('../../src/db/index.js');
    const { db } = tempDb();
    writeIngestBatch(db, {
      sessions: [
        { id: 'claude-code:a', projectPath: '/r', source: 'claude-code' },
        { id: 'codex:b', projectPath: '/r', source: 'codex' },
        { id: 'git:/r', projectPath: '/r', source: 'git' },
        { id: 'codex:c', projectPath: '/other', source: 'codex' },
      ],
    });
    expect(forgetProject(db, '/r').sort()).toEqual(['claude-code:a', 'codex:b']);
    expect((db.prepare('SELECT id FROM sessions ORDER BY id').all() as { id: string }[]).map((r) => r.id)).toEqual(['codex:c', 'git:/r']);
    expect(isSessionIgnored(db, 'codex:b')).toBe(true);
    db.close();
  });
});
