import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionEdits } from '../../src/db/index.js';
import { CLAUDE_FIXTURES, claudeProjects, count, rowSet, run } from '../helpers/ingest.js';
import { tempDb } from '../helpers/temp-db.js';

const fx = (p: string) => join(CLAUDE_FIXTURES, p);

// Counted by hand from the files (a prompt is a user line that is not a tool result, not isMeta,
// not a slash-command/caveat/interruption; assistant messages are distinct message.id values;
// edits are Write/Edit/NotebookEdit calls plus each MultiEdit part).
const EXPECTED = [
  { file: 'codemie-code/session-3fe1b6bc.jsonl', session: 'claude-code:3fe1b6bc-dbd0-4320-b980-4f147befa187', prompts: 7, assistant: 67, toolResults: 76, meta: 6, edits: 19, paths: ['_bmad-output/implementation-artifacts/tech-spec-codex-metrics-plugin.md'] },
  { file: 'codemie-code/session-9eda1058.jsonl', session: 'claude-code:9eda1058-9706-484a-b992-d03f9cfa2546', prompts: 3, assistant: 5, toolResults: 3, meta: 1, edits: 1, paths: ['available-tools.md'] },
  { file: 'codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl', session: 'claude-code:4c2ddfdc-b619-4525-8d03-1950fb1b0257', prompts: 3, assistant: 7, toolResults: 6, meta: 0, edits: 4, paths: ['hello.js', 'hello.md', 'hello.py'] },
  { file: 'codemie-code/-tmp-private/agent-36541525.jsonl', session: 'claude-code:4c2ddfdc-b619-4525-8d03-1950fb1b0257/agent-36541525', prompts: 1, assistant: 1, toolResults: 0, meta: 0, edits: 0, paths: [] },
  { file: 'codemie-code/-tmp-private/agent-50243ee8.jsonl', session: 'claude-code:4c2ddfdc-b619-4525-8d03-1950fb1b0257/agent-50243ee8', prompts: 1, assistant: 1, toolResults: 0, meta: 0, edits: 0, paths: [] },
  { file: 'git-ai/claude-code-with-thinking.jsonl', session: 'claude-code:dac34307-159f-4fcd-9c21-35210246ad38', prompts: 1, assistant: 2, toolResults: 1, meta: 0, edits: 1, paths: ['index.ts'] },
  { file: 'git-ai/example-claude-code.jsonl', session: 'claude-code:cb947e5b-246e-4253-a953-631f7e464c6b', prompts: 1, assistant: 13, toolResults: 13, meta: 1, edits: 7, paths: ['src/app/globals.css', 'src/game/HistoryLog.tsx'] },
];

const byKind = (db: ReturnType<typeof tempDb>['db'], session: string, kind: string) =>
  count(db, `SELECT count(*) AS n FROM messages WHERE session_id = ? AND json_extract(metadata, '$.kind') = ?`, session, kind);

