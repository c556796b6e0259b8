import { basename, dirname, join } from 'node:path';
import { type ForeignStore, openForeignStore } from '../db/index.js';
import { isRecord, parseJson, promptTitle, recordOf, resumePoint, str, wholeFileCursor } from './file-state.js';
import { readJsonl } from './jsonl.js';
import { patchTargets, type EditTarget } from './patch-text.js';
import { storeReadStart, storeSkip } from './store-read.js';
import type { Cursor, FileEditRecord, MessageRecord, SourceAdapter, SourceEnv, SourceRecord } from './types.js';
import { isDir, isFile, listDir, toIso, unique, VSCODE_ENV, vscodeUserDirs, workspaceFolder } from './vscode-paths.js';

/**
 * Cursor (docs/sources.md). Four kinds of file, told apart by name:
 * - `User/globalStorage/state.vscdb`: composers (`cursorDiskKV` keys `composerData:<id>`) and their
 *   bubbles (`bubbleId:<composerId>:<bubbleId>`), the Composer/Agent/Chat history of Cursor ≥ 0.43.
 *   Only composers whose `lastUpdatedAt` changed are read again.
 * - `User/workspaceStorage/<hash>/state.vscdb`: the legacy AI chat tabs
 *   (`workbench.panel.aichat.view.aichat.chatdata`); its `workspace.json` gives the folder.
 * - `~/.cursor/projects/<slug>/agent-transcripts/<id>.jsonl`: agent transcripts, appended; they
 *   carry no cwd, no ids and no times (lines are keyed by number, times are the file's mtime).
 * - `~/.cursor/chats/<md5(cwd)>/<id>/store.db`: cursor-agent CLI chats; JSON message blobs.
 * Both SQLite stores are read through src/db's read-only foreign-store helpers: never written,
 * never locked against Cursor (a busy store is read from a private snapshot).
 */

const TOOL = 'cursor';

/** Edit tools of the IDE (specstory cursoride/tool_handlers.go) and of the agent (git-ai classify_tool). */
const EDIT_TOOLS = new Set([
  'edit_file',
  'edit_file_v2',
  'search_replace',
  'write',
  'MultiEdit',
  'multi_edit',
  'edit_notebook',
  'reapply',
  'delete_file',
  'apply_patch',
  'Write',
  'StrReplace',
  'Delete',
  'ApplyPatch',
  'Edit',
  'EditNotebook',
]);

