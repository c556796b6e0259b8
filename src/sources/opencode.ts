import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type ForeignStore, openForeignStore } from '../db/index.js';
import { isRecord, parseJson, previousStamp, stampOf, str, wholeFileCursor } from './file-state.js';
import { patchTargets } from './patch-text.js';
import { storeReadStart, storeSkip } from './store-read.js';
import type { Cursor, FileEditRecord, MessageRecord, SourceAdapter, SourceEnv, SourceRecord } from './types.js';
import { isDir, isFile, listDir, toIso, unique } from './vscode-paths.js';

/**
 * OpenCode (docs/sources.md). Two stores, read separately:
 * - `<data>/opencode.db` and channel dbs `opencode-<channel>.db`: tables session, message, part
 *   (JSON `data` columns, epoch-ms times). Read-only through src/db's foreign-store helpers; a
 *   session is re-read only when the newest `time_updated` of its rows changes.
 * - the legacy `<data>/storage/` JSON tree; each `storage/message/<sessionID>/` dir is one unit.
 *   Ids come from file and dir names (as opencode's own json-migration does), so both stores
 *   produce the same message ids and dedupe.
 */

const TOOL = 'opencode';
const EDIT_TOOLS = new Set(['edit', 'write', 'multiedit', 'patch', 'apply_patch']);
const DB_NAME = /^opencode(-[A-Za-z0-9_.-]+)?\.db$/;

export const opencode: SourceAdapter = {
  id: 'opencode',
  name: 'OpenCode',
  envOverrides: ['OPENCODE_DATA_DIR', 'XDG_DATA_HOME', 'LOCALAPPDATA'],
  commitMarkers: [/^co-authored-by:.*\bopencode\b/im, /generated with \[?opencode/i],
  // The stores sit in the data dir; legacy parts at storage/part/<messageID>/<partID>.json.
  watchRoots: (senv) => dataDirs(senv).map((path) => ({ path, depth: 4 })),
  // The stores and their WAL; the legacy tree's JSON files.
  watchedFiles: /\.db(-wal)?$|\.json$/,
  async locate(senv) {
    const found: string[] = [];
    for (const dir of dataDirs(senv)) {
      for (const name of listDir(dir)) if (DB_NAME.test(name) && isFile(join(dir, name))) found.push(join(dir, name));
      const messages = join(dir, 'storage', 'message');
      for (const sid of listDir(messages)) if (isDir(join(messages, sid))) found.push(join(messages, sid));
    }
    return unique(found);
  },
  matches(path) {
    return DB_NAME.test(basename(path)) || legacyRoot(path) !== undefined;
  },
  read(file, from) {
    // A directory is a legacy `storage/message/<sessionID>` dir (under whatever the storage root is called).
    return isDir(file) ? readLegacy(file, from) : readDb(file, from);
  },
};

function dataDirs({ env, home, platform }: SourceEnv): string[] {
  const dirs: string[] = [];
  if (env.OPENCODE_DATA_DIR) dirs.push(env.OPENCODE_DATA_DIR);
  dirs.push(join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'opencode'));
  // opencode uses xdg-basedir everywhere; on Windows that resolves under the profile (unverified).
  dirs.push(join(home, '.local', 'share', 'opencode'));
  if (platform === 'win32' && env.LOCALAPPDATA) dirs.push(join(env.LOCALAPPDATA, 'opencode'));
  return unique(dirs);
}

