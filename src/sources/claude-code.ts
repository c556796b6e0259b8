import { basename, dirname, join, sep } from 'node:path';
import { isRecord, readJsonl } from './jsonl.js';
import { listDir } from './vscode-paths.js';
import { childPath, findFiles } from './walk.js';
import type { Cursor, FileEditRecord, MessageKind, Role, SourceAdapter, SourceEnv, SourceRecord, SourceRoot } from './types.js';

/**
 * Claude Code: `projects/<slug>/<sessionId>.jsonl` under each config root, subagent transcripts in
 * the legacy (`<slug>/agent-<id>.jsonl`) and the new (`<slug>/<sessionId>/subagents/agent-<id>.jsonl`)
 * layouts (docs/sources.md). Assistant messages are streamed one content block per
 * line, all lines sharing `message.id`: they merge into one message whose content grows.
 */

const EDIT_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);

/** Record types that carry nothing lore stores (titles are taken from ai-title/summary). */
const PASSIVE_TYPES = new Set([
  'file-history-snapshot',
  'file-history-delta',
  'permission-mode',
  'agent-name',
  'cost-state',
  'queue-operation',
  'custom-title',
  'last-prompt',
  'agent-setting',
  'pr-link',
  'progress',
  'attachment',
  'tag',
  'mode',
]);