export const cursor: SourceAdapter = {
  id: 'cursor',
  name: 'Cursor',
  envOverrides: ['CURSOR_CONFIG_DIR', ...VSCODE_ENV],
  commitMarkers: [/^co-authored-by:.*\bcursor\b/im, /generated with \[?cursor/i],
  watchRoots(senv) {
    const { editors, projects, chats } = cursorStores(senv);
    return [
      ...editors.flatMap(({ globalStorage, workspaceStorage }) => [
        { path: globalStorage, depth: 1 },
        { path: workspaceStorage, depth: 2 },
      ]),
      { path: projects, depth: 4 },
      { path: chats, depth: 3 },
    ];
  },
  // The state stores and store.db (and their WAL, written before the main file), agent transcripts.
  watchedFiles: /\.(vscdb|db)(-wal)?$|\.jsonl$/,
  async locate(senv) {
    const found: string[] = [];
    const { editors, projects, chats } = cursorStores(senv);
    for (const { globalStorage, workspaceStorage: ws } of editors) {
      const global = join(globalStorage, 'state.vscdb');
      if (isFile(global)) found.push(global);
      for (const hash of listDir(ws)) if (isFile(join(ws, hash, 'state.vscdb'))) found.push(join(ws, hash, 'state.vscdb'));
    }
    for (const slug of listDir(projects)) {
      const dir = join(projects, slug, 'agent-transcripts');
      for (const entry of listDir(dir)) {
        const path = join(dir, entry);
        if (entry.endsWith('.jsonl') && isFile(path)) found.push(path);
        // Newer layout: agent-transcripts/<id>/<id>.jsonl
        else if (isDir(path)) for (const f of listDir(path)) if (f.endsWith('.jsonl')) found.push(join(path, f));
      }
    }
    for (const hash of listDir(chats)) for (const id of listDir(join(chats, hash))) if (isFile(join(chats, hash, id, 'store.db'))) found.push(join(chats, hash, id, 'store.db'));
    return unique(found);
  },
  matches(path) {
    const parts = path.split(/[\\/]+/);
    const name = parts.at(-1) ?? '';
    // Only Cursor's own state stores: VS Code and the other forks keep a state.vscdb of the same name.
    if (name === 'state.vscdb') return parts.includes('Cursor') || parts.includes('.cursor-server');
    if (name === 'store.db') return parts.includes('chats');
    return name.endsWith('.jsonl') && parts.includes('agent-transcripts');
  },
  read(file, from) {
    const name = basename(file);
    if (name === 'store.db') return readAgentStore(file, from);
    if (name.endsWith('.vscdb')) return basename(dirname(file)) === 'globalStorage' ? readGlobalStore(file, from) : readWorkspaceStore(file, from);
    return readTranscript(file, from);
  },
};

/**
 * The editor's `globalStorage/state.vscdb` and `workspaceStorage/<hash>/state.vscdb`, and below
 * `$CURSOR_CONFIG_DIR` or `~/.cursor`: `projects/<slug>/agent-transcripts/` and `chats/<hash>/<id>/store.db`.
 */
function cursorStores(senv: SourceEnv): { editors: Array<{ globalStorage: string; workspaceStorage: string }>; projects: string; chats: string } {
  const home = senv.env.CURSOR_CONFIG_DIR || join(senv.home, '.cursor');
  return {
    editors: vscodeUserDirs(senv, ['Cursor']).map((user) => ({ globalStorage: join(user, 'globalStorage'), workspaceStorage: join(user, 'workspaceStorage') })),
    projects: join(home, 'projects'),
    chats: join(home, 'chats'),
  };
}

function message(m: MessageRecord): SourceRecord {
  return { kind: 'message', message: m };
}

/** A JSON value stored as TEXT or BLOB. */
function decode(value: unknown): unknown {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof text !== 'string') return undefined;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

/** Files an edit tool call changes, from its arguments (paths as written: absolute or workspace-relative). */
function editTargets(name: string, a: Record<string, unknown>): EditTarget[] {
  if (!EDIT_TOOLS.has(name)) return [];
  const patch = name === 'apply_patch' || name === 'ApplyPatch' ? (str(a.patch) ?? str(a.input) ?? str(a.patchText)) : undefined;
  if (patch) return patchTargets(patch);
  const path = str(a.relativeWorkspacePath) ?? str(a.target_file) ?? str(a.targetFile) ?? str(a.file_path) ?? str(a.filePath) ?? str(a.path) ?? str(a.target_notebook);
  if (!path) return [];
  if (Array.isArray(a.edits)) {
    const edits = a.edits.filter(isRecord);
    if (edits.length > 0) return edits.map((e) => ({ path, oldText: str(e.old_string) ?? str(e.oldString), newText: str(e.new_string) ?? str(e.newString) }));
  }
  return [
    {
      path,
      oldText: str(a.old_string) ?? str(a.oldString) ?? str(a.old_str),
      newText: str(a.new_string) ?? str(a.newString) ?? str(a.new_str) ?? str(a.contents) ?? str(a.content) ?? str(a.code_edit) ?? str(a.file_text),
    },
  ];
}

function* editsFor(
  tool: string,
  a: Record<string, unknown>,
  ctx: { sessionId: string; messageId: string; requestId?: string; cwd?: string; createdAt?: string },
): Generator<SourceRecord> {
  let n = 0;
  for (const t of editTargets(tool, a)) {
    const edit: FileEditRecord = { id: `${ctx.messageId}#${n++}`, sessionId: ctx.sessionId, messageId: ctx.messageId, requestId: ctx.requestId, path: t.path, cwd: ctx.cwd, tool, oldText: t.oldText, newText: t.newText, ...(t.patch ? { patch: t.patch } : {}), createdAt: ctx.createdAt };
    yield { kind: 'edit', edit };
  }
}

/** The human request inside Cursor's wrapper tags; undefined when the text is only injected context. */
function userQuery(text: string): { prompt?: string; workspace?: string } {
  const workspace = /Workspace Path:\s*(\S[^\n<]*)/.exec(text)?.[1]?.trim();
  const q = /<user_query>\s*([\s\S]*?)\s*<\/user_query>/.exec(text);
  if (q) return { prompt: q[1], workspace };
  if (/^\s*<(user_info|system_reminder|additional_data|attached_files|rules)>/.test(text)) return { workspace };
  return { prompt: text, workspace };
}

// ---------------------------------------------------------------------------------------------
// Agent transcripts (JSONL, appended): {role, message:{content:[{type:text,text}|{type:tool_use,name,input}]}}.

interface TranscriptState {
  line?: number;
  promptId?: string;
  cwd?: string;
}

async function* readTranscript(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  if (!isFile(file)) {
    yield { kind: 'skip', reason: `${file}: not a readable file` };
    return;
  }
  const { start, cursorAt } = resumePoint(file, from);
  const prev = start > 0 && isRecord(from?.state) ? (from.state as TranscriptState) : {};
  const st: TranscriptState = { line: 1, ...prev };
  const nativeId = basename(file, '.jsonl');
  const sessionId = `${TOOL}:${nativeId}`;
  // No time in the data: the file's mtime when the lines were read is the best we know.
  const at = toIso(cursorAt(0).mtimeMs);
  const slug = basename(dirname(dirname(file))) === nativeId ? basename(dirname(dirname(dirname(file)))) : basename(dirname(dirname(file)));
  let offset = start;
  let sessionYielded = start > 0;
  for await (const line of readJsonl(file, { offset: start, startLine: st.line })) {
    offset = line.end;
    st.line = line.line + 1;
    if (line.error) {
      yield { kind: 'skip', line: line.line, reason: line.error };
      continue;
    }
    const v = line.value;
    const content = isRecord(v) && isRecord(v.message) ? v.message.content : undefined;
    const role = isRecord(v) ? v.role : undefined;
    if ((role !== 'user' && role !== 'assistant') || !(Array.isArray(content) || typeof content === 'string')) {
      yield { kind: 'skip', line: line.line, reason: 'not a transcript line ({role, message:{content}})' };
      continue;
    }
    const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : content.filter(isRecord);
    const id = `${sessionId}:L${line.line}`;
    if (role === 'user') {
      const text = blocks.map((b) => (b.type === 'text' ? (str(b.text) ?? '') : '')).join('\n');
      const q = userQuery(text);
      if (q.workspace) st.cwd ??= q.workspace;
      if (!sessionYielded) {
        sessionYielded = true;
        yield { kind: 'session', session: { id: sessionId, source: 'cursor', cwd: st.cwd, title: q.prompt !== undefined ? promptTitle(q.prompt) : undefined, createdAt: at, metadata: { format: 'agent-transcript', projectSlug: slug, timesFromMtime: true } } };
      }
      if (q.prompt !== undefined) st.promptId = id;
      yield message({ id, sessionId, role: 'user', kind: q.prompt !== undefined ? 'prompt' : 'meta', content: q.prompt ?? text, createdAt: at });
      continue;
    }
    if (!sessionYielded) {
      sessionYielded = true;
      yield { kind: 'session', session: { id: sessionId, source: 'cursor', cwd: st.cwd, createdAt: at, metadata: { format: 'agent-transcript', projectSlug: slug, timesFromMtime: true } } };
    }
    const text = blocks.filter((b) => b.type === 'text').map((b) => str(b.text) ?? '').join('\n');
    if (text) yield message({ id, sessionId, role: 'assistant', kind: 'text', content: text, createdAt: at });
    let i = 0;
    for (const b of blocks) {
      if (b.type !== 'tool_use') continue;
      const name = str(b.name) ?? 'unknown';
      const input = recordOf(b.input);
      const callId = `${id}:${i++}`;
      yield message({ id: callId, sessionId, role: 'assistant', kind: 'tool_call', content: `${name} ${JSON.stringify(input)}`, createdAt: at, metadata: { tool: name } });
      yield* editsFor(name, input, { sessionId, messageId: callId, requestId: st.promptId, cwd: st.cwd, createdAt: at });
    }
  }
  yield { kind: 'checkpoint', cursor: cursorAt(offset, st) };
}

// ---------------------------------------------------------------------------------------------
// Global state.vscdb: composers and bubbles.

interface Bubble {
  id: string;
  data: Record<string, unknown>;
}

async function* readGlobalStore(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const start = storeReadStart(file, from, 'composers');
  if ('kind' in start) {
    yield start;
    return;
  }
  const { stamp, seen } = start;
  const next: Record<string, number> = {};
  let store: ForeignStore | undefined;
  try {
    store = openForeignStore(file);
    if (!store.tables().includes('cursorDiskKV')) {
      yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp, { composers: next }) };
      return;
    }
    // One short statement for the index (lastUpdatedAt of every composer), then one per changed composer.
    const index = store.all<{ key: string; updated: unknown; valid: number }>(
      "SELECT key, CASE WHEN json_valid(CAST(value AS TEXT)) THEN json_extract(CAST(value AS TEXT), '$.lastUpdatedAt') END AS updated, json_valid(CAST(value AS TEXT)) AS valid FROM cursorDiskKV WHERE key >= 'composerData:' AND key < 'composerData;'",
    );
    let folders: Map<string, string> | undefined;
    for (const row of index) {
      const cid = row.key.slice('composerData:'.length);
      if (!row.valid) {
        yield { kind: 'skip', reason: `${row.key}: bad JSON` };
        continue;
      }
      const version = Number(row.updated) || 0;
      next[cid] = version;
      if (seen[cid] === version && version !== 0) continue;
      const value = store.all<{ value: unknown }>('SELECT value FROM cursorDiskKV WHERE key = ?', [row.key])[0]?.value;
      const composer = decode(value);
      if (!isRecord(composer)) {
        yield { kind: 'skip', reason: `${row.key}: not a composer object` };
        continue;
      }
      let cwd = composerFolder(composer);
      if (!cwd) {
        folders ??= workspaceComposerFolders(dirname(dirname(file)));
        cwd = folders.get(cid);
      }
      const bubbles = new Map<string, Bubble>();
      const prefix = `bubbleId:${cid}:`;
      for (const b of store.all<{ key: string; value: unknown }>('SELECT key, value FROM cursorDiskKV WHERE key >= ? AND key < ?', [prefix, `bubbleId:${cid};`])) {
        const data = decode(b.value);
        if (isRecord(data)) bubbles.set(b.key.slice(prefix.length), { id: b.key.slice(prefix.length), data });
        else if (b.value !== null) yield { kind: 'skip', reason: `${b.key}: bad JSON` };
      }
      yield* mapComposer(cid, composer, bubbles, cwd);
    }
  } catch (err) {
    // No checkpoint: the stored cursor stays, so the next pass retries.
    yield storeSkip(file, err);
    return;
  } finally {
    store?.close();
  }
  yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp, { composers: next }) };
}

