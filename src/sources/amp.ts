import { join } from 'node:path';
import { fromFileUri } from './continue.js';
import { isRecord, parseJson, promptTitle, readWhenChanged, recordOf, str } from './file-state.js';
import { patchTargets, type EditTarget } from './patch-text.js';
import type { Cursor, FileEditRecord, MessageRecord, SourceAdapter, SourceEnv, SourceRecord, SourceRoot } from './types.js';
import { toIso } from './vscode-paths.js';
import { findFiles } from './walk.js';

/**
 * Amp (Sourcegraph's `amp` CLI and editor extension), docs/sources.md. Each thread is one JSON
 * document `threads/T-<uuid>.json`, rewritten whole as it grows (`v` counts the writes), in
 * `$XDG_DATA_HOME/amp` (`~/.local/share/amp`) on Linux and macOS and `%LOCALAPPDATA%\amp` on Windows
 * (git-ai `src/streams/agents/amp.rs`). Amp is closed source: the shape is read from real threads
 * (git-ai's test fixtures): `{id, created (ms), title, env.initial.trees[{uri}], messages[]}`, the
 * messages Anthropic-style `{role, messageId, content[text|thinking|tool_use|tool_result]}`, a
 * prompt's time in `meta.sentAt`, an answer's in `usage.timestamp`, tool results on the next user
 * message, paired by `toolUseID`, with `run.status` `done`, `error`, `cancelled` or
 * `rejected-by-user`. Later releases may keep threads on Amp's servers only (txcript's
 * `docs/formats/amp.md`): lore reads what is on disk.
 */

const TOOL = 'amp';
/** Amp's file-changing tools (git-ai `bash_tool.rs` `classify_tool`, Agent::Amp); `undo_edit` only reverts. */
const EDIT_TOOLS = new Set(['edit_file', 'create_file', 'apply_patch', 'Edit', 'Write']);

export const amp: SourceAdapter = {
  id: TOOL,
  name: 'Amp',
  envOverrides: ['XDG_DATA_HOME', 'LOCALAPPDATA', 'APPDATA'],
  // Amp signs commits `Co-authored-by: Amp <amp@ampcode.com>` and may add `Amp-Thread-ID: <thread url>`.
  commitMarkers: [/^co-authored-by:.*<amp@ampcode\.com>/im, /^amp-thread(?:-id)?:/im],
  watchRoots: (senv) => [threadsRoot(senv)],
  watchedFiles: /(^|[\\/])T-[^\\/]+\.json$/,
  async locate(senv) {
    return findFiles(threadsRoot(senv).path, isThreadFile, 0);
  },
  matches(path) {
    const parts = path.split(/[\\/]+/);
    return isThreadFile(parts.at(-1) ?? '') && parts.at(-2) === 'threads' && parts.at(-3) === 'amp';
  },
  read(file, from) {
    return readThread(file, from);
  },
};

function isThreadFile(name: string): boolean {
  return /^T-.+\.json$/.test(name);
}

/** The one flat threads folder for env.platform. */
function threadsRoot(senv: SourceEnv): SourceRoot {
  const { env, home } = senv;
  const data =
    senv.platform === 'win32' ? env.LOCALAPPDATA || env.APPDATA || join(home, 'AppData', 'Local') : env.XDG_DATA_HOME || join(home, '.local', 'share');
  return { path: join(data, 'amp', 'threads'), depth: 1 };
}