describe('Claude Code ingest of the real fixtures', () => {
  for (const e of EXPECTED) {
    it(`stores ${e.file} with the counts checked by hand`, async () => {
      const { db } = tempDb();
      const { files } = claudeProjects([fx(e.file)]);
      const { result, warnings } = await run(db, { sources: ['claude-code'], paths: files });
      expect(warnings).toEqual([]);
      expect(result.sources[0]).toMatchObject({ source: 'claude-code', files: 1, filesRead: 1, sessions: 1, skipped: {} });
      expect(count(db, 'SELECT count(*) AS n FROM sessions')).toBe(1);
      expect(count(db, 'SELECT count(*) AS n FROM sessions WHERE id = ?', e.session)).toBe(1);
      expect(byKind(db, e.session, 'prompt')).toBe(e.prompts);
      expect(count(db, `SELECT count(*) AS n FROM messages WHERE session_id = ? AND role = 'assistant'`, e.session)).toBe(e.assistant);
      expect(byKind(db, e.session, 'tool_result')).toBe(e.toolResults);
      expect(byKind(db, e.session, 'meta')).toBe(e.meta);
      const edits = sessionEdits(db, e.session);
      expect(edits).toHaveLength(e.edits);
      expect([...new Set(edits.map((x) => x.path))].sort()).toEqual(e.paths);
      // Every edit names the human prompt that started its turn.
      for (const x of edits) expect(byId(db, x.requestId!)).toMatchObject({ kind: 'prompt' });
      db.close();
    });
  }

  it('merges streamed assistant lines into one message per message.id, in order', async () => {
    const { db } = tempDb();
    const { files } = claudeProjects([fx('codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl')]);
    await run(db, { sources: ['claude-code'], paths: files });
    const m = db.prepare('SELECT content, metadata FROM messages WHERE id = ?').get('claude-code:4c2ddfdc-b619-4525-8d03-1950fb1b0257:msg_bdrk_013SYvCzWGkVVXBeihWmL3gF') as { content: string; metadata: string };
    expect(m.content).toBe("I'll create three simple files: hello.py, hello.md, and hello.js.\n\n[tool Write] /tmp/private/hello.py\n\n[tool Write] /tmp/private/hello.md\n\n[tool Write] /tmp/private/hello.js");
    expect(JSON.parse(m.metadata)).toMatchObject({ kind: 'text', model: 'claude-sonnet-4-5-20250929' });
    db.close();
  });

  it('times a streamed reply, and its session, by its last line', async () => {
    const { db } = tempDb();
    const { files } = claudeProjects([fx('codemie-code/session-9eda1058.jsonl'), fx('codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl')]);
    await run(db, { sources: ['claude-code'], paths: files });
    const at = (id: string) => (db.prepare('SELECT created_at AS t FROM messages WHERE id = ?').get(id) as { t: string }).t;
    // Four lines of msg_bdrk_013SYvCzWGkVVXBeihWmL3gF, written 19:37:48.019 to 19:37:51.413.
    expect(at('claude-code:4c2ddfdc-b619-4525-8d03-1950fb1b0257:msg_bdrk_013SYvCzWGkVVXBeihWmL3gF')).toBe('2025-12-10T19:37:51.413Z');
    // The last reply of 9eda1058 streams from 10:03:07.268 to 10:03:26.842; nothing stored comes later.
    expect(at('claude-code:9eda1058-9706-484a-b992-d03f9cfa2546:msg_bdrk_01Jn7gm4Y74MpKfKm9ydapDh')).toBe('2026-01-11T10:03:26.842Z');
    const session = db.prepare('SELECT last_message_at AS t FROM sessions WHERE id = ?').get('claude-code:9eda1058-9706-484a-b992-d03f9cfa2546') as { t: string };
    expect(session.t).toBe('2026-01-11T10:03:26.842Z');
    db.close();
  });

  it('marks an edit the user rejected as failed', async () => {
    const { db } = tempDb();
    const { files } = claudeProjects([fx('codemie-code/session-9eda1058.jsonl')]);
    await run(db, { sources: ['claude-code'], paths: files });
    const [edit] = sessionEdits(db, 'claude-code:9eda1058-9706-484a-b992-d03f9cfa2546');
    expect(edit!.metadata).toMatchObject({ failed: true });
    expect(edit!.requestId).toBe('claude-code:9eda1058-9706-484a-b992-d03f9cfa2546:e245710f-879e-4f91-ac1f-d496e93a0df3');
    db.close();
  });

  it('titles a session from its ai-title, over its first prompt', async () => {
    const { db } = tempDb();
    const { files } = claudeProjects([fx('codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl')]);
    appendFileSync(files[0]!, JSON.stringify({ type: 'ai-title', aiTitle: 'Hello files in three languages', sessionId: '4c2ddfdc-b619-4525-8d03-1950fb1b0257' }) + '\n');
    await run(db, { sources: ['claude-code'], paths: files });
    expect(db.prepare('SELECT title FROM sessions').get()).toEqual({ title: 'Hello files in three languages' });
    db.close();
  });

  it('finds transcripts under CLAUDE_CONFIG_DIR/projects when no path is given, and reads nothing twice', async () => {
    const { db } = tempDb();
    const { root } = claudeProjects(EXPECTED.map((e) => fx(e.file)));
    const env = { ...process.env, CLAUDE_CONFIG_DIR: join(root, '..') };
    const first = await run(db, { sources: ['claude-code'], env });
    expect(first.result.sources[0]).toMatchObject({ files: 7, filesRead: 7, sessions: 7, edits: 32 });
    const rows = rowSet(db);
    const again = await run(db, { sources: ['claude-code'], env });
    expect(again.result.sources[0]).toMatchObject({ files: 7, filesRead: 0, sessions: 0, messages: 0 });
    expect(rowSet(db)).toEqual(rows);
    db.close();
  });
});

function byId(db: ReturnType<typeof tempDb>['db'], id: string): Record<string, unknown> {
  const r = db.prepare('SELECT metadata FROM messages WHERE id = ?').get(id) as { metadata: string } | undefined;
  return r ? (JSON.parse(r.metadata) as Record<string, unknown>) : {};
}