function composerFolder(composer: Record<string, unknown>): string | undefined {
  const ws = isRecord(composer.workspaceIdentifier) ? composer.workspaceIdentifier : undefined;
  const uri = ws && isRecord(ws.uri) ? ws.uri : undefined;
  return str(uri?.fsPath) ?? str(uri?.path);
}

/** composerId → workspace folder, from each workspace store's `composer.composerData` and its workspace.json. */
function workspaceComposerFolders(userDir: string): Map<string, string> {
  const map = new Map<string, string>();
  const ws = join(userDir, 'workspaceStorage');
  for (const hash of listDir(ws)) {
    const db = join(ws, hash, 'state.vscdb');
    if (!isFile(db)) continue;
    const folder = workspaceFolder(join(ws, hash));
    if (!folder) continue;
    let store: ForeignStore | undefined;
    try {
      store = openForeignStore(db);
      const value = decode(store.all<{ value: unknown }>("SELECT value FROM ItemTable WHERE key = 'composer.composerData'")[0]?.value);
      if (!isRecord(value)) continue;
      const ids = [
        ...(Array.isArray(value.allComposers) ? value.allComposers.map((c) => (isRecord(c) ? str(c.composerId) : undefined)) : []),
        ...(Array.isArray(value.selectedComposerIds) ? value.selectedComposerIds.map(str) : []),
      ];
      for (const id of ids) if (id && !map.has(id)) map.set(id, folder);
    } catch {
      // A workspace store we cannot read only costs the fallback mapping.
    } finally {
      store?.close();
    }
  }
  return map;
}

