import { copyFileSync, cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { opencode } from '../../src/sources/opencode.js';
import type { Cursor, SourceAdapter } from '../../src/sources/index.js';
import { count, run, tmpDir } from '../helpers/ingest.js';
import { tempDb } from '../helpers/temp-db.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

const OPENCODE_DB = join(REAL_FIXTURES, 'opencode/git-ai/opencode-sqlite/opencode.db');
const OPENCODE_STORAGE = join(REAL_FIXTURES, 'opencode/git-ai/opencode-storage');

/** The OpenCode adapter, recording the cursor each read starts from. */
function spy(): { adapter: SourceAdapter; froms: Array<Cursor | undefined> } {
  const froms: Array<Cursor | undefined> = [];
  return { froms, adapter: { ...opencode, read: (file, from) => (froms.push(from), opencode.read(file, from)) } };
}

function storeCopy(): string {
  const file = join(tmpDir('lore-store-'), 'opencode.db');
  copyFileSync(OPENCODE_DB, file);
  return file;
}

const insertPrompt = (w: Database.Database, id: string, session: string, text: string) => {
  w.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run(id, session, 1706459900000, 1706459900000, JSON.stringify({ role: 'user', time: { created: 1706459900000 } }));
  w.prepare('INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)').run(`prt-${id}`, id, session, 1706459900000, 1706459900000, JSON.stringify({ type: 'text', text }));
};

describe('ingest of SQLite stores', () => {
  it('sees rows committed to the WAL while the main file is unchanged', async () => {
    const { db } = tempDb();
    const file = storeCopy();
    const w = new Database(file);
    w.pragma('journal_mode = WAL');
    w.pragma('wal_autocheckpoint = 0'); // as a busy tool would: the main file stays as it was
    await run(db, { sources: ['opencode'], paths: [file] });
    expect(count(db, "SELECT count(*) AS n FROM messages WHERE json_extract(metadata, '$.kind') = 'prompt'")).toBe(1);
    insertPrompt(w, 'msg-wal', 'ses-wal', 'written to the WAL');
    expect(existsSync(`${file}-wal`)).toBe(true);
    const { result } = await run(db, { sources: ['opencode'], paths: [file] });
    expect(result.sources[0]!.filesRead).toBe(1);
    expect(count(db, "SELECT count(*) AS n FROM messages WHERE content = 'written to the WAL'")).toBe(1);
    w.close();
    db.close();
  });

  it('hands the adapter its previous cursor after a write, though the store header changed', async () => {
    const { db } = tempDb();
    const file = storeCopy();
    const { adapter, froms } = spy();
    await run(db, { adapters: [adapter], paths: [file] });
    const w = new Database(file);
    insertPrompt(w, 'msg-2', 'ses-2', 'second session');
    w.close();
    const { result } = await run(db, { adapters: [adapter], paths: [file] });
    expect(froms).toHaveLength(2);
    expect(froms[1]?.state).toMatchObject({ sessions: { 'test-session-123': 1706459835000 } });
    // Only the session that changed was read again.
    expect(result.sources[0]).toMatchObject({ sessions: 1, messages: 1 });
    expect(count(db, 'SELECT count(*) AS n FROM sessions')).toBe(2);
    db.close();
  });
});

describe("ingest of OpenCode's legacy storage tree", () => {
  it('reads the tree when its data folder is named (lore ingest PATH), each session directory as one', async () => {
    const { db } = tempDb();
    const data = tmpDir('lore-opencode-');
    cpSync(OPENCODE_STORAGE, join(data, 'storage'), { recursive: true });
    cpSync(join(REAL_FIXTURES, 'opencode/reconstructed/storage'), join(data, 'storage'), { recursive: true });
    const { result, warnings } = await run(db, { sources: ['opencode'], paths: [data] });
    expect(warnings).toEqual([]);
    expect(result.sources[0]).toMatchObject({ files: 2, filesRead: 2, sessions: 2, skipped: {} });
    expect(count(db, "SELECT count(*) AS n FROM sessions WHERE source = 'opencode'")).toBe(2);
    // Named directly, a session directory is read as it is.
    const one = await run(tempDb().db, { paths: [join(data, 'storage/message/test-session-123')] });
    expect(one.result.sources.find((x) => x.source === 'opencode')).toMatchObject({ files: 1, sessions: 1 });
    db.close();
  });

  it('sees a part added to a message already read, though the session directory did not change', async () => {
    const { db } = tempDb();
    const data = tmpDir('lore-opencode-');
    cpSync(OPENCODE_STORAGE, join(data, 'storage'), { recursive: true });
    const env = { ...process.env, OPENCODE_DATA_DIR: data };
    const first = await run(db, { sources: ['opencode'], env });
    expect(first.result.sources[0]).toMatchObject({ files: 1, filesRead: 1 });
    const same = await run(db, { sources: ['opencode'], env });
    expect(same.result.sources[0]).toMatchObject({ files: 1, filesRead: 0 });
    // OpenCode writes a message's parts under storage/part/<messageID>/, beside the session's dir.
    const part = { type: 'text', id: 'prt-005', messageID: 'msg-assistant-001', text: 'written after the first ingest' };
    writeFileSync(join(data, 'storage/part/msg-assistant-001/prt-005.json'), JSON.stringify(part));
    const { result } = await run(db, { sources: ['opencode'], env });
    expect(result.sources[0]).toMatchObject({ files: 1, filesRead: 1 });
    expect(count(db, "SELECT count(*) AS n FROM messages WHERE content LIKE '%written after the first ingest%'")).toBe(1);
    db.close();
  });
});
