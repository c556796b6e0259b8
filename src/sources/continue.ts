import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isRecord, parseJson, readWhenChanged, recordOf } from './file-state.js';
import type { Cursor, FileEditRecord, MessageKind, MessageRecord, Role, SourceAdapter, SourceEnv, SourceRecord, SourceRoot } from './types.js';
import { baseName, findFiles } from './walk.js';

/**
 * Continue (IDE extension and the `cn` CLI), docs/sources.md: `<global>/sessions/<sessionId>.json`,
 * one Session rewritten whole on each update, with `sessions/sessions.json` as an index (its
 * `dateCreated`, epoch ms as a string, is the only time there is). `<global>` is
 * `$CONTINUE_GLOBAL_DIR` (relative values resolve against the cwd) or `~/.continue` on every OS.
 * Messages have no ids or times: ids are the history index, times the session's creation.
 */

const TOOL = 'continue';
/** Built-in IDE edit tools and the CLI's (continue `core/tools/builtIn.ts`; git-ai `classify_tool`). */
const EDIT_TOOLS = new Set(['edit_existing_file', 'create_new_file', 'single_find_and_replace', 'multi_find_and_replace', 'Edit', 'Write', 'MultiEdit']);

export const continueDev: SourceAdapter = {
  id: 'continue',
  name: 'Continue',
  envOverrides: ['CONTINUE_GLOBAL_DIR'],
  watchRoots: (env) => [sessionsRoot(env)],
  watchedFiles: /\.json$/,

  async locate(env: SourceEnv): Promise<string[]> {
    return findFiles(sessionsRoot(env).path, (name) => name.endsWith('.json') && name !== 'sessions.json', 3);
  },

  matches(path: string): boolean {
    const parts = path.split(/[\\/]+/);
    const name = parts[parts.length - 1] ?? '';
    return name.endsWith('.json') && name !== 'sessions.json' && parts.includes('sessions');
  },

  read(file: string, from: Cursor | undefined): AsyncIterable<SourceRecord> {
    return readSession(file, from);
  },
};

/** Sessions sit directly in `sessions/`. */
function sessionsRoot(env: SourceEnv): SourceRoot {
  return { path: join(continueDir(env), 'sessions'), depth: 1 };
}

function continueDir(env: SourceEnv): string {
  const override = env.env.CONTINUE_GLOBAL_DIR;
  return override ? resolve(override) : join(env.home, '.continue');
}

/** `file:///Users/me/app` or `file:///c%3A/Users/me/app` → a path; plain paths unchanged. */
export function fromFileUri(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  let p = uri.slice('file://'.length);
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep it as written
  }
  if (/^\/[A-Za-z]:/.test(p)) p = p.slice(1).replace(/\//g, '\\');
  return p;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) => (isRecord(p) ? (typeof p.text === 'string' ? p.text : p.type === 'imageUrl' ? '[image]' : '') : typeof p === 'string' ? p : ''))
    .filter(Boolean)
    .join('\n');
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) return output === undefined ? '' : JSON.stringify(output);
  return output.map((o) => (isRecord(o) && typeof o.content === 'string' ? o.content : typeof o === 'string' ? o : '')).filter(Boolean).join('\n');
}