async function* readThread(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const read = readWhenChanged(file, from);
  if ('kind' in read) {
    yield read;
    return;
  }
  const done: SourceRecord = { kind: 'checkpoint', cursor: read.cursor };
  const parsed = parseJson(read.text);
  const t = parsed.ok ? parsed.value : undefined;
  // Amp rewrites the file whole: a half-written one is read again when it changes.
  if (!isRecord(t) || typeof t.id !== 'string' || !Array.isArray(t.messages)) {
    yield { kind: 'skip', reason: parsed.ok ? 'not an Amp thread (no id or messages)' : `invalid JSON: ${parsed.error}` };
    yield done;
    return;
  }
  const sessionId = `${TOOL}:${t.id}`;
  const env = isRecord(t.env) && isRecord(t.env.initial) ? t.env.initial : {};
  const tree = Array.isArray(env.trees) ? env.trees.find(isRecord) : undefined;
  const uri = tree ? str(tree.uri) : undefined;
  const cwd = uri ? fromFileUri(uri) : undefined;
  const platform = isRecord(env.platform) ? env.platform : {};
  const repository = tree && isRecord(tree.repository) ? tree.repository : {};
  const createdAt = toIso(t.created);
  const firstPrompt = t.messages.filter(isRecord).find((m) => m.role === 'user' && textOf(m.content).trim())?.content;
  const title = str(t.title) ?? (firstPrompt ? promptTitle(textOf(firstPrompt)) : undefined);
  yield {
    kind: 'session',
    session: {
      id: sessionId,
      source: TOOL,
      ...(cwd ? { cwd } : {}),
      ...(title ? { title } : {}),
      ...(createdAt ? { createdAt } : {}),
      metadata: { version: t.v, client: str(platform.client), clientVersion: str(platform.clientVersion), gitBranch: str(repository.ref)?.replace(/^refs\/heads\//, '') },
    },
  };

  // Results first: a tool call that failed or was rejected did not change its file.
  const outcomes = new Map<string, string>();
  for (const m of t.messages) {
    if (!isRecord(m) || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (isRecord(b) && b.type === 'tool_result' && typeof b.toolUseID === 'string') outcomes.set(b.toolUseID, statusOf(b.run));
    }
  }

  let at = createdAt;
  let promptId: string | undefined;
  for (const [index, m] of t.messages.entries()) {
    if (!isRecord(m) || !Array.isArray(m.content)) {
      yield { kind: 'skip', reason: `message ${index}: no content` };
      continue;
    }
    const key = typeof m.messageId === 'number' || typeof m.messageId === 'string' ? String(m.messageId) : `i${index}`;
    const meta = isRecord(m.meta) ? m.meta : {};
    const usage = isRecord(m.usage) ? m.usage : {};
    at = toIso(meta.sentAt) ?? str(usage.timestamp) ?? at;
    const base = { sessionId, createdAt: at };
    if (m.role === 'user') {
      const text = textOf(m.content);
      if (text.trim()) {
        promptId = `${sessionId}:${key}`;
        yield message({ ...base, id: promptId, role: 'user', kind: 'prompt', content: text });
      }
      for (const b of m.content) {
        if (!isRecord(b) || b.type !== 'tool_result' || typeof b.toolUseID !== 'string') continue;
        const status = statusOf(b.run);
        yield message({ ...base, id: `${sessionId}:${b.toolUseID}:result`, role: 'tool', kind: 'tool_result', content: resultText(b.run), metadata: { status } });
      }
    } else if (m.role === 'assistant') {
      const thinking = m.content.filter((b) => isRecord(b) && b.type === 'thinking').map((b) => str((b as Record<string, unknown>).thinking) ?? '').join('\n');
      if (thinking.trim()) yield message({ ...base, id: `${sessionId}:${key}:thinking`, role: 'assistant', kind: 'thinking', content: thinking });
      const text = textOf(m.content);
      if (text.trim()) yield message({ ...base, id: `${sessionId}:${key}`, role: 'assistant', kind: 'text', content: text, metadata: { model: str(usage.model) } });
      for (const b of m.content) {
        if (!isRecord(b) || b.type !== 'tool_use' || typeof b.id !== 'string') continue;
        const name = str(b.name) ?? 'unknown';
        const input = isRecord(b.input) ? b.input : {};
        const callId = `${sessionId}:${b.id}`;
        yield message({ ...base, id: callId, role: 'assistant', kind: 'tool_call', content: `${name} ${JSON.stringify(input)}`, metadata: { tool: name } });
        const status = outcomes.get(b.id);
        const failed = status !== undefined && status !== 'done';
        for (const [n, e] of editsOf(name, input).entries()) {
          const edit: FileEditRecord = { id: `${callId}#${n}`, sessionId, messageId: callId, requestId: promptId, path: e.path, cwd, tool: name, oldText: e.oldText, newText: e.newText, ...(e.patch ? { patch: e.patch } : {}), createdAt: at };
          if (failed) edit.metadata = { failed: true, status };
          yield { kind: 'edit', edit };
        }
      }
    }
    // Other roles (a shared thread's `parent` record) carry nothing lore stores.
  }
  yield done;
}

/** The text blocks of a content array, joined; tool blocks and thinking are stored apart. */
function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is Record<string, unknown> => isRecord(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('');
}

/** A tool result's `run.status` (`run` is an object, or in older threads the same object as a JSON string). */
function statusOf(run: unknown): string {
  const r = recordOf(run);
  return str(r.status) ?? 'unknown';
}

function resultText(run: unknown): string {
  const r = recordOf(run);
  const result = r.result ?? r.error ?? r.reason;
  if (typeof result === 'string') return result;
  if (isRecord(result)) return str(result.content) ?? str(result.output) ?? str(result.diff) ?? str(result.message) ?? JSON.stringify(result);
  return str(r.status) ?? '';
}

/** `edit_file {path, old_str, new_str}`, `create_file {path, content}`, `apply_patch`, and Claude-style `Edit`/`Write`. */
function editsOf(tool: string, input: Record<string, unknown>): EditTarget[] {
  if (!EDIT_TOOLS.has(tool)) return [];
  if (tool === 'apply_patch') {
    const patch = str(input.patch) ?? str(input.input) ?? str(input.patchText);
    return patch ? patchTargets(patch) : [];
  }
  const path = str(input.path) ?? str(input.file_path);
  if (!path) return [];
  if (tool === 'create_file' || tool === 'Write') return [{ path, newText: str(input.content) ?? str(input.file_text) }];
  return [{ path, oldText: str(input.old_str) ?? str(input.old_string), newText: str(input.new_str) ?? str(input.new_string) }];
}

function message(m: MessageRecord): SourceRecord {
  return { kind: 'message', message: m };
}
