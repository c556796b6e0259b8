import { basename, dirname, join } from 'node:path';
import { type ForeignStore, openForeignStore } from '../db/index.js';
import { isRecord, parseJson, promptTitle, str, wholeFileCursor } from './file-state.js';
import type { EditTarget } from './patch-text.js';
import { storeReadStart, storeSkip } from './store-read.js';
import type { Cursor, FileEditRecord, MessageRecord, SourceAdapter, SourceRecord } from './types.js';
import { isFile, toIso, unique } from './vscode-paths.js';

/**
 * Crush (charmbracelet/crush), docs/sources.md. Each project keeps its own SQLite store,
 * `<data dir>/crush.db`, the data dir being the nearest `.crush` folder up to the repository root, else
 * `.crush` in the folder Crush started in (`internal/config/load.go`).
 * Tables (`internal/db/migrations/`): `sessions(id, parent_session_id, title, created_at, updated_at)`
 * and `messages(id, session_id, role, parts, model, created_at, updated_at, finished_at)`, times in
 * Unix seconds (`strftime('%s','now')` in `internal/db/sql/`), `parts` a JSON array of
 * `{type, data}` (`internal/message/message.go` marshalParts): `text{text}`, `reasoning{thinking}`,
 * `tool_call{id, name, input (a JSON string)}`, `tool_result{tool_call_id, name, content, is_error}`,
 * `finish{reason, time}`. Since the stores sit inside projects, lore reads those of the repositories it
 * knows (as for Aider), and `lore watch` does not follow them.
 */

const TOOL = 'crush';
/** Crush's file tools (`internal/agent/tools/{edit,multiedit,write}.go`). */
const EDIT_TOOLS = new Set(['edit', 'multiedit', 'write']);

export const crush: SourceAdapter = {
  id: TOOL,
  name: 'Crush',
  envOverrides: [],
  // Crush's commit instructions add `💘 Generated with Crush` and `Co-Authored-By: Crush <crush@charm.land>`.
  commitMarkers: [/^co-authored-by:.*<crush@charm\.land>/im, /generated with crush\b/im],
  inRepository: true,
  watchRoots: () => [],
  watchedFiles: /(^|[\\/])crush\.db(-wal)?$/,
  // Only the repositories' own stores: an in-repository source reads nothing outside them (the watcher
  // does not follow them, commands do). A store Crush made in a sub-folder is read by `lore ingest PATH`.
  async locate(senv) {
    return unique(senv.knownRepos.map((repo) => join(repo, '.crush', 'crush.db')).filter(isFile));
  },
  matches(path) {
    return basename(path) === 'crush.db';
  },
  read(file, from) {
    return readStore(file, from);
  },
};

interface SessionRow {
  id: string;
  parent_session_id: string | null;
  title: string | null;
  created_at: number;
  updated_at: number;
}

interface MessageRow {
  id: string;
  role: string;
  parts: string;
  model: string | null;
  created_at: number;
  updated_at: number;
  is_summary_message?: number;
}

/**
 * Reads the store again when it (or its WAL) changed, and within it only the sessions whose newest
 * message or session row moved since the last read; ids are stable, so a session read again replaces
 * what was stored.
 */
async function* readStore(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const start = storeReadStart(file, from, 'sessions');
  if ('kind' in start) {
    yield start;
    return;
  }
  const { stamp, seen } = start;
  const next: Record<string, number> = {};
  // The project is the folder that holds the data dir (`<project>/.crush/crush.db`).
  const dataDir = dirname(file);
  const cwd = basename(dataDir) === '.crush' ? dirname(dataDir) : undefined;
  let store: ForeignStore | undefined;
  try {
    store = openForeignStore(file);
    const tables = new Set(store.tables());
    if (!tables.has('sessions') || !tables.has('messages')) {
      yield { kind: 'skip', reason: `${file}: not a Crush store (no sessions/messages tables)` };
      yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
      return;
    }
    const hasSummary = store.columns('messages').includes('is_summary_message');
    const sessions = store.all<SessionRow>('SELECT id, parent_session_id, title, created_at, updated_at FROM sessions ORDER BY created_at, id');
    const newest = new Map<string, number>();
    for (const r of store.all<{ s: string; t: number }>('SELECT session_id AS s, max(updated_at) AS t FROM messages GROUP BY session_id')) newest.set(r.s, Number(r.t) || 0);
    for (const s of sessions) {
      const version = Math.max(Number(s.updated_at) || 0, newest.get(s.id) ?? 0);
      next[s.id] = version;
      if (seen[s.id] === version) continue;
      const rows = store.all<MessageRow>(
        `SELECT id, role, parts, model, created_at, updated_at${hasSummary ? ', is_summary_message' : ''} FROM messages WHERE session_id = ? ORDER BY created_at, rowid`,
        [s.id],
      );
      yield* mapSession(s, rows, cwd, basename(dataDir));
    }
  } catch (err) {
    // No checkpoint: the stored cursor stays, so the next pass tries the store again.
    yield storeSkip(file, err);
    return;
  } finally {
    store?.close();
  }
  yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp, { sessions: next }) };
}

interface Part {
  type: string;
  data: Record<string, unknown>;
}