function* mapComposer(cid: string, composer: Record<string, unknown>, bubbles: Map<string, Bubble>, cwd: string | undefined): Generator<SourceRecord> {
  const sessionId = `${TOOL}:${cid}`;
  const composerAt = toIso(composer.createdAt);
  yield {
    kind: 'session',
    session: {
      id: sessionId,
      source: 'cursor',
      cwd,
      title: str(composer.name),
      createdAt: composerAt,
      metadata: { format: 'composer', version: composer._v, lastMessageAt: toIso(composer.lastUpdatedAt), mode: composer.unifiedMode ?? composer.forceMode },
    },
  };
  // Order: the headers list (Cursor ≥ 0.43), else the inline conversation of older composers.
  const ordered: Bubble[] = [];
  if (Array.isArray(composer.fullConversationHeadersOnly)) {
    for (const h of composer.fullConversationHeadersOnly) {
      if (!isRecord(h)) continue;
      const id = str(h.bubbleId);
      const b = id ? bubbles.get(id) : undefined;
      if (isRecord(h.grouping) && h.grouping.isRenderable === false) continue;
      if (b) ordered.push(b);
    }
  } else if (Array.isArray(composer.conversation)) {
    composer.conversation.forEach((b, i) => {
      if (isRecord(b)) ordered.push({ id: str(b.bubbleId) ?? `c${i}`, data: b });
    });
  }
  let promptId: string | undefined;
  let lastAt = composerAt;
  for (const { id: bid, data: b } of ordered) {
    const id = `${sessionId}:${bid}`;
    const timing = isRecord(b.timingInfo) ? b.timingInfo : {};
    const at = toIso(b.createdAt) ?? toIso(timing.clientStartTime) ?? lastAt;
    lastAt = at;
    const text = str(b.text) ?? str(b.rawText) ?? '';
    if (b.type === 1) {
      promptId = id;
      yield message({ id, sessionId, role: 'user', kind: 'prompt', content: text, createdAt: at });
      continue;
    }
    if (b.type !== 2) continue;
    const thinking = isRecord(b.thinking) ? str(b.thinking.text) : undefined;
    if (thinking) yield message({ id: `${id}:thinking`, sessionId, role: 'assistant', kind: 'thinking', content: thinking, createdAt: at });
    if (text) yield message({ id, sessionId, role: 'assistant', kind: 'text', content: text, createdAt: at, metadata: { model: isRecord(b.modelInfo) ? str(b.modelInfo.modelName) : undefined } });
    const tf = isRecord(b.toolFormerData) ? b.toolFormerData : undefined;
    if (!tf) continue;
    const name = str(tf.name) ?? String(tf.tool ?? 'unknown');
    const a = { ...recordOf(tf.params), ...recordOf(tf.rawArgs) };
    const callId = `${id}:tool`;
    yield message({ id: callId, sessionId, role: 'assistant', kind: 'tool_call', content: `${name} ${JSON.stringify(a)}`, createdAt: at, metadata: { tool: name, status: str(tf.status) } });
    const rejected = tf.userDecision === 'rejected' || tf.status === 'error' || tf.status === 'cancelled';
    if (!rejected) yield* editsFor(name, a, { sessionId, messageId: callId, requestId: promptId, cwd, createdAt: at });
  }
}

