import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isRecord, parseJson, previousStamp, promptTitle, readHead, recordOf, resumePoint, stampOf, str, wholeFileCursor } from './file-state.js';
import { readJsonl } from './jsonl.js';
import { patchTargets, type EditTarget } from './patch-text.js';
import type { Cursor, MessageRecord, SourceAdapter, SourceEnv, SourceRecord } from './types.js';
import { isDir, isFile, listDir, toIso, unique, VSCODE_ENV, vscodeUserDirs, workspaceFolder } from './vscode-paths.js';

/**
 * GitHub Copilot Chat in VS Code (docs/sources.md). Three kinds of file:
 * - `workspaceStorage/<id>/chatSessions/<session>.json`: the whole session, rewritten in place;
 * - the same dir's `.jsonl`: a mutation log of that object (kind 0 snapshot, 1 set, 2 append with
 *   optional truncate index `i`, 3 delete), replayed whole whenever the file changes;
 * - `workspaceStorage/<id>/GitHub.copilot-chat/transcripts/<session>.jsonl`: the extension's
 *   append-only event stream, read incrementally by byte offset.
 * The cwd is `session.start.data.context.cwd` or the workspace storage dir's `workspace.json`.
 */

const TOOL = 'copilot';
const APPS = ['Code', 'Code - Insiders', 'VSCodium'];

/** Copilot's edit tools by model-facing name and by VS Code tool id (copilot-chat toolNames.ts). */
const EDIT_TOOLS = new Set([
  'replace_string_in_file',
  'multi_replace_string_in_file',
  'insert_edit_into_file',
  'create_file',
  'apply_patch',
  'edit_notebook_file',
  'copilot_replaceString',
  'copilot_multiReplaceString',
  'copilot_insertEdit',
  'copilot_createFile',
  'copilot_applyPatch',
  'copilot_editNotebook',
]);

export const copilot: SourceAdapter = {
  id: 'copilot',
  name: 'Copilot (VS Code)',
  envOverrides: VSCODE_ENV,
  commitMarkers: [/^co-authored-by:.*\bcopilot\b/im],
  watchRoots: (senv) =>
    editorStores(senv).flatMap(({ workspaceStorage, globalSessions }) => [
      { path: workspaceStorage, depth: 4 },
      ...globalSessions.map((path) => ({ path, depth: 1 })),
    ]),
  watchedFiles: /\.jsonl?$/,
  async locate(senv) {
    const found: string[] = [];
    const sessionFiles = (dir: string) =>
      listDir(dir)
        .filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'))
        .map((f) => join(dir, f));
    for (const { workspaceStorage: ws, globalSessions } of editorStores(senv)) {
      for (const hash of listDir(ws)) {
        found.push(...sessionFiles(join(ws, hash, 'chatSessions')));
        const transcripts = join(ws, hash, 'GitHub.copilot-chat', 'transcripts');
        found.push(...listDir(transcripts).filter((f) => f.endsWith('.jsonl')).map((f) => join(transcripts, f)));
      }
      for (const dir of globalSessions) found.push(...sessionFiles(dir));
    }
    return unique(found.filter(isFile));
  },
  matches(path) {
    const parts = path.split(/[\\/]+/);
    const parent = parts.at(-2);
    const file = parts.at(-1) ?? '';
    if (parent === 'transcripts' && parts.at(-3) === 'GitHub.copilot-chat') return file.endsWith('.jsonl');
    return ['chatSessions', 'emptyWindowChatSessions', 'transferredChatSessions'].includes(parent ?? '') && /\.jsonl?$/.test(file);
  },
  read(file, from) {
    return readCopilot(file, from);
  },
};

/**
 * Each editor's `workspaceStorage` (`<hash>/chatSessions/*.json`, `<hash>/GitHub.copilot-chat/transcripts/*.jsonl`)
 * and the global chat folders of windows without a workspace.
 */
function editorStores(senv: SourceEnv): Array<{ workspaceStorage: string; globalSessions: string[] }> {
  return vscodeUserDirs(senv, APPS).map((user) => ({
    workspaceStorage: join(user, 'workspaceStorage'),
    globalSessions: ['emptyWindowChatSessions', 'transferredChatSessions'].map((g) => join(user, 'globalStorage', g)),
  }));
}

