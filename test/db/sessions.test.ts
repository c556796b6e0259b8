import { describe, expect, it } from 'vitest';
import { type Db, findSessions, forgetSession, getSourceFile, isSessionIgnored, listSessions, type MessageRow, sessionEdits, sessionMessages, sourceFileCursor, sourceStamps, writeIngestBatch } from '../../src/db/index.js';
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

  it('gives the stat-only check each file\'s size and time from an index, and a cursor only when asked', () => {
    const { db } = tempDb();
    const state = { open: ['x'.repeat(20_000)] }; // a resume state as large as a real transcript's
    writeIngestBatch(db, { cursors: [
      { path: '/t/a.jsonl', source: 'claude-code', size: 10, mtimeMs: 1_780_000_000_123, offset: 10, skipped: 1, state },
      { path: '/t/b.jsonl', source: 'codex', size: 7, mtimeMs: 5, offset: 3, headHash: 'h', skipped: 0 },
    ] });
    expect(sourceStamps(db)).toEqual(new Map([['/t/a.jsonl', { size: 10, mtimeMs: 1_780_000_000_123 }], ['/t/b.jsonl', { size: 7, mtimeMs: 5 }]]));
    // Read from the index alone, never from the rows that hold the states.
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT path, size, mtime_ms FROM source_files').all() as { detail: string }[]).map((r) => r.detail);
    expect(plan).toEqual(['SCAN source_files USING COVERING INDEX idx_source_files_stamp']);
    // A few files of a large table: theirs alone, each a lookup in that index.
    expect(sourceStamps(db, ['/t/b.jsonl', '/t/new.jsonl'])).toEqual(new Map([['/t/b.jsonl', { size: 7, mtimeMs: 5 }]]));
    const one = (db.prepare('EXPLAIN QUERY PLAN SELECT size, mtime_ms FROM source_files INDEXED BY idx_source_files_stamp WHERE path = ?').all('/t/b.jsonl') as { detail: string }[]).map((r) => r.detail);
    expect(one).toEqual(['SEARCH source_files USING COVERING INDEX idx_source_files_stamp (path=?)']);
    expect(sourceFileCursor(db, '/t/b.jsonl')).toMatchObject({ path: '/t/b.jsonl', source: 'codex', offset: 3, headHash: 'h', state: undefined });
    expect(sourceFileCursor(db, '/t/none.jsonl')).toBeUndefined();
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

describe('a batch of messages', () => {
  // The statements a batch used to run, one per message: what the batch writer must store alike.
  const PER_ROW = `INSERT INTO messages (id, session_id, role, content, created_at, metadata) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET role = excluded.role, content = excluded.content, metadata = excluded.metadata,
      created_at = CASE WHEN messages.created_at IS NULL OR excluded.created_at > messages.created_at THEN coalesce(excluded.created_at, messages.created_at) ELSE messages.created_at END
    WHERE messages.content IS NOT excluded.content OR messages.metadata IS NOT excluded.metadata OR messages.role IS NOT excluded.role RETURNING rowid`;
  const REWIND = `UPDATE vector_meta SET value = CAST(? AS TEXT) WHERE key = 'cursor:message' AND CAST(value AS INTEGER) > ?`;
  const session = { id: 'claude-code:s', projectPath: '/r', source: 'claude-code' };
  const message = (i: number, content: string, at = i): MessageRow => ({
    id: `claude-code:s:${i}`,
    sessionId: session.id,
    role: i % 3 === 0 ? 'user' : 'assistant',
    content,
    createdAt: `2026-01-01T00:00:${String(at % 60).padStart(2, '0')}.000Z`,
    metadata: { kind: i % 3 === 0 ? 'prompt' : 'text', n: i },
  });
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
  const first = Array.from({ length: 255 }, (_, i) => message(i, `${words[i % 6]} step ${i} of the plan ${words[(i * 7) % 6]}`));
  // Grown (streamed) and changed messages, an unchanged re-read, and new ones.
  const second = [
    message(10, `${first[10]!.content} and more`, 70),
    message(40, first[40]!.content),
    { ...message(41, first[41]!.content), metadata: { kind: 'text', n: 41, model: 'm' } },
    message(300, 'golf hotel'),
  ];
  const segments = (db: Db) => (db.prepare('SELECT count(DISTINCT id >> 37) AS n FROM messages_fts_data WHERE id >> 37 > 0').get() as { n: number }).n;
  const stored = (db: Db) => ({
    rows: db.prepare('SELECT rowid, * FROM messages ORDER BY rowid').raw().all(),
    sessions: db.prepare('SELECT * FROM sessions').raw().all(),
    cursor: db.prepare("SELECT value FROM vector_meta WHERE key = 'cursor:message'").raw().all(),
    matches: [...words, 'golf', 'more', 'plan'].map((w) => db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank, rowid').raw().all(w)),
  });

  it('stores what one statement per message stores, with one full-text segment per batch', () => {
    const { db } = tempDb();
    const { db: oracle } = tempDb();
    // The embed stage has passed every row of the first batch: a changed row moves it back.
    const embedded = (d: Db) => d.prepare("INSERT INTO vector_meta (key, value) VALUES ('cursor:message', '255')").run();
    writeIngestBatch(db, { sessions: [session], messages: first });
    // Each statement that fires the full-text trigger in a transaction made a segment of its own.
    expect(segments(db)).toBe(1);
    embedded(db);
    writeIngestBatch(db, { sessions: [session], messages: second });

    oracle.prepare('INSERT INTO sessions (id, project_path, source) VALUES (?, ?, ?)').run(session.id, session.projectPath, session.source);
    const upsert = oracle.prepare(PER_ROW);
    const rewind = oracle.prepare(REWIND);
    for (const batch of [first, second]) {
      oracle.transaction(() => {
        for (const m of batch) {
          const changed = upsert.get(m.id, m.sessionId, m.role, m.content, m.createdAt, JSON.stringify(m.metadata)) as { rowid: number } | undefined;
          if (changed) rewind.run(changed.rowid - 1, changed.rowid - 1);
        }
        const times = batch.map((m) => m.createdAt!).sort();
        oracle.prepare(`UPDATE sessions SET created_at = CASE WHEN created_at IS NULL OR ? < created_at THEN ? ELSE created_at END,
          last_message_at = CASE WHEN last_message_at IS NULL OR ? > last_message_at THEN ? ELSE last_message_at END WHERE id = ?`).run(times[0], times[0], times.at(-1), times.at(-1), session.id);
      }).immediate();
      // One segment per message, merged four at a time: far more than one.
      if (batch === first) {
        expect(segments(oracle)).toBeGreaterThan(4);
        embedded(oracle);
      }
    }
    const want = stored(oracle);
    expect(want.cursor).toEqual([['10.0']]);
    expect(stored(db)).toEqual(want);
    db.close();
    oracle.close();
  });

  it('leaves nothing staged when a batch fails, and the next batch stores only its own rows', () => {
    const { db } = tempDb();
    // A message of a session that does not exist breaks the foreign key: the batch rolls back.
    expect(() => writeIngestBatch(db, { messages: [message(1, 'lost'), { ...message(2, 'orphan'), sessionId: 'claude-code:none' }] })).toThrow(/FOREIGN KEY/);
    writeIngestBatch(db, { sessions: [session], messages: [message(3, 'kept')] });
    expect((db.prepare('SELECT content FROM messages').raw().all() as string[][]).flat()).toEqual(['kept']);
    expect((db.prepare('SELECT count(*) FROM temp.lore_ingest_messages').raw().get() as number[])[0]).toBe(0);
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