/** The session's creation time from the index beside it (`dateCreated`: epoch ms as a string). */
function indexedCreatedAt(file: string, sessionId: string): string | undefined {
  try {
    const index = JSON.parse(readFileSync(join(dirname(file), 'sessions.json'), 'utf8')) as unknown;
    if (!Array.isArray(index)) return undefined;
    const entry = index.find((e) => isRecord(e) && e.sessionId === sessionId) as Record<string, unknown> | undefined;
    const ms = Number(entry?.dateCreated);
    return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

async function* readSession(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const read = readWhenChanged(file, from);
  if ('kind' in read) {
    yield read;
    return;
  }
  const done: SourceRecord = { kind: 'checkpoint', cursor: read.cursor };
  const mtime = new Date(read.cursor.mtimeMs).toISOString();
  const parsed = parseJson(read.text);
  const s = parsed.ok ? parsed.value : undefined;
  if (!parsed.ok || !isRecord(s) || typeof s.sessionId !== 'string' || !Array.isArray(s.history)) {
    yield { kind: 'skip', reason: parsed.ok ? 'not a Continue session (no sessionId or history)' : `invalid JSON: ${parsed.error}` };
    yield done;
    return;
  }
  const sid = `${TOOL}:${s.sessionId}`;
  const cwd = typeof s.workspaceDirectory === 'string' && s.workspaceDirectory ? fromFileUri(s.workspaceDirectory) : undefined;
  const createdAt = indexedCreatedAt(file, s.sessionId);
  const metadata: Record<string, unknown> = { lastUpdated: mtime };
  for (const k of ['mode', 'chatModelTitle'] as const) if (typeof s[k] === 'string') metadata[k] = s[k];
  yield {
    kind: 'session',
    session: { id: sid, source: 'continue', ...(cwd ? { cwd } : {}), ...(typeof s.title === 'string' && s.title ? { title: s.title } : {}), ...(createdAt ? { createdAt } : {}), metadata },
  };
  const turn: Turn = { sid, cwd, at: createdAt ?? mtime };
  for (let i = 0; i < s.history.length; i++) yield* historyItem(turn, s.history[i], i);
  yield done;
}

/** What the records of one session share; `promptId` is the last prompt, the request behind later edits. */
interface Turn {
  sid: string;
  cwd: string | undefined;
  /** Messages have no times: all take the session's creation time. */
  at: string;
  promptId?: string;
}

function message(t: Turn, id: string, role: Role, kind: MessageKind, content: string, meta?: Record<string, unknown>): SourceRecord {
  const m: MessageRecord = { id, sessionId: t.sid, role, kind, content, createdAt: t.at, ...(meta ? { metadata: meta } : {}) };
  return { kind: 'message', message: m };
}

/** One `history` entry: its message by role, its reasoning, and its tool calls. */
function* historyItem(t: Turn, item: unknown, i: number): Generator<SourceRecord> {
  const msg = isRecord(item) && isRecord(item.message) ? item.message : undefined;
  if (!msg || typeof msg.role !== 'string') {
    yield { kind: 'skip', reason: `history[${i}] has no message with a role` };
    return;
  }
  const id = `${t.sid}:${typeof msg.id === 'string' ? msg.id : i}`;
  const content = text(msg.content);
  switch (msg.role) {
    case 'user':
      t.promptId = id;
      yield message(t, id, 'user', 'prompt', content);
      break;
    case 'assistant':
      if (content.trim()) yield message(t, id, 'assistant', 'text', content);
      break;
    case 'thinking':
      if (content.trim()) yield message(t, id, 'assistant', 'thinking', content);
      break;
    case 'system':
      yield message(t, id, 'system', 'meta', content);
      break;
    case 'tool': {
      const callId = typeof msg.toolCallId === 'string' ? msg.toolCallId : undefined;
      yield message(t, callId ? `${t.sid}:${callId}:result` : id, 'tool', 'tool_result', content, callId ? { callId } : undefined);
      break;
    }
    default:
      yield { kind: 'skip', reason: `history[${i}] has an unknown role ${JSON.stringify(msg.role).slice(0, 40)}` };
      return;
  }
  if (isRecord(item) && typeof item.reasoning === 'object' && isRecord(item.reasoning) && typeof item.reasoning.text === 'string' && item.reasoning.text.trim()) {
    yield message(t, `${id}:reasoning`, 'assistant', 'thinking', item.reasoning.text);
  }
  yield* toolCalls(t, item as Record<string, unknown>, msg, i);
}

/** Tool calls, with their state (arguments as parsed, status, output) when Continue kept it, and the edits of edit tools. */
function* toolCalls(t: Turn, item: Record<string, unknown>, msg: Record<string, unknown>, i: number): Generator<SourceRecord> {
  const states = new Map<string, Record<string, unknown>>();
  for (const st of Array.isArray(item.toolCallStates) ? item.toolCallStates : []) {
    if (isRecord(st) && typeof st.toolCallId === 'string') states.set(st.toolCallId, st);
  }
  const calls = Array.isArray(msg.toolCalls) ? msg.toolCalls : [];
  for (let c = 0; c < calls.length; c++) {
    const call = calls[c];
    const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
    if (!fn || typeof fn.name !== 'string') continue;
    const callId = isRecord(call) && typeof call.id === 'string' ? call.id : `${i}-${c}`;
    const cid = `${t.sid}:${callId}`;
    const state = states.get(callId);
    const status = typeof state?.status === 'string' ? state.status : undefined;
    yield message(t, cid, 'assistant', 'tool_call', `${fn.name} ${typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {})}`, { tool: fn.name, callId, ...(status ? { status } : {}) });
    if (state && state.output !== undefined) yield message(t, `${cid}:result`, 'tool', 'tool_result', outputText(state.output), { callId, ...(status ? { status } : {}) });
    if (!EDIT_TOOLS.has(fn.name) || status === 'errored' || status === 'canceled' || status === 'cancelled') continue;
    yield* editsOf(t, fn.name, cid, isRecord(state?.parsedArgs) ? state.parsedArgs : recordOf(fn.arguments));
  }
}

/** The file edits of one edit-tool call: one per `edits` entry, or one for the whole call. */
function* editsOf(t: Turn, tool: string, cid: string, args: Record<string, unknown>): Generator<SourceRecord> {
  const rawPath = typeof args.filepath === 'string' ? args.filepath : typeof args.file_path === 'string' ? args.file_path : undefined;
  if (!rawPath) return;
  const path = fromFileUri(rawPath);
  const pairs: { oldText?: string; newText?: string }[] = [];
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  if (Array.isArray(args.edits)) {
    for (const e of args.edits) if (isRecord(e)) pairs.push({ oldText: str(e.old_string), newText: str(e.new_string) });
  } else {
    pairs.push({ oldText: str(args.old_string), newText: str(args.new_string) ?? str(args.contents) ?? str(args.content) ?? str(args.changes) });
  }
  let k = 0;
  for (const p of pairs) {
    const edit: FileEditRecord = {
      id: `${cid}#${k++}`,
      sessionId: t.sid,
      messageId: cid,
      ...(t.promptId ? { requestId: t.promptId } : {}),
      path,
      ...(t.cwd ? { cwd: t.cwd } : {}),
      tool,
      ...(p.oldText !== undefined ? { oldText: p.oldText } : {}),
      ...(p.newText !== undefined ? { newText: p.newText } : {}),
      createdAt: t.at,
    };
    yield { kind: 'edit', edit };
  }
}
