import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cursor } from '../../src/sources/cursor.js';
import { REAL, collect, countWhere, envFor, tempDir } from './adapter-harness.js';

const TRANSCRIPT = join(REAL, 'cursor/git-ai/cursor-session-simple.jsonl');
const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

// No real state.vscdb or store.db could be copied (see test/fixtures/real/SOURCES.md), so these
// stores are built here from the documented format (format doc §5a, §5c; specstory cursoride types):
// ItemTable/cursorDiskKV key-value tables, composerData:<id> and bubbleId:<composerId>:<bubbleId> JSON
// values (some stored as BLOBs, as Cursor does), workspace.json beside each workspace store.
function kvStore(path: string): Database.Database {
  mkdirSync(join(path, '..'), { recursive: true });
  const db = new Database(path);
  db.exec('CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB); CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);');
  open.push(db);
  return db;
}

function put(db: Database.Database, table: string, key: string, value: unknown, asBlob = false): void {
  const text = JSON.stringify(value);
  db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?)`).run(key, asBlob ? Buffer.from(text) : text);
}

const C1 = 'c1a2b3c4-0000-4000-8000-000000000001';
const C2 = 'c1a2b3c4-0000-4000-8000-000000000002';

/** A Cursor User dir with one global store (2 composers) and two workspace stores. */
function cursorUserDir(): { user: string; global: Database.Database; globalPath: string } {
  const user = join(tempDir(), 'Cursor/User');
  const globalPath = join(user, 'globalStorage/state.vscdb');
  const global = kvStore(globalPath);
  // C1 names its workspace (Cursor ≥ 3.12); C2 is found through a workspace store's composer list.
  put(global, 'cursorDiskKV', `composerData:${C1}`, {
    composerId: C1,
    name: 'Add retry to fetch',
    _v: 10,
    createdAt: 1750000000000,
    lastUpdatedAt: 1750000100000,
    workspaceIdentifier: { id: 'wsA', uri: { fsPath: '/home/dev/app', scheme: 'file' } },
    fullConversationHeadersOnly: [
      { bubbleId: 'b1', type: 1 },
      { bubbleId: 'b2', type: 2 },
      { bubbleId: 'b3', type: 2 },
      { bubbleId: 'b4', type: 2, grouping: { isRenderable: false } },
      { bubbleId: 'b5', type: 2 },
      { bubbleId: 'b6', type: 1 },
      { bubbleId: 'b7', type: 2 },
    ],
  });
  put(global, 'cursorDiskKV', `bubbleId:${C1}:b1`, { bubbleId: 'b1', type: 1, text: 'Add a retry to fetchJson', createdAt: '2025-06-15T15:06:40.000Z' }, true);
  put(global, 'cursorDiskKV', `bubbleId:${C1}:b2`, { bubbleId: 'b2', type: 2, text: 'I will wrap it in a loop.', thinking: { text: 'needs backoff' }, timingInfo: { clientStartTime: 1750000001000 } });
  put(global, 'cursorDiskKV', `bubbleId:${C1}:b3`, {
    bubbleId: 'b3',
    type: 2,
    text: '',
    capabilityType: 15,
    toolFormerData: { tool: 38, name: 'search_replace', status: 'completed', rawArgs: JSON.stringify({ file_path: 'src/fetch.ts', old_string: 'return get(url)', new_string: 'return retry(() => get(url))' }) },
  });
  put(global, 'cursorDiskKV', `bubbleId:${C1}:b4`, { bubbleId: 'b4', type: 2, text: 'hidden' });
  put(global, 'cursorDiskKV', `bubbleId:${C1}:b5`, {
    bubbleId: 'b5',
    type: 2,
    text: '',
    toolFormerData: { name: 'edit_file', status: 'completed', params: JSON.stringify({ relativeWorkspacePath: 'src/retry.ts' }), rawArgs: JSON.stringify({ target_file: 'src/retry.ts', code_edit: 'export const retry = 1;' }) },
  });
  put(global, 'cursorDiskKV', `bubbleId:${C1}:b6`, { bubbleId: 'b6', type: 1, text: 'Now delete the old helper' });
  put(global, 'cursorDiskKV', `bubbleId:${C1}:b7`, { bubbleId: 'b7', type: 2, text: '', toolFormerData: { name: 'delete_file', status: 'completed', userDecision: 'rejected', rawArgs: '{"target_file":"src/old.ts"}' } });

  put(global, 'cursorDiskKV', `composerData:${C2}`, {
    composerId: C2,
    name: 'Old chat',
    createdAt: 1740000000000,
    lastUpdatedAt: 1740000000500,
    conversation: [
      { bubbleId: 'x1', type: 1, text: 'What does main.py do?' },
      { bubbleId: 'x2', type: 2, text: 'It starts the server.' },
    ],
  });
  const wsB = join(user, 'workspaceStorage/0f9e8d7c');
  const wsDb = kvStore(join(wsB, 'state.vscdb'));
  writeFileSync(join(wsB, 'workspace.json'), JSON.stringify({ folder: 'file:///home/dev/server%20side' }));
  put(wsDb, 'ItemTable', 'composer.composerData', { allComposers: [{ composerId: C2 }], selectedComposerIds: [C2] });
  put(wsDb, 'ItemTable', 'workbench.panel.aichat.view.aichat.chatdata', {
    tabs: [{ tabId: 'tab-1', chatTitle: 'Legacy chat', lastSendTime: 1700000000000, bubbles: [{ id: 'u1', type: 'user', text: 'Explain the router' }, { id: 'a1', type: 'ai', text: 'It maps paths.', modelType: 'gpt-4' }] }],
  });
  return { user, global, globalPath };
}

describe('cursor adapter: agent transcripts', () => {
  // By hand (python over the fixture): 11 lines; line 1 is the user's <user_query>, lines 2-11 are
  // assistant lines, each with a text block; 10 tool_use blocks (Read x3, WebSearch x4, WebFetch,
  // Grep, Write); one edit: Write to /Users/aidancunniffe/Desktop/testing-gitflows-git-ai/hbo-shows-1990s.txt.
  it('reads the real transcript: 1 prompt, 10 answers, 10 tool calls, 1 Write edit', async () => {
    const r = await collect(cursor, TRANSCRIPT);
    expect(r.skips).toEqual([]);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.id).toBe('cursor:cursor-session-simple');
    expect(r.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(["Generate a file with all the HBO shows from the 90's in it"]);
    expect(countWhere(r.messages, (m) => m.role === 'assistant' && m.kind === 'text')).toBe(10);
    expect(countWhere(r.messages, (m) => m.kind === 'tool_call')).toBe(10);
    expect(r.edits.map((e) => [e.tool, e.path])).toEqual([['Write', '/Users/aidancunniffe/Desktop/testing-gitflows-git-ai/hbo-shows-1990s.txt']]);
    expect(r.edits[0]!.requestId).toBe('cursor:cursor-session-simple:L1');
    expect(r.edits[0]!.newText).toMatch(/^HBO shows that aired during the 1990s/);
    // The transcript has no cwd; the project slug is kept only as a hint, never as the cwd.
    expect(r.sessions[0]!.cwd).toBeUndefined();
  });

  it('reads appended lines from the offset, waits for a partial line, and takes the cwd from <user_info>', async () => {
    const dir = join(tempDir(), '.cursor/projects/home-dev-app/agent-transcripts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'abc.jsonl');
    const user = { role: 'user', message: { content: [{ type: 'text', text: '<user_info>\nOS: linux\nWorkspace Path: /home/dev/app\n</user_info>\n<user_query>\nFix the build\n</user_query>' }] } };
    writeFileSync(file, `${JSON.stringify(user)}\n`);
    const first = await collect(cursor, file);
    expect(first.sessions[0]).toMatchObject({ id: 'cursor:abc', cwd: '/home/dev/app', title: 'Fix the build' });
    const answer = JSON.stringify({ role: 'assistant', message: { content: [{ type: 'tool_use', name: 'StrReplace', input: { path: 'src/a.ts', old_string: 'a', new_string: 'b' } }] } });
    appendFileSync(file, answer.slice(0, 30));
    const partial = await collect(cursor, file, first.cursor);
    expect([partial.messages.length, partial.skips.length, partial.cursor!.offset]).toEqual([0, 0, first.cursor!.offset]);
    appendFileSync(file, `${answer.slice(30)}\n[1,2]\n`);
    const rest = await collect(cursor, file, partial.cursor);
    expect(rest.sessions).toEqual([]);
    expect(rest.messages.map((m) => m.id)).toEqual(['cursor:abc:L2:0']);
    expect(rest.edits.map((e) => [e.path, e.cwd, e.oldText, e.newText, e.requestId])).toEqual([['src/a.ts', '/home/dev/app', 'a', 'b', 'cursor:abc:L1']]);
    expect(rest.skips).toEqual([{ line: 3, reason: 'not a transcript line ({role, message:{content}})' }]);
  });
});

describe('cursor adapter: state.vscdb', () => {
  it('reads composers and bubbles in header order, with cwd, prompts, thinking and edits', async () => {
    const { globalPath } = cursorUserDir();
    const r = await collect(cursor, globalPath);
    expect(r.skips).toEqual([]);
    expect(r.sessions.map((s) => [s.id, s.cwd, s.title])).toEqual([
      [`cursor:${C1}`, '/home/dev/app', 'Add retry to fetch'],
      [`cursor:${C2}`, '/home/dev/server side', 'Old chat'],
    ]);
    const c1 = r.messages.filter((m) => m.sessionId === `cursor:${C1}`);
    expect(c1.map((m) => [m.role, m.kind, m.content.slice(0, 25)])).toEqual([
      ['user', 'prompt', 'Add a retry to fetchJson'],
      ['assistant', 'thinking', 'needs backoff'],
      ['assistant', 'text', 'I will wrap it in a loop.'],
      ['assistant', 'tool_call', 'search_replace {"file_pat'],
      ['assistant', 'tool_call', 'edit_file {"relativeWorks'],
      ['user', 'prompt', 'Now delete the old helper'],
      ['assistant', 'tool_call', 'delete_file {"target_file'],
    ]);
    expect(c1[2]!.createdAt).toBe('2025-06-15T15:06:41.000Z');
    // The rejected delete_file is not an edit.
    expect(r.edits.map((e) => [e.tool, e.path, e.cwd, e.oldText, e.newText, e.requestId])).toEqual([
      ['search_replace', 'src/fetch.ts', '/home/dev/app', 'return get(url)', 'return retry(() => get(url))', `cursor:${C1}:b1`],
      ['edit_file', 'src/retry.ts', '/home/dev/app', undefined, 'export const retry = 1;', `cursor:${C1}:b1`],
    ]);
    expect(r.messages.filter((m) => m.sessionId === `cursor:${C2}`).map((m) => m.content)).toEqual(['What does main.py do?', 'It starts the server.']);
  });

  it('reads only the composers whose lastUpdatedAt changed', async () => {
    const { global, globalPath } = cursorUserDir();
    const first = await collect(cursor, globalPath);
    const same = await collect(cursor, globalPath, first.cursor);
    expect([same.sessions.length, same.messages.length]).toEqual([0, 0]);
    put(global, 'cursorDiskKV', `bubbleId:${C2}:x3`, { bubbleId: 'x3', type: 1, text: 'and tests?' });
    const composer = JSON.parse(global.prepare('SELECT value FROM cursorDiskKV WHERE key = ?').pluck().get(`composerData:${C2}`) as string);
    composer.lastUpdatedAt += 1000;
    composer.conversation.push({ bubbleId: 'x3', type: 1, text: 'and tests?' });
    put(global, 'cursorDiskKV', `composerData:${C2}`, composer);
    const next = await collect(cursor, globalPath, same.cursor);
    expect(next.sessions.map((s) => s.id)).toEqual([`cursor:${C2}`]);
    expect(next.messages.map((m) => m.content)).toEqual(['What does main.py do?', 'It starts the server.', 'and tests?']);
  });

  it('reads legacy chat tabs from a workspace store with the folder of its workspace.json', async () => {
    const { user } = cursorUserDir();
    const r = await collect(cursor, join(user, 'workspaceStorage/0f9e8d7c/state.vscdb'));
    expect(r.skips).toEqual([]);
    expect(r.sessions.map((s) => [s.id, s.cwd, s.title])).toEqual([['cursor:tab-1', '/home/dev/server side', 'Legacy chat']]);
    expect(r.messages.map((m) => [m.role, m.kind, m.content])).toEqual([['user', 'prompt', 'Explain the router'], ['assistant', 'text', 'It maps paths.']]);
  });

  it('skips bad values and a corrupt store without throwing', async () => {
    const { global, globalPath } = cursorUserDir();
    global.prepare('INSERT INTO cursorDiskKV VALUES (?, ?)').run('composerData:broken', '{"composerId": ');
    global.prepare('INSERT INTO cursorDiskKV VALUES (?, ?)').run(`bubbleId:${C1}:b9`, 'not json');
    const r = await collect(cursor, globalPath);
    expect(r.skips.map((s) => s.reason)).toEqual(['composerData:broken: bad JSON', `bubbleId:${C1}:b9: bad JSON`]);
    expect(r.sessions).toHaveLength(2);

    const bad = join(tempDir(), 'globalStorage/state.vscdb');
    mkdirSync(join(bad, '..'));
    writeFileSync(bad, Buffer.alloc(4096, 0x41));
    const corrupt = await collect(cursor, bad);
    expect(corrupt.skips).toHaveLength(1);
    expect(corrupt.skips[0]!.reason).toMatch(/store corrupt, will retry/);
    expect(corrupt.checkpoints).toEqual([]);
  });

  it('reads a store Cursor is writing to from a snapshot, and Cursor is never blocked', async () => {
    const { global, globalPath } = cursorUserDir();
    global.exec('BEGIN EXCLUSIVE');
    put(global, 'cursorDiskKV', `bubbleId:${C2}:uncommitted`, { type: 1, text: 'not yet' });
    const r = await collect(cursor, globalPath);
    expect(r.skips).toEqual([]);
    expect(r.sessions).toHaveLength(2);
    expect(r.messages.map((m) => m.content)).not.toContain('not yet');
    global.exec('COMMIT');
    expect(global.prepare("SELECT count(*) FROM cursorDiskKV WHERE key LIKE 'bubbleId:%uncommitted'").pluck().get()).toBe(1);
  });
});

describe('cursor adapter: cursor-agent store.db', () => {
  // Built from the documented layout (specstory cursorcli/sqlite_reader.go): meta key '0' holds
  // hex-encoded JSON; blobs hold JSON messages and binary tree nodes.
  function agentStore(): string {
    const path = join(tempDir(), '.cursor/chats/5d41402abc4b2a76b9719d911017c592/agent-1/store.db');
    mkdirSync(join(path, '..'), { recursive: true });
    const db = new Database(path);
    open.push(db);
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE blobs (id TEXT PRIMARY KEY, data BLOB);');
    db.prepare('INSERT INTO meta VALUES (?, ?)').run('0', Buffer.from(JSON.stringify({ agentId: 'agent-1', name: 'Rename util', createdAt: 1760000000000, mode: 'default' })).toString('hex'));
    const blob = (id: string, value: unknown) => db.prepare('INSERT INTO blobs VALUES (?, ?)').run(id, Buffer.from(JSON.stringify(value)));
    blob('h1', { role: 'system', content: 'You are a coding agent.' });
    blob('h2', { role: 'user', content: [{ type: 'text', text: '<user_info>\nWorkspace Path: /home/dev/cli\n</user_info>' }] });
    blob('h3', { role: 'user', content: [{ type: 'text', text: '<user_query>\nRename util to helpers\n</user_query>' }] });
    db.prepare('INSERT INTO blobs VALUES (?, ?)').run('n1', Buffer.from([0x0a, 0x20, 0x01, 0x02, 0x03]));
    blob('h4', { role: 'assistant', content: [{ type: 'reasoning', text: 'simple rename' }, { type: 'text', text: 'Renaming.' }, { type: 'tool-call', toolCallId: 'call-1', toolName: 'edit_file', args: { target_file: 'src/util.ts', code_edit: 'export {}' } }] });
    blob('h5', { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call-1', toolName: 'edit_file', result: 'ok' }] });
    return path;
  }

  it('reads messages in order, the cwd from <user_info>, and edits', async () => {
    const r = await collect(cursor, agentStore());
    expect(r.skips).toEqual([]);
    expect(r.sessions).toEqual([expect.objectContaining({ id: 'cursor:agent-1', cwd: '/home/dev/cli', title: 'Rename util', createdAt: '2025-10-09T08:53:20.000Z' })]);
    expect(r.messages.map((m) => [m.role, m.kind])).toEqual([
      ['system', 'meta'],
      ['user', 'meta'],
      ['user', 'prompt'],
      ['assistant', 'thinking'],
      ['assistant', 'text'],
      ['assistant', 'tool_call'],
      ['tool', 'tool_result'],
    ]);
    expect(r.edits.map((e) => [e.path, e.cwd, e.newText, e.requestId])).toEqual([['src/util.ts', '/home/dev/cli', 'export {}', 'cursor:agent-1:h3']]);
  });

  it('re-reads the store only when it changes', async () => {
    const path = agentStore();
    const first = await collect(cursor, path);
    const again = await collect(cursor, path, first.cursor);
    expect(again.messages).toEqual([]);
    open[0]!.prepare('INSERT INTO blobs VALUES (?, ?)').run('h6', Buffer.from(JSON.stringify({ role: 'user', content: [{ type: 'text', text: '<user_query>thanks</user_query>' }] })));
    const third = await collect(cursor, path, again.cursor);
    expect(third.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['Rename util to helpers', 'thanks']);
  });
});

describe('cursor adapter: locate', () => {
  it.each([
    ['linux', {}, '.config/Cursor/User', '.cursor'],
    ['darwin', {}, 'Library/Application Support/Cursor/User', '.cursor'],
    ['win32', { APPDATA: 'AppData/Roaming' }, 'AppData/Roaming/Cursor/User', '.cursor'],
    ['linux', { CURSOR_CONFIG_DIR: 'cfg', XDG_CONFIG_HOME: 'xdg' }, 'xdg/Cursor/User', 'cfg'],
  ] as const)('finds every store on %s %o', async (platform, env, userRel, homeRel) => {
    const home = tempDir('lore-home-');
    const files = [
      `${userRel}/globalStorage/state.vscdb`,
      `${userRel}/workspaceStorage/ab12/state.vscdb`,
      `${homeRel}/projects/home-dev-app/agent-transcripts/t1.jsonl`,
      `${homeRel}/projects/home-dev-app/agent-transcripts/t2/t2.jsonl`,
      `${homeRel}/chats/5d41402abc4b2a76b9719d911017c592/agent-1/store.db`,
    ];
    for (const f of files) {
      mkdirSync(join(home, f, '..'), { recursive: true });
      writeFileSync(join(home, f), '');
    }
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, join(home, v)]));
    const found = await cursor.locate(envFor(home, platform, resolved));
    expect(found.sort()).toEqual(files.map((f) => join(home, f)).sort());
    expect(found.every((f) => cursor.matches(f))).toBe(true);
  });
});