/** `<data>/storage` when `path` is a legacy `storage/message/<sessionID>` dir. */
function legacyRoot(path: string): string | undefined {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  const n = parts.length;
  if (n >= 3 && parts[n - 2] === 'message' && parts[n - 3] === 'storage') return dirname(dirname(path));
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Shared mapping: one OpenCode message and its parts → records.

interface Part {
  id: string;
  data: Record<string, unknown>;
  createdMs?: number;
}

interface Turn {
  /** Id of the last human prompt, for FileEditRecord.requestId. */
  promptId?: string;
}

/**
 * The session's title: its own, else (none yet, or OpenCode's placeholder from
 * `Session.createDefaultTitle`) the first line of its first prompt, as for Claude Code.
 */
function titleOf(title: string | undefined, messages: Array<{ info: Record<string, unknown>; parts: Part[] }>): string | undefined {
  if (title && !/^(New session|Child session) - \d{4}-\d\d-\d\dT/.test(title)) return title;
  for (const { info, parts } of messages) {
    if (info.role !== 'user') continue;
    const typed = humanText(parts).split('\n').find((l) => l.trim())?.trim();
    if (typed) return typed;
  }
  return title;
}

/** The text parts a human wrote: synthetic ones are context opencode injects (attached file contents). */
function humanText(parts: Part[]): string {
  return parts
    .filter((p) => p.data.type === 'text' && typeof p.data.text === 'string' && p.data.text !== '' && p.data.synthetic !== true && p.data.ignored !== true)
    .map((p) => p.data.text as string)
    .join('\n\n');
}

function* mapMessage(
  sid: string,
  msgId: string,
  info: Record<string, unknown>,
  parts: Part[],
  createdMs: number | undefined,
  cwd: string | undefined,
  turn: Turn,
): Generator<SourceRecord> {
  const role = str(info.role);
  const time = isRecord(info.time) ? info.time : {};
  const createdAt = toIso(time.created) ?? toIso(createdMs);
  const id = `${TOOL}:${sid}:${msgId}`;
  const meta = { model: str(info.modelID) ?? (isRecord(info.model) ? str(info.model.modelID) : undefined), agent: str(info.agent) ?? str(info.mode) };
  if (role !== 'user' && role !== 'assistant') {
    yield { kind: 'skip', reason: `message ${msgId}: unknown role ${JSON.stringify(info.role)}` };
    return;
  }
  const texts = parts.filter((p) => p.data.type === 'text' && typeof p.data.text === 'string' && p.data.text !== '');
  if (role === 'user') {
    // Synthetic text parts are context opencode injects (attached file contents), not the human's words.
    const human = texts.filter((p) => p.data.synthetic !== true && p.data.ignored !== true);
    const content = (human.length > 0 ? human : texts).map((p) => p.data.text as string).join('\n\n');
    const isPrompt = human.length > 0;
    yield message({ id, sessionId: `${TOOL}:${sid}`, role: 'user', kind: isPrompt ? 'prompt' : 'meta', content, createdAt, metadata: meta });
    if (isPrompt) turn.promptId = id;
    return;
  }
  // Assistant: the text parts are one message; reasoning and tool parts get their own ids.
  if (texts.length > 0) {
    yield message({ id, sessionId: `${TOOL}:${sid}`, role: 'assistant', kind: 'text', content: texts.map((p) => p.data.text as string).join('\n\n'), createdAt, metadata: meta });
  }
  const parentId = str(info.parentID);
  const requestId = parentId ? `${TOOL}:${sid}:${parentId}` : turn.promptId;
  for (const part of parts) {
    const type = part.data.type;
    const partAt = partTime(part) ?? createdAt;
    if (type === 'reasoning' && typeof part.data.text === 'string' && part.data.text) {
      yield message({ id: `${id}:${part.id}`, sessionId: `${TOOL}:${sid}`, role: 'assistant', kind: 'thinking', content: part.data.text, createdAt: partAt });
    } else if (type === 'tool') {
      yield* mapToolPart(sid, id, part, partAt, cwd, requestId);
    }
  }
}

function* mapToolPart(sid: string, msgRecordId: string, part: Part, createdAt: string | undefined, cwd: string | undefined, requestId: string | undefined): Generator<SourceRecord> {
  const named = str(part.data.tool) ?? 'unknown';
  // Tools from plugins and other agents' conventions are capitalised (`Write`, `Edit`).
  const tool = named.toLowerCase();
  const state = isRecord(part.data.state) ? part.data.state : {};
  const input = isRecord(state.input) ? state.input : {};
  const callId = `${msgRecordId}:${part.id}`;
  yield message({
    id: callId,
    sessionId: `${TOOL}:${sid}`,
    role: 'assistant',
    kind: 'tool_call',
    content: `${named} ${JSON.stringify(input)}`,
    createdAt,
    metadata: { tool: named, status: str(state.status), callId: str(part.data.callID) },
  });
  if (typeof state.output === 'string' || typeof state.error === 'string') {
    yield message({ id: `${callId}:result`, sessionId: `${TOOL}:${sid}`, role: 'tool', kind: 'tool_result', content: String(state.output ?? state.error), createdAt, metadata: { tool: named } });
  }
  if (!EDIT_TOOLS.has(tool)) return;
  if (state.status !== undefined && state.status !== 'completed') return; // a failed or pending edit changed nothing
  let n = 0;
  const edit = (path: string, oldText?: string, newText?: string, patch?: string): SourceRecord => ({
    kind: 'edit',
    edit: { id: `${callId}#${n++}`, sessionId: `${TOOL}:${sid}`, messageId: callId, requestId, path, cwd, tool: named, oldText, newText, ...(patch ? { patch } : {}), createdAt },
  });
  const filePath = str(input.filePath) ?? str(input.file_path) ?? str(input.path);
  if (tool === 'apply_patch' || tool === 'patch') {
    const text = str(input.patchText) ?? str(input.patch) ?? str(input.input);
    if (text) for (const f of patchTargets(text)) yield edit(f.path, f.oldText, f.newText, f.patch);
    else if (filePath) yield edit(filePath);
    return;
  }
  if (!filePath) {
    yield { kind: 'skip', reason: `tool part ${part.id}: ${named} without a filePath` };
    return;
  }
  if (tool === 'multiedit' && Array.isArray(input.edits)) {
    for (const e of input.edits) if (isRecord(e)) yield edit(filePath, str(e.oldString), str(e.newString));
    return;
  }
  yield edit(filePath, str(input.oldString), str(input.newString) ?? str(input.content));
}

function partTime(part: Part): string | undefined {
  const t = isRecord(part.data.time) ? part.data.time : undefined;
  const st = isRecord(part.data.state) && isRecord(part.data.state.time) ? part.data.state.time : undefined;
  return toIso(t?.start) ?? toIso(st?.start) ?? toIso(part.createdMs);
}

function message(m: MessageRecord): SourceRecord {
  return { kind: 'message', message: m };
}

// ---------------------------------------------------------------------------------------------
// SQLite store.

interface Row {
  id: string;
  session_id: string;
  time_created: number;
  data: string;
}

async function* readDb(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const start = storeReadStart(file, from, 'sessions');
  if ('kind' in start) {
    yield start;
    return;
  }
  const { stamp, seen } = start;
  const next: Record<string, number> = {};
  let store: ForeignStore | undefined;
  try {
    store = openForeignStore(file);
    const tables = new Set(store.tables());
    if (!tables.has('message') || !tables.has('part')) {
      yield { kind: 'skip', reason: `${file}: not an OpenCode store (no message/part tables)` };
      yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
      return;
    }
    const sessions = new Map<string, Record<string, unknown>>();
    if (tables.has('session')) {
      for (const row of store.all<Record<string, unknown>>('SELECT * FROM session')) if (typeof row.id === 'string') sessions.set(row.id, row);
    }
    // Newest change per session: only those sessions are read again.
    const updated = new Map<string, number>();
    for (const sql of ['SELECT session_id AS s, max(time_updated) AS t FROM message GROUP BY session_id', 'SELECT session_id AS s, max(time_updated) AS t FROM part GROUP BY session_id']) {
      for (const r of store.all<{ s: string; t: number }>(sql)) updated.set(r.s, Math.max(updated.get(r.s) ?? 0, Number(r.t) || 0));
    }
    for (const [id, s] of sessions) updated.set(id, Math.max(updated.get(id) ?? 0, Number(s.time_updated) || 0));
    for (const sid of [...updated.keys()].sort()) {
      const version = updated.get(sid)!;
      next[sid] = version;
      if (seen[sid] === version) continue;
      yield* readDbSession(store, sid, sessions.get(sid), basename(file));
    }
  } catch (err) {
    // No checkpoint: the stored cursor stays where it was, so the next pass retries the store.
    yield storeSkip(file, err);
    return;
  } finally {
    store?.close();
  }
  yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp, { sessions: next }) };
}