describe('incremental reads', () => {
  const source = fx('codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl');

  async function full(): Promise<Record<string, unknown[]>> {
    const { db } = tempDb();
    const { files } = claudeProjects([source]);
    await run(db, { sources: ['claude-code'], paths: files });
    const rows = rowSet(db);
    db.close();
    return rows;
  }

  const withoutCursors = (r: Record<string, unknown[]>) => ({ ...r, cursors: [], sessions: r.sessions!.map((s) => ({ ...(s as object), metadata: stripFile((s as { metadata: string }).metadata) })) });
  const stripFile = (m: string) => {
    const o = JSON.parse(m) as Record<string, unknown>;
    delete o.file;
    return o;
  };

  it('waits for a half-written last line, then reads the rest, ending with the rows of one full read', async () => {
    const text = readFileSync(source);
    const { db } = tempDb();
    const { files } = claudeProjects([source]);
    const file = files[0]!;
    const cut = text.indexOf('\n', text.length / 2) + 200; // inside the next line
    writeFileSync(file, text.subarray(0, cut));
    const first = await run(db, { sources: ['claude-code'], paths: [file] });
    expect(first.warnings).toEqual([]);
    const partialMessages = count(db, 'SELECT count(*) AS n FROM messages');
    expect(partialMessages).toBeGreaterThan(0);
    expect(db.prepare('SELECT offset FROM source_files').get()).toEqual({ offset: text.lastIndexOf('\n', cut) + 1 });
    appendFileSync(file, text.subarray(cut));
    const second = await run(db, { sources: ['claude-code'], paths: [file] });
    expect(second.warnings).toEqual([]);
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBeGreaterThan(partialMessages);
    expect(withoutCursors(rowSet(db))).toEqual(withoutCursors(await full()));
    db.close();
  });

  it('counts an edit once in the summaries when its call and its result are read in different parts', async () => {
    // Each of the 4 edits comes again with its result (Claude Code's structuredPatch hunks).
    const text = readFileSync(source);
    for (let tenth = 1; tenth < 10; tenth++) {
      const { db } = tempDb();
      const file = claudeProjects([source]).files[0]!;
      const cut = text.indexOf('\n', Math.floor((text.length * tenth) / 10)) + 1;
      writeFileSync(file, text.subarray(0, cut));
      const first = await run(db, { sources: ['claude-code'], paths: [file] });
      appendFileSync(file, text.subarray(cut));
      const second = await run(db, { sources: ['claude-code'], paths: [file] });
      expect(count(db, 'SELECT count(*) AS n FROM file_edits')).toBe(4);
      expect(first.result.sources[0]!.edits + second.result.sources[0]!.edits, `cut at ${tenth}/10`).toBe(4);
      db.close();
    }
    // One read whose batches end between a call and its result.
    const { db } = tempDb();
    const { result } = await run(db, { sources: ['claude-code'], paths: claudeProjects([source]).files, batchRecords: 1 });
    expect(result.sources[0]).toMatchObject({ edits: 4, messages: 16 });
    db.close();
  });

  it('reads a truncated and rewritten file again without duplicating or losing rows', async () => {
    const text = readFileSync(source);
    const { db } = tempDb();
    const { files } = claudeProjects([source]);
    const file = files[0]!;
    await run(db, { sources: ['claude-code'], paths: [file] });
    const rows = rowSet(db);
    writeFileSync(file, text.subarray(0, text.indexOf('\n', text.length / 3) + 1)); // truncated
    const afterTruncate = await run(db, { sources: ['claude-code'], paths: [file] });
    expect(afterTruncate.result.sources[0]!.filesRead).toBe(1);
    expect(withoutCursors(rowSet(db))).toEqual(withoutCursors(rows));
    // Rewritten with different bytes at the head: read again from the start.
    writeFileSync(file, Buffer.concat([Buffer.from('{"type":"file-history-snapshot","messageId":"x","snapshot":{},"isSnapshotUpdate":false}\n'), text]));
    await run(db, { sources: ['claude-code'], paths: [file] });
    expect(withoutCursors(rowSet(db))).toEqual(withoutCursors(rows));
    db.close();
  });

  it('reads a file rewritten with other content from its start, though it grew past the old cursor', async () => {
    const { db } = tempDb();
    const { files } = claudeProjects([fx(EXPECTED[1]!.file)]);
    const file = files[0]!;
    await run(db, { sources: ['claude-code'], paths: [file] });
    const longer = EXPECTED[0]!;
    writeFileSync(file, readFileSync(fx(longer.file)));
    const { result } = await run(db, { sources: ['claude-code'], paths: [file] });
    expect(result.sources[0]!.filesRead).toBe(1);
    expect(byKind(db, longer.session, 'prompt')).toBe(longer.prompts);
    expect(sessionEdits(db, longer.session)).toHaveLength(longer.edits);
    db.close();
  });

  it('keeps the sessions of a transcript file that disappeared', async () => {
    const { db } = tempDb();
    const { root, files } = claudeProjects([source]);
    const env = { ...process.env, CLAUDE_CONFIG_DIR: join(root, '..') };
    await run(db, { sources: ['claude-code'], env });
    const rows = rowSet(db);
    rmSync(files[0]!);
    const again = await run(db, { sources: ['claude-code'], env });
    expect(again.warnings).toEqual([]);
    expect(rowSet(db)).toEqual(rows);
    db.close();
  });
});