/** User text that Claude Code injects (slash commands, local command output, caveats): not a request. */
const INJECTED = /^\s*(?:<command-name>|<command-message>|<command-args>|<local-command-stdout>|<local-command-stderr>|<bash-input>|<bash-stdout>|<bash-stderr>|<task-notification>|<system-reminder>|<user-memory-input>|Caveat: The messages below|\[Request interrupted by user)/;

const TITLE_RANK = { prompt: 1, summary: 2, 'ai-title': 3 } as const;
type TitleSource = keyof typeof TITLE_RANK;

interface OpenMessage {
  /** Native message.id. */
  key: string;
  id: string;
  texts: string[];
  tools: string[];
  thinking: string[];
  edits: number;
  createdAt?: string;
  model?: string;
}

/** Everything needed to resume mid-file; JSON-serializable (stored in the cursor). */
interface State {
  line: number;
  nativeId?: string;
  sessionId?: string;
  cwd?: string;
  titleRank: number;
  /** The last human prompt: the request behind the edits that follow. */
  requestId?: string;
  /** Recent streamed assistant messages (a message's lines are mostly, not always, consecutive). */
  open: OpenMessage[];
  /** Tool calls still waiting for their result: names for the result, and their edits (a failed call marks them). */
  tools: { id: string; name: string; edits: FileEditRecord[] }[];
  isSubagent: boolean;
  agentId?: string;
  /** Summaries whose leaf line has not been read yet (it may come later in this file): leafUuid → title. */
  pendingTitles?: Record<string, string>;
}

const KEEP_OPEN = 8;
const KEEP_TOOLS = 64;

export const claudeCode: SourceAdapter = {
  id: 'claude-code',
  name: 'Claude Code',
  envOverrides: ['CLAUDE_CONFIG_DIR', 'XDG_CONFIG_HOME', 'APPDATA'],
  commitMarkers: [/^co-authored-by:.*(\bclaude\b|noreply@anthropic\.com)/im, /generated with \[?claude code/i],

  watchRoots,
  watchedFiles: /\.jsonl$/,

  async locate(env: SourceEnv): Promise<string[]> {
    const files: string[] = [];
    for (const root of watchRoots(env)) {
      for (const dir of env.scope ? scopedFolders(root.path, env.scope) : [root.path]) {
        // tool-results/ holds spilled tool outputs (.txt), never transcripts.
        files.push(...(await findFiles(dir, (name) => name.endsWith('.jsonl'), 6, (d) => d !== 'tool-results')));
      }
    }
    return [...new Set(files)].sort();
  },

  matches(path: string): boolean {
    // <sessionId>.jsonl or agent-<id>.jsonl somewhere under a projects/ directory, or any .jsonl
    // directly in projects/<dir>/: locate() reads those too, so a watcher handed the changed file
    // must take it as well.
    const parts = path.split(/[\\/]/);
    const name = parts[parts.length - 1] ?? '';
    if (parts[parts.length - 3] === 'projects' && name.endsWith('.jsonl')) return true;
    return parts.includes('projects') && (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$/i.test(name) || /^agent-[\w-]+\.jsonl$/.test(name));
  },

  read(file: string, from: Cursor | undefined): AsyncIterable<SourceRecord> {
    return isCompaction(file) ? readCompaction(file, from) : readTranscript(file, from);
  },
};

function watchRoots(env: SourceEnv): SourceRoot[] {
  // <slug>/<sessionId>/subagents/agent-<id>.jsonl is the deepest layout.
  return claudeRoots(env).map((path) => ({ path, depth: 3 }));
}

/** Claude Code's folder name for a session's cwd (lossy: every character but letters and digits is `-`). */
function slugOf(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** Claude Code cuts a folder name longer than this and appends a hash of the whole. */
const SLUG_MAX = 200;

/**
 * The folders under `root` whose sessions started in `scope`, below it or in a folder above it
 * (which may edit it): by name, since the slug cannot be inverted. Over-inclusive on purpose (a
 * sibling `repo-old` of `repo` matches too); a cut name matches by the part Claude Code keeps.
 */
function scopedFolders(root: string, scope: string): string[] {
  const own = slugOf(scope);
  const above = new Set<string>();
  for (let dir = dirname(scope); ; dir = dirname(dir)) {
    above.add(slugOf(dir));
    if (dirname(dir) === dir) break;
  }
  const kept = own.slice(0, SLUG_MAX);
  const matches = (name: string): boolean =>
    name === own || name.startsWith(`${own}-`) || above.has(name) || (name.length > SLUG_MAX && name.startsWith(kept));
  return listDir(root).filter(matches).map((name) => childPath(root, name));
}

/** Config roots' `projects/` directories: $CLAUDE_CONFIG_DIR (comma-separated), ~/.claude, ~/.config/claude. */
export function claudeRoots(env: SourceEnv): string[] {
  const roots: string[] = [];
  const fromEnv = env.env.CLAUDE_CONFIG_DIR;
  if (fromEnv) {
    for (const dir of fromEnv.split(',').map((d) => d.trim()).filter(Boolean)) {
      // Normalized (join), as every path under it is built by appending names (childPath).
      roots.push(basename(dir) === 'projects' ? join(dir, '.') : join(dir, 'projects'));
    }
  }
  roots.push(join(env.home, '.claude', 'projects'));
  const xdg = env.env.XDG_CONFIG_HOME || join(env.home, '.config');
  roots.push(join(xdg, 'claude', 'projects'));
  if (env.platform === 'darwin') roots.push(join(env.home, 'Library', 'Application Support', 'Claude', 'projects'));
  if (env.platform === 'win32' && env.env.APPDATA) roots.push(join(env.env.APPDATA, 'Claude', 'projects'));
  return [...new Set(roots)];
}

function subagentOf(file: string): { agentId: string; parentId?: string } | undefined {
  const m = /^agent-(.+)\.jsonl$/.exec(basename(file));
  if (!m) return undefined;
  const parts = dirname(file).split(sep);
  // New layout: <slug>/<sessionId>/subagents/agent-<id>.jsonl
  const parentId = parts[parts.length - 1] === 'subagents' ? parts[parts.length - 2] : undefined;
  return { agentId: m[1]!, parentId };
}

/**
 * `<session>/subagents/agent-acompact-<id>.jsonl`: the run that wrote a compaction's summary (its
 * "prompt" is Claude Code's summary instruction, its answer the summary). Not a subagent and no
 * human prompt; the summary itself reaches the session as its `isCompactSummary` line.
 */
function isCompaction(file: string): boolean {
  return /^agent-acompact-[\w-]*\.jsonl$/.test(basename(file));
}

/** A compaction's run is read as any transcript, so a bad line counts as one and the cursor moves on, but nothing is kept. */
async function* readCompaction(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  for await (const rec of readTranscript(file, from)) if (rec.kind === 'skip' || rec.kind === 'checkpoint') yield rec;
}

async function* readTranscript(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const sub = subagentOf(file);
  const state: State = (from?.state as State | undefined) ?? { line: 1, titleRank: 0, open: [], tools: [], isSubagent: sub !== undefined, agentId: sub?.agentId };
  // uuids of this read's lines: a summary counts as this session's title only when its leaf is here.
  const seen = new Set<string>();
  // Every read starts by naming its session again, so the consumer can map it to its project.
  if (state.sessionId) yield { kind: 'session', session: sessionRecord(state, file) };
  for (const l of readJsonl(file, { offset: from?.offset ?? 0, startLine: state.line })) {
    state.line = l.line + 1;
    if (l.error) {
      if (l.error !== 'blank line') yield { kind: 'skip', line: l.line, reason: l.error };
    } else {
      const uuid = isRecord(l.value) && typeof l.value.uuid === 'string' ? l.value.uuid : undefined;
      if (uuid) {
        seen.add(uuid);
        // Bounded: a summary's leaf is a recent line; a set of every uuid would grow with the file.
        if (seen.size > 20_000) seen.delete(seen.values().next().value!);
      }
      yield* readLine(l.value, l.line, state, file, seen);
      const pending = uuid && state.pendingTitles?.[uuid];
      if (pending) {
        delete state.pendingTitles![uuid];
        yield* setTitle(state, file, pending, 'summary');
      }
    }
    yield { kind: 'checkpoint', cursor: { offset: l.end, size: 0, mtimeMs: 0, state } };
  }
}

function* readLine(value: unknown, line: number, state: State, file: string, seen: Set<string>): Generator<SourceRecord> {
  if (!isRecord(value)) {
    yield { kind: 'skip', line, reason: 'not a JSON object' };
    return;
  }
  const type = value.type;
  if (typeof type !== 'string') {
    yield { kind: 'skip', line, reason: 'record without a type' };
    return;
  }
  if (type === 'ai-title' || type === 'summary') {
    const title = type === 'ai-title' ? value.aiTitle : value.summary;
    if (typeof title !== 'string' || title.trim() === '') return;
    // A summary names the conversation its leafUuid belongs to, which is often another file:
    // it titles this session only once that leaf is read here.
    if (type === 'summary' && !seen.has(String(value.leafUuid))) {
      const pending = (state.pendingTitles ??= {});
      pending[String(value.leafUuid)] = title.trim();
      const keys = Object.keys(pending);
      if (keys.length > 32) delete pending[keys[0]!];
      return;
    }
    yield* setTitle(state, file, title.trim(), type);
    return;
  }
  if (PASSIVE_TYPES.has(type)) return;
  if (type !== 'user' && type !== 'assistant' && type !== 'system') {
    yield { kind: 'skip', line, reason: `unknown record type "${type.slice(0, 40)}"` };
    return;
  }
  const nativeSession = typeof value.sessionId === 'string' ? value.sessionId : undefined;
  if (!nativeSession) {
    yield { kind: 'skip', line, reason: `${type} record without a sessionId` };
    return;
  }
  if (!state.sessionId) {
    state.nativeId = state.isSubagent ? `${nativeSession}/agent-${state.agentId ?? (typeof value.agentId === 'string' ? value.agentId : 'unknown')}` : nativeSession;
    state.sessionId = `claude-code:${state.nativeId}`;
    if (typeof value.cwd === 'string') state.cwd = value.cwd;
    yield { kind: 'session', session: sessionRecord(state, file, value) };
  } else if (!state.cwd && typeof value.cwd === 'string') {
    state.cwd = value.cwd;
    yield { kind: 'session', session: sessionRecord(state, file, value) };
  }
  const createdAt = isoTime(value.timestamp);
  const message = value.message;
  if (type === 'system') {
    const content = typeof value.content === 'string' ? value.content : '';
    if (!content) return; // turn_duration and friends: timing only
    yield msg(state, String(value.uuid ?? `line-${line}`), 'system', 'meta', content, createdAt, { subtype: value.subtype, level: value.level });
    return;
  }
  if (!isRecord(message)) {
    yield { kind: 'skip', line, reason: `${type} record without a message object` };
    return;
  }
  if (type === 'user') yield* readUser(value, message, line, state, file, createdAt);
  else yield* readAssistant(value, message, line, state, createdAt);
}

function* readUser(value: Record<string, unknown>, message: Record<string, unknown>, line: number, state: State, file: string, createdAt: string | undefined): Generator<SourceRecord> {
  const uuid = typeof value.uuid === 'string' ? value.uuid : `line-${line}`;
  const content = message.content;
  const texts: string[] = [];
  const results: { id: string; text: string; isError: boolean }[] = [];
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    for (const block of content) {
      if (!isRecord(block)) continue;
      if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
      else if (block.type === 'image') texts.push(imagePlaceholder(block));
      else if (block.type === 'tool_result') results.push({ id: String(block.tool_use_id ?? ''), text: resultText(block.content), isError: block.is_error === true });
    }
  } else {
    yield { kind: 'skip', line, reason: 'user message content is neither text nor blocks' };
    return;
  }
  const base = { sidechain: value.isSidechain === true || undefined };
  if (results.length > 0) {
    const calls = results.map((r) => state.tools.find((t) => t.id === r.id));
    state.tools = state.tools.filter((t) => !results.some((r) => r.id === t.id));
    const names = calls.map((c) => c?.name);
    const text = [...results.map((r) => r.text), ...texts].join('\n\n');
    const isError = results.some((r) => r.isError);
    yield msg(state, uuid, 'tool', 'tool_result', text, createdAt, { ...base, toolUseId: results.map((r) => r.id).join(','), tool: names.filter(Boolean).join(',') || undefined, isError: isError || undefined });
    // A failed or rejected edit did not change the file: say so on the edit (linking skips it).
    for (const [i, r] of results.entries()) {
      const call = calls[i];
      if (!call || !r.isError) continue;
      for (const e of call.edits) yield { kind: 'edit', edit: { ...e, metadata: { ...e.metadata, failed: true, error: r.text } } } as SourceRecord;
    }
    // An applied edit's result carries the hunks the tool wrote (`toolUseResult.structuredPatch`),
    // whole lines even when old_string/new_string were fragments, and what the user changed in
    // the proposal before accepting it. One patch per call: a MultiEdit's goes on its first part.
    const patch = results.length === 1 && !results[0]!.isError ? structuredPatchText(value.toolUseResult) : undefined;
    const first = calls[0]?.edits[0];
    if (patch && first) yield { kind: 'edit', edit: { ...first, patch } };
    return;
  }
  const text = texts.join('\n\n');
  const injected = value.isMeta === true || value.isCompactSummary === true || INJECTED.test(text);
  if (injected) {
    yield msg(state, uuid, 'user', 'meta', text, createdAt, { ...base, compactSummary: value.isCompactSummary === true || undefined });
    return;
  }
  // A human request (in a subagent file: the task the parent agent gave it).
  const id = `${state.sessionId}:${uuid}`;
  state.requestId = id;
  yield msg(state, uuid, 'user', 'prompt', text, createdAt, { ...base, gitBranch: value.gitBranch });
  if (state.titleRank < TITLE_RANK.prompt) yield* setTitle(state, file, `${state.isSubagent ? 'subagent: ' : ''}${firstLine(text)}`, 'prompt');
}

function* readAssistant(value: Record<string, unknown>, message: Record<string, unknown>, line: number, state: State, createdAt: string | undefined): Generator<SourceRecord> {
  const uuid = typeof value.uuid === 'string' ? value.uuid : `line-${line}`;
  const key = typeof message.id === 'string' ? message.id : uuid;
  const blocks = Array.isArray(message.content) ? message.content : typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : undefined;
  if (!blocks) {
    yield { kind: 'skip', line, reason: 'assistant message content is not a list of blocks' };
    return;
  }
  let open = state.open.find((m) => m.key === key);
  if (!open) {
    open = { key, id: `${state.sessionId}:${key}`, texts: [], tools: [], thinking: [], edits: 0, createdAt, model: typeof message.model === 'string' ? message.model : undefined };
    state.open.push(open);
    if (state.open.length > KEEP_OPEN) state.open.shift();
  }
  const before = open.texts.length + open.thinking.length + open.tools.length;
  const edits: FileEditRecord[] = [];
  for (const block of blocks) {
    if (!isRecord(block)) continue;
    // A whitespace-only text block (often "\n\n" streamed before a tool call) says nothing.
    if (block.type === 'text' && typeof block.text === 'string') {
      if (block.text.trim()) open.texts.push(block.text);
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      if (block.thinking.trim()) open.thinking.push(block.thinking);
    } else if (block.type === 'tool_use') {
      const name = typeof block.name === 'string' ? block.name : 'unknown';
      const input = isRecord(block.input) ? block.input : {};
      open.tools.push(describeToolCall(name, input));
      const made = EDIT_TOOLS.has(name) ? editsOf(name, input, open, state, typeof value.cwd === 'string' ? value.cwd : state.cwd, createdAt) : [];
      edits.push(...made);
      state.tools.push({ id: String(block.id ?? ''), name, edits: made });
      if (state.tools.length > KEEP_TOOLS) state.tools.shift();
    }
  }
  // A streamed reply is done when its last block is written, seconds after the first: a line that
  // adds to it moves its time (the store keeps the latest time of a message that grows).
  const grew = open.texts.length + open.thinking.length + open.tools.length > before;
  if (grew && createdAt && (!open.createdAt || createdAt > open.createdAt)) open.createdAt = createdAt;
  const kind: MessageKind = open.texts.length > 0 ? 'text' : open.tools.length > 0 ? 'tool_call' : 'thinking';
  const content = kind === 'thinking' ? open.thinking.join('\n\n') : [...open.texts, ...open.tools].join('\n\n');
  if (!content.trim()) return; // nothing yet: stored once a later line of the message says something
  yield {
    kind: 'message',
    message: {
      id: open.id,
      sessionId: state.sessionId!,
      role: 'assistant',
      kind,
      content,
      createdAt: open.createdAt,
      metadata: clean({
        model: open.model,
        thinking: kind !== 'thinking' && open.thinking.length > 0 ? open.thinking.join('\n\n') : undefined,
        sidechain: value.isSidechain === true || undefined,
        requestId: state.requestId,
      }),
    },
  };
  for (const e of edits) yield { kind: 'edit', edit: e };
}

function editsOf(name: string, input: Record<string, unknown>, open: OpenMessage, state: State, cwd: string | undefined, createdAt: string | undefined): FileEditRecord[] {
  const path = typeof input.file_path === 'string' ? input.file_path : typeof input.notebook_path === 'string' ? input.notebook_path : undefined;
  if (!path) return [];
  const base = { sessionId: state.sessionId!, messageId: open.id, requestId: state.requestId, path, cwd, tool: name, createdAt };
  const next = (oldText: unknown, newText: unknown, metadata?: Record<string, unknown>): FileEditRecord => ({
    ...base,
    id: `${open.id}#${open.edits++}`,
    oldText: typeof oldText === 'string' ? oldText : undefined,
    newText: typeof newText === 'string' ? newText : undefined,
    ...(metadata ? { metadata } : {}),
  });
  switch (name) {
    case 'Write':
      return [next(undefined, input.content)];
    case 'Edit':
      return [next(input.old_string, input.new_string, input.replace_all === true ? { replaceAll: true } : undefined)];
    case 'MultiEdit':
      return (Array.isArray(input.edits) ? input.edits : []).filter(isRecord).map((e, i) => next(e.old_string, e.new_string, { part: i, ...(e.replace_all === true ? { replaceAll: true } : {}) }));
    case 'NotebookEdit':
      return [next(input.old_source, input.new_source, clean({ cellId: input.cell_id, editMode: input.edit_mode }))];
    default:
      return [];
  }
}

/** One line saying what a tool call did, for the transcript (edits' text lives in file_edits). */
function describeToolCall(name: string, input: Record<string, unknown>): string {
  const pick = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  const detail =
    pick('file_path') ??
    pick('notebook_path') ??
    pick('command') ??
    pick('pattern') ??
    pick('url') ??
    pick('query') ??
    pick('description') ??
    pick('prompt') ??
    pick('skill') ??
    (Object.keys(input).length > 0 ? JSON.stringify(input) : '');
  const short = detail.length > 500 ? `${detail.slice(0, 500)}…` : detail;
  return `[tool ${name}] ${short}`.trimEnd();
}

function* setTitle(state: State, file: string, title: string, source: TitleSource): Generator<SourceRecord> {
  if (!state.sessionId || TITLE_RANK[source] < state.titleRank) return;
  state.titleRank = TITLE_RANK[source];
  yield { kind: 'session', session: { ...sessionRecord(state, file), title } };
}

function sessionRecord(state: State, file: string, line?: Record<string, unknown>) {
  return {
    id: state.sessionId!,
    source: 'claude-code' as const,
    cwd: state.cwd,
    metadata: clean({
      file,
      version: line && typeof line.version === 'string' ? line.version : undefined,
      gitBranch: line && typeof line.gitBranch === 'string' ? line.gitBranch : undefined,
      parentSession: state.isSubagent && state.nativeId ? `claude-code:${state.nativeId.split('/')[0]}` : undefined,
      agentId: state.isSubagent ? state.agentId : undefined,
    }),
  };
}

function msg(state: State, key: string, role: Role, kind: MessageKind, content: string, createdAt: string | undefined, metadata: Record<string, unknown>): SourceRecord {
  return { kind: 'message', message: { id: `${state.sessionId}:${key}`, sessionId: state.sessionId!, role, kind, content, createdAt, metadata: clean(metadata) } };
}

/** `toolUseResult.structuredPatch` (`[{oldStart, oldLines, newStart, newLines, lines}]`) as unified-diff hunks. */
export function structuredPatchText(result: unknown): string | undefined {
  if (!isRecord(result) || !Array.isArray(result.structuredPatch)) return undefined;
  const out: string[] = [];
  for (const h of result.structuredPatch) {
    if (!isRecord(h) || !Array.isArray(h.lines)) continue;
    const lines = h.lines.filter((l): l is string => typeof l === 'string');
    if (!lines.some((l) => l.startsWith('+') || l.startsWith('-'))) continue;
    const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
    out.push(`@@ -${n(h.oldStart)},${n(h.oldLines)} +${n(h.newStart)},${n(h.newLines)} @@`, ...lines);
  }
  return out.length > 0 ? out.join('\n') : undefined;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (isRecord(b) ? (b.type === 'text' && typeof b.text === 'string' ? b.text : b.type === 'image' ? imagePlaceholder(b) : '') : ''))
    .filter(Boolean)
    .join('\n');
}

function imagePlaceholder(block: Record<string, unknown>): string {
  const source = isRecord(block.source) ? block.source : {};
  const size = typeof source.data === 'string' ? Math.round((source.data.length * 3) / 4 / 1024) : undefined;
  return `[image${typeof source.media_type === 'string' ? ` ${source.media_type}` : ''}${size !== undefined ? `, ${size} KB` : ''}]`;
}

function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