function* readDbSession(store: ForeignStore, sid: string, row: Record<string, unknown> | undefined, storeName: string): Generator<SourceRecord> {
  const messages = store.all<Row>('SELECT id, session_id, time_created, data FROM message WHERE session_id = ? ORDER BY time_created, id', [sid]);
  const parts = store.all<{ id: string; message_id: string; time_created: number; data: string }>(
    'SELECT id, message_id, time_created, data FROM part WHERE session_id = ? ORDER BY message_id, time_created, id',
    [sid],
  );
  const partsByMessage = new Map<string, Part[]>();
  const skips: SourceRecord[] = [];
  for (const p of parts) {
    const parsed = parseJson(p.data);
    if (!parsed.ok || !isRecord(parsed.value)) {
      skips.push({ kind: 'skip', reason: `part ${p.id}: bad JSON in data` });
      continue;
    }
    const list = partsByMessage.get(p.message_id) ?? [];
    list.push({ id: p.id, data: parsed.value, createdMs: Number(p.time_created) || undefined });
    partsByMessage.set(p.message_id, list);
  }
  const infos: Array<{ row: Row; info: Record<string, unknown> }> = [];
  for (const m of messages) {
    const parsed = parseJson(m.data);
    if (!parsed.ok || !isRecord(parsed.value)) skips.push({ kind: 'skip', reason: `message ${m.id}: bad JSON in data` });
    else infos.push({ row: m, info: parsed.value });
  }
  const cwd = str(row?.directory) ?? firstCwd(infos.map((i) => i.info));
  yield {
    kind: 'session',
    session: {
      id: `${TOOL}:${sid}`,
      source: 'opencode',
      cwd,
      title: titleOf(str(row?.title), infos.map(({ row: m, info }) => ({ info, parts: partsByMessage.get(m.id) ?? [] }))),
      createdAt: toIso(row?.time_created) ?? toIso(messages[0]?.time_created),
      metadata: { store: storeName, parentId: str(row?.parent_id), projectId: str(row?.project_id) },
    },
  };
  yield* skips;
  const turn: Turn = {};
  for (const { row: m, info } of infos) {
    yield* mapMessage(sid, m.id, info, partsByMessage.get(m.id) ?? [], Number(m.time_created) || undefined, cwd, turn);
  }
}