// ---------------------------------------------------------------------------------------------
// Workspace state.vscdb: legacy AI chat tabs.

async function* readWorkspaceStore(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const start = storeReadStart(file, from, undefined, [join(dirname(file), 'workspace.json')]);
  if ('kind' in start) {
    yield start;
    return;
  }
  const { stamp } = start;
  const cwd = workspaceFolder(dirname(file));
  let store: ForeignStore | undefined;
  try {
    store = openForeignStore(file);
    if (!store.tables().includes('ItemTable')) {
      yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
      return;
    }
    const raw = store.all<{ value: unknown }>("SELECT value FROM ItemTable WHERE key = 'workbench.panel.aichat.view.aichat.chatdata'")[0]?.value;
    if (raw !== undefined) {
      const chat = decode(raw);
      if (!isRecord(chat) || !Array.isArray(chat.tabs)) yield { kind: 'skip', reason: `${file}: aichat chatdata is not {tabs: []}` };
      else for (const tab of chat.tabs) yield* mapChatTab(tab, cwd);
    }
  } catch (err) {
    yield storeSkip(file, err);
    return;
  } finally {
    store?.close();
  }
  yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
}

function* mapChatTab(tab: unknown, cwd: string | undefined): Generator<SourceRecord> {
  if (!isRecord(tab) || !str(tab.tabId) || !Array.isArray(tab.bubbles)) {
    yield { kind: 'skip', reason: 'aichat tab without tabId or bubbles' };
    return;
  }
  const sessionId = `${TOOL}:${str(tab.tabId)}`;
  const at = toIso(tab.lastSendTime) ?? toIso(tab.timestamp);
  yield { kind: 'session', session: { id: sessionId, source: 'cursor', cwd, title: str(tab.chatTitle), createdAt: at, metadata: { format: 'aichat' } } };
  for (const [i, b] of tab.bubbles.entries()) {
    if (!isRecord(b)) continue;
    const id = `${sessionId}:${str(b.id) ?? `b${i}`}`;
    const text = str(b.text) ?? str(b.rawText) ?? '';
    if (b.type === 'user') yield message({ id, sessionId, role: 'user', kind: 'prompt', content: text, createdAt: at });
    else if (b.type === 'ai' && text) yield message({ id, sessionId, role: 'assistant', kind: 'text', content: text, createdAt: at, metadata: { model: str(b.modelType) } });
  }
}