function* mapSession(s: SessionRow, rows: MessageRow[], cwd: string | undefined, dataDirName: string): Generator<SourceRecord> {
  const sessionId = `${TOOL}:${s.id}`;
  const parsed = rows.map((r) => ({ row: r, parts: partsOf(r.parts) }));
  const firstPrompt = parsed.find((p) => p.row.role === 'user' && textOf(p.parts ?? []).trim());
  const title = s.title?.trim() || (firstPrompt ? promptTitle(textOf(firstPrompt.parts!)) : undefined);
  yield {
    kind: 'session',
    session: {
      id: sessionId,
      source: TOOL,
      ...(cwd ? { cwd } : {}),
      ...(title ? { title } : {}),
      ...(toIso(Number(s.created_at)) ? { createdAt: toIso(Number(s.created_at)) } : {}),
      metadata: { ...(s.parent_session_id ? { parentSessionId: s.parent_session_id } : {}), dataDir: dataDirName },
    },
  };
  // Results first: an edit whose call failed did not change its file.
  const failed = new Map<string, string>();
  for (const { parts } of parsed) {
    for (const p of parts ?? []) if (p.type === 'tool_result' && p.data.is_error === true && typeof p.data.tool_call_id === 'string') failed.set(p.data.tool_call_id, str(p.data.content) ?? 'error');
  }
  let promptId: string | undefined;
  for (const { row, parts } of parsed) {
    if (!parts) {
      yield { kind: 'skip', reason: `message ${row.id}: parts is not a JSON array` };
      continue;
    }
    // Unix seconds; toIso reads a number that small as seconds.
    const at = toIso(Number(row.created_at));
    const base = { sessionId, createdAt: at };
    const id = `${sessionId}:${row.id}`;
    const text = textOf(parts);
    if (row.role === 'user') {
      if (text.trim()) {
        promptId = id;
        yield message({ ...base, id, role: 'user', kind: 'prompt', content: text });
      }
    } else if (row.role === 'assistant') {
      const thinking = parts.filter((p) => p.type === 'reasoning').map((p) => str(p.data.thinking) ?? '').join('\n');
      if (thinking.trim()) yield message({ ...base, id: `${id}:thinking`, role: 'assistant', kind: 'thinking', content: thinking });
      // A summary message stands in for the turns before it after Crush compacted the session.
      if (text.trim()) yield message({ ...base, id, role: 'assistant', kind: row.is_summary_message ? 'meta' : 'text', content: text, metadata: { model: row.model ?? undefined, ...(row.is_summary_message ? { summary: true } : {}) } });
      for (const p of parts) {
        if (p.type !== 'tool_call' || typeof p.data.id !== 'string') continue;
        const name = str(p.data.name) ?? 'unknown';
        const input = typeof p.data.input === 'string' ? p.data.input : JSON.stringify(p.data.input ?? {});
        const callId = `${sessionId}:${p.data.id}`;
        yield message({ ...base, id: callId, role: 'assistant', kind: 'tool_call', content: `${name} ${input}`, metadata: { tool: name } });
        const error = failed.get(p.data.id);
        for (const [n, e] of editsOf(name, input).entries()) {
          const edit: FileEditRecord = { id: `${callId}#${n}`, sessionId, messageId: callId, requestId: promptId, path: e.path, cwd, tool: name, oldText: e.oldText, newText: e.newText, createdAt: at };
          const meta = { ...(e.replaceAll ? { replaceAll: true } : {}), ...(error !== undefined ? { failed: true, error } : {}) };
          if (Object.keys(meta).length > 0) edit.metadata = meta;
          yield { kind: 'edit', edit };
        }
      }
    } else if (row.role === 'tool') {
      for (const p of parts) {
        if (p.type !== 'tool_result' || typeof p.data.tool_call_id !== 'string') continue;
        yield message({ ...base, id: `${sessionId}:${p.data.tool_call_id}:result`, role: 'tool', kind: 'tool_result', content: str(p.data.content) ?? '', metadata: { tool: str(p.data.name), ...(p.data.is_error === true ? { isError: true } : {}) } });
      }
    }
    // `system` rows and `finish` parts carry nothing lore stores.
  }
}

function partsOf(json: string): Part[] | undefined {
  const parsed = parseJson(json);
  if (!parsed.ok || !Array.isArray(parsed.value)) return undefined;
  return parsed.value.flatMap((p) => (isRecord(p) && typeof p.type === 'string' && isRecord(p.data) ? [{ type: p.type, data: p.data }] : []));
}

function textOf(parts: Part[]): string {
  return parts
    .filter((p) => p.type === 'text')
    .map((p) => str(p.data.text) ?? '')
    .join('');
}

interface CrushEdit extends EditTarget {
  replaceAll?: boolean;
}

/** `edit {file_path, old_string, new_string, replace_all}`, `multiedit {file_path, edits[]}`, `write {file_path, content}`. */
function editsOf(tool: string, input: string): CrushEdit[] {
  if (!EDIT_TOOLS.has(tool)) return [];
  const parsed = parseJson(input);
  const args = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
  const path = str(args.file_path);
  if (!path) return [];
  if (tool === 'write') return [{ path, newText: str(args.content) }];
  if (tool === 'multiedit') {
    return (Array.isArray(args.edits) ? args.edits : []).filter(isRecord).map((e) => ({ path, oldText: str(e.old_string), newText: str(e.new_string), replaceAll: e.replace_all === true }));
  }
  return [{ path, oldText: str(args.old_string), newText: str(args.new_string), replaceAll: args.replace_all === true }];
}

function message(m: MessageRecord): SourceRecord {
  return { kind: 'message', message: m };
}