async function* readCopilot(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  if (!isFile(file)) {
    yield { kind: 'skip', reason: `${file}: not a readable file` };
    return;
  }
  if (file.endsWith('.json')) {
    yield* readSessionJson(file, from);
    return;
  }
  // A `.jsonl` is a transcript (event stream) or a chat session mutation log: tell by its first line.
  if (isTranscriptPath(file) || startsWithType(file)) yield* readTranscript(file, from);
  else yield* readMutationLog(file, from);
}

function isTranscriptPath(file: string): boolean {
  return basename(dirname(file)) === 'transcripts' && basename(dirname(dirname(file))) === 'GitHub.copilot-chat';
}

/** Whether the first line opens with a `"type"` key (a transcript event), from its first bytes only. */
function startsWithType(file: string): boolean {
  const head = readHead(file, 256)?.toString('utf8');
  return head !== undefined && /^\s*\{\s*"type"\s*:/.test(head.split('\n', 1)[0]!);
}

/** The folder of the workspace storage dir a file sits in (`<hash>/chatSessions/x.json` or `<hash>/GitHub.copilot-chat/transcripts/x.jsonl`). */
function cwdFromWorkspace(file: string): string | undefined {
  const up = isTranscriptPath(file) ? dirname(dirname(dirname(file))) : dirname(dirname(file));
  return isDir(up) ? workspaceFolder(up) : undefined;
}

// ---------------------------------------------------------------------------------------------
// chatSessions: whole JSON and the mutation log.

async function* readSessionJson(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const stamp = stampOf([file]);
  if (previousStamp(from) === stamp) {
    yield { kind: 'checkpoint', cursor: from! };
    return;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    yield { kind: 'skip', reason: `${file}: unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    return;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    // VS Code rewrites the file whole; a half-written one is read again when it changes.
    yield { kind: 'skip', reason: `${file}: bad JSON (${parsed.error})` };
    yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
    return;
  }
  yield* mapChatSession(file, parsed.value);
  yield { kind: 'checkpoint', cursor: wholeFileCursor(file, stamp) };
}

async function* readMutationLog(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const stamp = stampOf([file]);
  if (previousStamp(from) === stamp) {
    yield { kind: 'checkpoint', cursor: from! };
    return;
  }
  let state: unknown;
  let end = 0;
  for await (const line of readJsonl(file)) {
    end = line.end;
    if (line.error) {
      yield { kind: 'skip', line: line.line, reason: line.error };
      continue;
    }
    const op = line.value;
    if (!isRecord(op) || typeof op.kind !== 'number') {
      yield { kind: 'skip', line: line.line, reason: 'not a mutation ({kind, k, v})' };
      continue;
    }
    const problem = applyMutation(op, state, (s) => (state = s));
    if (problem) yield { kind: 'skip', line: line.line, reason: problem };
  }
  if (state !== undefined) yield* mapChatSession(file, state);
  yield { kind: 'checkpoint', cursor: { ...wholeFileCursor(file, stamp), offset: end } };
}

type Key = string | number;

/** Applies one mutation; returns why it could not be applied, if so. */
function applyMutation(op: Record<string, unknown>, state: unknown, setState: (s: unknown) => void): string | undefined {
  if (op.kind === 0) {
    setState(op.v);
    return undefined;
  }
  if (op.kind !== 1 && op.kind !== 2 && op.kind !== 3) return `unknown mutation kind ${String(op.kind)}`;
  if (state === undefined) return `mutation kind ${op.kind} before the initial snapshot`;
  const k = op.k;
  if (!Array.isArray(k) || k.length === 0 || !k.every((x) => typeof x === 'string' || typeof x === 'number')) return `mutation kind ${op.kind}: bad key path`;
  const path = k as Key[];
  const parent = walk(state, path.slice(0, -1));
  const last = path.at(-1)!;
  if (op.kind === 1) {
    if (!isContainer(parent)) return 'set: key path not found';
    (parent as Record<Key, unknown>)[last] = op.v;
    return undefined;
  }
  if (op.kind === 2) {
    const target = walk(state, path);
    if (!Array.isArray(target)) return 'append: key path is not an array';
    if (typeof op.i === 'number') target.splice(op.i);
    if (Array.isArray(op.v)) target.push(...(op.v as unknown[]));
    else if (op.v !== undefined) target.push(op.v);
    return undefined;
  }
  if (op.kind === 3) {
    if (!isContainer(parent)) return 'delete: key path not found';
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete (parent as Record<Key, unknown>)[last];
  }
  return undefined;
}

function walk(value: unknown, path: Key[]): unknown {
  let cur = value;
  for (const key of path) {
    if (!isContainer(cur)) return undefined;
    cur = (cur as Record<Key, unknown>)[key];
  }
  return cur;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function* mapChatSession(file: string, data: unknown): Generator<SourceRecord> {
  if (!isRecord(data)) {
    yield { kind: 'skip', reason: `${file}: not a chat session object` };
    return;
  }
  const nativeId = str(data.sessionId) ?? basename(file).replace(/\.jsonl?$/, '');
  const sessionId = `${TOOL}:${nativeId}`;
  const requests = Array.isArray(data.requests) ? data.requests : [];
  const cwd = cwdFromWorkspace(file);
  const firstText = requests.map((r) => (isRecord(r) && isRecord(r.message) ? str(r.message.text) : undefined)).find(Boolean);
  yield {
    kind: 'session',
    session: {
      id: sessionId,
      source: 'copilot',
      cwd,
      title: str(data.customTitle) ?? (firstText ? promptTitle(firstText) : undefined),
      createdAt: toIso(data.creationDate),
      metadata: { format: file.endsWith('.jsonl') ? 'chat-session-log' : 'chat-session', version: data.version, lastMessageAt: toIso(data.lastMessageDate) },
    },
  };
  if (!Array.isArray(data.requests)) {
    yield { kind: 'skip', reason: `${file}: session has no requests array` };
    return;
  }
  for (const [index, req] of requests.entries()) yield* mapRequest(sessionId, req, index, cwd);
}

function* mapRequest(sessionId: string, req: unknown, index: number, cwd: string | undefined): Generator<SourceRecord> {
  if (!isRecord(req)) {
    yield { kind: 'skip', reason: `request ${index}: not an object` };
    return;
  }
  const requestKey = str(req.requestId) ?? `request-${index}`;
  const promptId = `${sessionId}:${requestKey}`;
  const at = toIso(req.timestamp);
  const text = isRecord(req.message) ? str(req.message.text) : undefined;
  if (text === undefined) {
    yield { kind: 'skip', reason: `request ${requestKey}: no message text` };
  } else {
    yield message({ id: promptId, sessionId, role: 'user', kind: 'prompt', content: text, createdAt: at, metadata: { model: str(req.modelId) } });
  }
  const result = isRecord(req.result) ? req.result : {};
  const timings = isRecord(result.timings) ? result.timings : {};
  const answerAt = typeof req.timestamp === 'number' && typeof timings.totalElapsed === 'number' ? toIso(req.timestamp + timings.totalElapsed) : at;
  const response = Array.isArray(req.response) ? req.response : [];
  const answerId = `${sessionId}:${str(req.responseId) ?? `${requestKey}:response`}`;
  const requestId = text !== undefined ? promptId : undefined;

  // The response as the chat view shows it, part by part: text (a file reference by its name)
  // up to each tool invocation, the invocation, then the text after it. A tool call's name and
  // arguments come from result.metadata.toolCallRounds, in the same order as the invocations.
  const metadata = isRecord(result.metadata) ? result.metadata : {};
  const rounds = Array.isArray(metadata.toolCallRounds) ? metadata.toolCallRounds : [];
  const roundCalls = rounds.flatMap((round) => (isRecord(round) && Array.isArray(round.toolCalls) ? round.toolCalls.filter(isRecord) : []));
  const covered = new Set<string>();
  let calls = 0;
  let texts = 0;
  let pending = '';
  const flush = function* (): Generator<SourceRecord> {
    const content = dropEmptyFences(pending).trim();
    pending = '';
    if (!content) return;
    yield message({ id: texts++ === 0 ? answerId : `${answerId}:${texts - 1}`, sessionId, role: 'assistant', kind: 'text', content, createdAt: answerAt });
  };
  const roundCall = function* (call: Record<string, unknown>): Generator<SourceRecord> {
    const name = str(call.name) ?? 'unknown';
    const callId = `${sessionId}:${requestKey}:tool:${str(call.id) ?? String(calls)}`;
    calls++;
    const args = recordOf(call.arguments);
    yield message({ id: callId, sessionId, role: 'assistant', kind: 'tool_call', content: `${name} ${typeof call.arguments === 'string' ? call.arguments : JSON.stringify(args)}`, createdAt: answerAt, metadata: { tool: name } });
    let k = 0;
    for (const e of editsOf(name, args)) {
      covered.add(e.path);
      yield editRecord(sessionId, callId, ++k, name, e, requestId, cwd, answerAt);
    }
  };
  let nextRound = 0;
  for (const part of response) {
    if (!isRecord(part)) continue;
    if (part.kind === undefined || part.kind === 'markdownContent') pending += markdownOf(part);
    else if (part.kind === 'inlineReference') pending += referenceName(part);
    else if (part.kind === 'toolInvocationSerialized') {
      yield* flush();
      if (nextRound < roundCalls.length) yield* roundCall(roundCalls[nextRound++]!);
      else {
        const name = str(part.toolId) ?? 'unknown';
        const invocation = typeof part.invocationMessage === 'string' ? part.invocationMessage : isRecord(part.invocationMessage) ? str(part.invocationMessage.value) : undefined;
        yield message({ id: `${sessionId}:${requestKey}:tool:${str(part.toolCallId) ?? String(calls)}`, sessionId, role: 'assistant', kind: 'tool_call', content: `${name} ${invocation ?? ''}`.trim(), createdAt: answerAt, metadata: { tool: name } });
        calls++;
      }
    }
  }
  yield* flush();
  // Calls the view shows no invocation for (older versions): where they were is not known.
  for (const call of roundCalls.slice(nextRound)) yield* roundCall(call);
  // Edits the response shows without a tool call that names them (edit mode, older versions).
  let n = 0;
  for (const part of response) {
    if (!isRecord(part)) continue;
    const isGroup = part.kind === 'textEditGroup';
    const isBlock = part.kind === 'codeblockUri' && part.isEdit === true;
    if (!isGroup && !isBlock) continue;
    const path = isRecord(part.uri) ? (str(part.uri.fsPath) ?? str(part.uri.path)) : undefined;
    if (!path || covered.has(path)) continue;
    covered.add(path);
    const newText = isGroup && Array.isArray(part.edits) ? part.edits.flat().map((e) => (isRecord(e) ? (str(e.text) ?? '') : '')).join('\n') : undefined;
    yield {
      kind: 'edit',
      edit: { id: `${answerId}#${n++}`, sessionId, messageId: answerId, requestId, path, cwd, tool: String(part.kind), newText: newText || undefined, createdAt: answerAt },
    };
  }
}

/** The files an edit tool call changes, with old/new text when the arguments carry them. */
function editsOf(name: string, args: Record<string, unknown>): EditTarget[] {
  if (!EDIT_TOOLS.has(name)) return [];
  if (name.endsWith('apply_patch') || name === 'copilot_applyPatch') {
    const patch = str(args.input) ?? str(args.patch);
    return patch ? patchTargets(patch) : [];
  }
  if (Array.isArray(args.replacements)) {
    return args.replacements.filter(isRecord).flatMap((r) => {
      const path = str(r.filePath);
      return path ? [{ path, oldText: str(r.oldString), newText: str(r.newString) }] : [];
    });
  }
  const path = str(args.filePath) ?? str(args.path);
  if (!path) return [];
  return [{ path, oldText: str(args.oldString), newText: str(args.newString) ?? str(args.content) ?? str(args.code) ?? str(args.newCode) }];
}

function editRecord(sessionId: string, messageId: string, n: number, tool: string, e: EditTarget, requestId: string | undefined, cwd: string | undefined, createdAt: string | undefined): SourceRecord {
  return { kind: 'edit', edit: { id: `${messageId}#${n - 1}`, sessionId, messageId, requestId, path: e.path, cwd, tool, oldText: e.oldText, newText: e.newText, ...(e.patch ? { patch: e.patch } : {}), createdAt } };
}

function message(m: MessageRecord): SourceRecord {
  return { kind: 'message', message: m };
}

function markdownOf(part: Record<string, unknown>): string {
  if (typeof part.value === 'string') return part.value;
  if (isRecord(part.content)) return str(part.content.value) ?? '';
  if (isRecord(part.value)) return str(part.value.value) ?? '';
  return '';
}

/**
 * An `inlineReference` as the chat view shows it: its label, else the symbol's or file's name
 * (the model wrote it as code: `jokes.csv`). The reference is a URI, a location `{uri, range}`
 * or a symbol `{name, location}`.
 */
function referenceName(part: Record<string, unknown>): string {
  const ref = isRecord(part.inlineReference) ? part.inlineReference : {};
  const uri = isRecord(ref.uri) ? ref.uri : ref;
  const path = str(uri.fsPath) ?? str(uri.path);
  const name = str(part.name) ?? str(ref.name) ?? (path ? basename(path.replace(/\\/g, '/')) : undefined);
  return name ? `\`${name}\`` : '';
}

/** The fences VS Code writes around an edit it shows as a widget (codeblockUri, textEditGroup): empty once the widget is gone. */
function dropEmptyFences(text: string): string {
  return text.replace(/\n?```[\w-]*\n\s*```\n?/g, '\n');
}

// ---------------------------------------------------------------------------------------------
// Extension transcripts: {type, data, id, timestamp, parentId} per line.

/**
 * What differs between the tools that write this event stream: Copilot CLI's
 * `session-state/<id>/events.jsonl` (copilot-cli.ts) has the same schema, its own id prefix, edit tools
 * and fallbacks, so both read it through one reader.
 */
export interface TranscriptFlavor {
  /** The adapter id: session and message id prefix, and the sessions' source. */
  tool: string;
  /** The session's native id when no `session.start` names it. */
  nativeId(file: string): string;
  /** The working directory when `session.start` carries none. */
  cwd(file: string): string | undefined;
  /** The files a tool call changes, from its raw arguments (an object, a JSON string or a patch). */
  edits(tool: string, rawArgs: unknown): EditTarget[];
}

const CHAT_TRANSCRIPT: TranscriptFlavor = {
  tool: TOOL,
  nativeId: (file) => basename(file, '.jsonl'),
  cwd: cwdFromWorkspace,
  edits: (tool, rawArgs) => editsOf(tool, recordOf(rawArgs)),
};

interface TranscriptState {
  sessionId?: string;
  cwd?: string;
  promptId?: string;
  /** Tool call ids already yielded (from toolRequests), so tool.execution_start does not repeat them. */
  calls?: string[];
  titled?: boolean;
}

/**
 * Events that carry nothing lore stores (the Copilot SDK's session-events schema): session
 * lifecycle and settings (`session.*`: model and mode changes, info, warnings, task_complete,
 * shutdown...), the system prompt, streaming deltas, usage, hooks, subagents and permissions.
 * They are read and passed over; only an event of a kind not known here is a skipped line.
 */
const QUIET_EVENTS = /^(session|hook|subagent|skill|permission)\.|^(assistant\.(turn_start|turn_end|intent|reasoning|reasoning_delta|message_start|message_delta|usage|thinking)|tool\.(user_requested|execution_partial_result|execution_progress)|system\.(message|notification)|abort)$/;

export async function* readTranscript(file: string, from: Cursor | undefined, flavor: TranscriptFlavor = CHAT_TRANSCRIPT): AsyncGenerator<SourceRecord> {
  const { start, cursorAt } = resumePoint(file, from);
  const prev = start > 0 && isRecord(from?.state) ? (from.state as TranscriptState) : {};
  const st: TranscriptState = { ...prev, calls: [...(prev.calls ?? [])] };
  const fallbackId = flavor.nativeId(file);
  let offset = start;
  let sessionYielded = start > 0;
  const ensureSession = function* (createdAt?: string, version?: unknown): Generator<SourceRecord> {
    if (sessionYielded) return;
    sessionYielded = true;
    st.sessionId ??= fallbackId;
    st.cwd ??= flavor.cwd(file);
    yield { kind: 'session', session: { id: `${flavor.tool}:${st.sessionId}`, source: flavor.tool, cwd: st.cwd, createdAt, metadata: { format: 'transcript', copilotVersion: version } } };
  };
  for await (const line of readJsonl(file, { offset: start })) {
    offset = line.end;
    if (line.error) {
      yield { kind: 'skip', line: line.line, reason: line.error };
      continue;
    }
    const ev = line.value;
    if (!isRecord(ev) || typeof ev.type !== 'string' || !isRecord(ev.data)) {
      yield { kind: 'skip', line: line.line, reason: 'not a transcript event ({type, data})' };
      continue;
    }
    const data = ev.data;
    const at = toIso(ev.timestamp);
    const eventId = str(ev.id) ?? `L${line.start}`;
    if (ev.type === 'session.start') {
      st.sessionId = str(data.sessionId) ?? fallbackId;
      const context = isRecord(data.context) ? data.context : {};
      st.cwd = str(context.cwd) ?? flavor.cwd(file);
      yield* ensureSession(toIso(data.startTime) ?? at, data.copilotVersion);
      continue;
    }
    yield* ensureSession(at);
    const sessionId = `${flavor.tool}:${st.sessionId}`;
    switch (ev.type) {
      case 'user.message': {
        const content = str(data.content);
        const sent = str(data.transformedContent);
        if (content === undefined && sent === undefined) {
          yield { kind: 'skip', line: line.line, reason: 'user.message without content' };
          break;
        }
        // Text a tool or the agent put in the user's turn (empty `content`, the text only in
        // `transformedContent`; or `source: "system"`): what the model was told, not a request.
        if (!content?.trim() || data.source === 'system') {
          const injected = content?.trim() ? content : (sent ?? '');
          if (injected.trim()) yield message({ id: `${sessionId}:${eventId}`, sessionId, role: 'system', kind: 'meta', content: injected, createdAt: at, metadata: { injected: true } });
          break;
        }
        st.promptId = `${sessionId}:${eventId}`;
        if (!st.titled) {
          // The transcript has no title: the first prompt names the session, as the chat view does.
          st.titled = true;
          yield { kind: 'session', session: { id: sessionId, source: flavor.tool, cwd: st.cwd, title: promptTitle(content) } };
        }
        yield message({ id: st.promptId, sessionId, role: 'user', kind: 'prompt', content, createdAt: at });
        break;
      }
      case 'assistant.message': {
        const id = `${sessionId}:${str(data.messageId) ?? eventId}`;
        if (typeof data.reasoningText === 'string' && data.reasoningText) yield message({ id: `${id}:thinking`, sessionId, role: 'assistant', kind: 'thinking', content: data.reasoningText, createdAt: at });
        const content = str(data.content);
        if (content) yield message({ id, sessionId, role: 'assistant', kind: 'text', content, createdAt: at });
        for (const req of Array.isArray(data.toolRequests) ? data.toolRequests : []) {
          if (!isRecord(req)) continue;
          yield* transcriptToolCall(flavor, sessionId, st, str(req.toolCallId), str(req.name), req.arguments, at);
        }
        break;
      }
      case 'tool.execution_start':
        yield* transcriptToolCall(flavor, sessionId, st, str(data.toolCallId), str(data.toolName), data.arguments, at);
        break;
      case 'tool.execution_complete': {
        const callId = str(data.toolCallId) ?? eventId;
        const result = isRecord(data.result) ? data.result : {};
        const content = typeof result.content === 'string' ? result.content : data.success === false ? 'failed' : 'ok';
        yield message({ id: `${sessionId}:${callId}:result`, sessionId, role: 'tool', kind: 'tool_result', content, createdAt: at, metadata: { success: data.success } });
        break;
      }
      default:
        if (!QUIET_EVENTS.test(ev.type)) yield { kind: 'skip', line: line.line, reason: `unknown event type ${ev.type}` };
    }
  }
  yield { kind: 'checkpoint', cursor: cursorAt(offset, st) };
}

function* transcriptToolCall(flavor: TranscriptFlavor, sessionId: string, st: TranscriptState, callKey: string | undefined, name: string | undefined, rawArgs: unknown, at: string | undefined): Generator<SourceRecord> {
  const key = callKey ?? `${name}:${at}`;
  if (st.calls!.includes(key)) return;
  st.calls!.push(key);
  if (st.calls!.length > 500) st.calls!.splice(0, st.calls!.length - 500);
  const tool = name ?? 'unknown';
  const args = recordOf(rawArgs);
  const id = `${sessionId}:${key}`;
  // A freeform tool (Copilot CLI's apply_patch) takes its input as a bare string, not JSON: show it as is.
  const shown = typeof rawArgs === 'string' && Object.keys(args).length === 0 ? rawArgs : JSON.stringify(args);
  yield message({ id, sessionId, role: 'assistant', kind: 'tool_call', content: `${tool} ${shown}`, createdAt: at, metadata: { tool } });
  let n = 0;
  for (const e of flavor.edits(tool, rawArgs)) yield editRecord(sessionId, id, ++n, tool, e, st.promptId, st.cwd, at);
}