// ---------------------------------------------------------------------------------------------
// cursor-agent store.db: meta('0' → hex JSON) and blobs(id, data); message blobs are JSON
// {role, content}, the others are binary tree nodes that only order them (ignored here: rowid order).

async function* readAgentStore(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const start = storeReadStart(file, from);
  if ('kind' in start) {
    yield start;
    return;
  }
  const { stamp } = start;
  let store: ForeignStore | undefined;
  try {
    store = openForeignStore(file);
    const tables = store.tables();
    if (!tables.includes('blobs')) {
      yield { kind: 'skip', reason: `${file}: not a cursor-agent store (no blobs table)` };
      yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
      return;
    }
    let meta: Record<string, unknown> = {};
    if (tables.includes('meta')) {
      const raw = store.all<{ value: unknown }>("SELECT value FROM meta WHERE key = '0'")[0]?.value;
      const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
      const json = /^[0-9a-fA-F]+$/.test(text) ? Buffer.from(text, 'hex').toString('utf8') : text;
      const parsed = json ? parseJson(json) : undefined;
      if (parsed?.ok && isRecord(parsed.value)) meta = parsed.value;
    }
    const nativeId = str(meta.agentId) ?? basename(dirname(file));
    const sessionId = `${TOOL}:${nativeId}`;
    const at = toIso(meta.createdAt);
    // First pass: the JSON message blobs, in rowid order, and the cwd from the injected <user_info>.
    const blobs: Array<{ id: string; m: Record<string, unknown>; parts: Array<Record<string, unknown>>; text: string }> = [];
    const skips: SourceRecord[] = [];
    let cwd: string | undefined;
    let title: string | undefined;
    for (const row of store.all<{ id: string; data: unknown }>('SELECT id, data FROM blobs ORDER BY rowid')) {
      const buf = Buffer.isBuffer(row.data) ? row.data : typeof row.data === 'string' ? Buffer.from(row.data) : undefined;
      if (!buf || buf[0] !== 0x7b) continue; // a tree node, not a message
      const parsed = parseJson(buf.toString('utf8'));
      if (!parsed.ok || !isRecord(parsed.value)) {
        skips.push({ kind: 'skip', reason: `blob ${row.id}: bad JSON` });
        continue;
      }
      const m = parsed.value;
      const parts = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content.filter(isRecord) : [];
      const text = parts.filter((p) => p.type === 'text').map((p) => str(p.text) ?? '').join('\n');
      if (m.role === 'user') {
        const q = userQuery(text);
        cwd ??= q.workspace;
        if (q.prompt !== undefined) title ??= promptTitle(q.prompt);
      }
      blobs.push({ id: row.id, m, parts, text });
    }
    yield { kind: 'session', session: { id: sessionId, source: 'cursor', cwd, title: str(meta.name) ?? title, createdAt: at, metadata: { format: 'cursor-agent', mode: meta.mode } } };
    yield* skips;
    let promptId: string | undefined;
    for (const { id: blobId, m, parts, text } of blobs) {
      const id = `${sessionId}:${blobId}`;
      if (m.role === 'system') {
        yield message({ id, sessionId, role: 'system', kind: 'meta', content: text, createdAt: at });
      } else if (m.role === 'user') {
        const q = userQuery(text);
        if (q.prompt !== undefined) promptId = id;
        yield message({ id, sessionId, role: 'user', kind: q.prompt !== undefined ? 'prompt' : 'meta', content: q.prompt ?? text, createdAt: at });
      } else if (m.role === 'assistant') {
        for (const p of parts) if (p.type === 'reasoning' && str(p.text)) yield message({ id: `${id}:thinking`, sessionId, role: 'assistant', kind: 'thinking', content: str(p.text)!, createdAt: at });
        if (text) yield message({ id, sessionId, role: 'assistant', kind: 'text', content: text, createdAt: at });
        for (const p of parts) {
          if (p.type !== 'tool-call' && p.type !== 'tool_use') continue;
          const name = str(p.toolName) ?? str(p.name) ?? 'unknown';
          const a = recordOf(p.args ?? p.input);
          const callId = `${id}:${str(p.toolCallId) ?? str(p.id) ?? name}`;
          yield message({ id: callId, sessionId, role: 'assistant', kind: 'tool_call', content: `${name} ${JSON.stringify(a)}`, createdAt: at, metadata: { tool: name } });
          yield* editsFor(name, a, { sessionId, messageId: callId, requestId: promptId, cwd, createdAt: at });
        }
      } else if (m.role === 'tool') {
        for (const [i, p] of parts.entries()) {
          const result = p.result ?? p.output ?? p.text;
          yield message({ id: `${id}:${i}`, sessionId, role: 'tool', kind: 'tool_result', content: typeof result === 'string' ? result : JSON.stringify(result ?? null), createdAt: at, metadata: { tool: str(p.toolName) } });
        }
      } else {
        yield { kind: 'skip', reason: `blob ${blobId}: unknown role ${JSON.stringify(m.role)}` };
      }
    }
  } catch (err) {
    yield storeSkip(file, err);
    return;
  } finally {
    store?.close();
  }
  yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
}