function firstCwd(infos: Array<Record<string, unknown>>): string | undefined {
  for (const info of infos) if (isRecord(info.path) && typeof info.path.cwd === 'string') return info.path.cwd;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Legacy JSON tree: storage/message/<sessionID>/<messageID>.json, storage/part/<messageID>/<partID>.json,
// storage/session/<projectID>/<sessionID>.json.

async function* readLegacy(dir: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const storage = dirname(dirname(dir));
  const sid = basename(dir);
  const msgFiles = listDir(dir).filter((f) => f.endsWith('.json'));
  const partFiles = msgFiles.flatMap((f) => {
    const pdir = join(storage, 'part', f.slice(0, -5));
    return listDir(pdir).filter((p) => p.endsWith('.json')).map((p) => join(pdir, p));
  });
  const sessionFile = listDir(join(storage, 'session'))
    .map((project) => join(storage, 'session', project, `${sid}.json`))
    .find(isFile);
  const stamp = stampOf([...msgFiles.map((f) => join(dir, f)), ...partFiles, ...(sessionFile ? [sessionFile] : [])]);
  if (previousStamp(from) === stamp) {
    yield { kind: 'checkpoint', cursor: from! };
    return;
  }
  const session = sessionFile ? readJsonFile(sessionFile) : undefined;
  const infos: Array<{ id: string; info: Record<string, unknown> }> = [];
  for (const f of msgFiles) {
    const parsed = readJsonFile(join(dir, f));
    if (!parsed.ok) yield { kind: 'skip', reason: `${join(dir, f)}: ${parsed.error}` };
    else infos.push({ id: f.slice(0, -5), info: parsed.value });
  }
  // Ids sort by creation (opencode's ids are time-ordered); fall back on time.created.
  infos.sort((a, b) => (Number(isRecord(a.info.time) ? a.info.time.created : 0) || 0) - (Number(isRecord(b.info.time) ? b.info.time.created : 0) || 0) || a.id.localeCompare(b.id));
  const sessionData = session?.ok ? session.value : undefined;
  let cwd = str(sessionData?.directory);
  if (!cwd && sessionFile) {
    const project = readJsonFile(join(storage, 'project', `${basename(dirname(sessionFile))}.json`));
    if (project.ok) cwd = str(project.value.worktree);
  }
  cwd ??= firstCwd(infos.map((i) => i.info));
  const partsOf = new Map<string, Part[]>();
  for (const { id } of infos) {
    const pdir = join(storage, 'part', id);
    const parts: Part[] = [];
    for (const p of listDir(pdir).filter((x) => x.endsWith('.json'))) {
      const parsed = readJsonFile(join(pdir, p));
      if (!parsed.ok) yield { kind: 'skip', reason: `${join(pdir, p)}: ${parsed.error}` };
      else parts.push({ id: p.slice(0, -5), data: parsed.value });
    }
    parts.sort((a, b) => a.id.localeCompare(b.id));
    partsOf.set(id, parts);
  }
  const time = isRecord(sessionData?.time) ? sessionData.time : {};
  yield {
    kind: 'session',
    session: {
      id: `${TOOL}:${sid}`,
      source: 'opencode',
      cwd,
      title: titleOf(str(sessionData?.title), infos.map(({ id, info }) => ({ info, parts: partsOf.get(id) ?? [] }))),
      createdAt: toIso(time.created) ?? toIso(isRecord(infos[0]?.info.time) ? infos[0].info.time.created : undefined),
      metadata: { store: 'storage', parentId: str(sessionData?.parentID) },
    },
  };
  const turn: Turn = {};
  for (const { id, info } of infos) yield* mapMessage(sid, id, info, partsOf.get(id) ?? [], undefined, cwd, turn);
  yield { kind: 'checkpoint', cursor: wholeFileCursor(dir, stamp) };
}

function readJsonFile(path: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, error: `unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, error: `bad JSON (${parsed.error})` };
  if (!isRecord(parsed.value)) return { ok: false, error: 'not a JSON object' };
  return { ok: true, value: parsed.value };
}
