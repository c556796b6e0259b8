import { join } from 'node:path';
import { diffHunks, extractPatch, parseUnifiedDiff } from './unified-diff.js';
import { isRecord, openResume, parseJson, unreadable } from './file-state.js';
import { readJsonl } from './jsonl.js';
import { parseApplyPatch, type PatchedFile } from './patch-text.js';
import { TITLE_KEPT_MAX, type Cursor, type FileEditRecord, type MessageKind, type MessageRecord, type Role, type SourceAdapter, type SourceEnv, type SourceRecord, type SourceRoot } from './types.js';
import { baseName, findFiles } from './walk.js';
import { crypto } from '../builtins.js';

/**
 * Codex CLI / IDE / Desktop rollouts: `$CODEX_HOME/{sessions,archived_sessions}/**\/rollout-*.jsonl`,
 * one `{timestamp, type, payload}` per line (codex `codex-rs/rollout/src/recorder.rs`; docs/sources.md).
 *
 * The same prompt or answer is written twice, as an `event_msg` (what the UI shows) and as a
 * `response_item` (what the model sees), not always both and not always with the same text. A user
 * `response_item` waits (`pending`) until the next record says whether an `event_msg.user_message`
 * twin follows; assistant text and reasoning twins are adjacent, so the second copy is dropped.
 */

const UUID_TAIL = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** Context Codex injects as user/developer text: never a human prompt. */
const INJECTED = /^\s*(?:# AGENTS\.md instructions|<[a-z_]+(?:[\s>]|$)|# Context from my IDE)/;
const CHECKPOINT_EVERY = 500;
const MAX_TRACKED_CALLS = 500;

interface Pending {
  line: number;
  start: number;
  text: string;
  ts?: string;
  /** The state as it was before this line, for a checkpoint that re-reads it. */
  before: CodexState;
}

interface CodexState {
  /** Number of the next line to read. */
  line: number;
  sessionId?: string;
  sessionEmitted?: boolean;
  /** What the session record says so far: every re-yield carries all of it. */
  session: { createdAt?: string; title?: string; metadata?: Record<string, unknown> };
  /** The turn's cwd (turn_context may change it) and the session's first one. */
  cwd?: string;
  sessionCwd?: string;
  promptId?: string;
  promptHash?: string;
  /** An `event_msg.user_message` has been seen: prompts come from events from now on. */
  userEvents?: boolean;
  /** The last message emitted, for dropping its twin from the other stream. */
  last?: { role: Role; kind: MessageKind; src: 'ev' | 'ri'; twinned?: boolean };
  /** Calls seen, and calls whose patch already gave edits (so `patch_apply_end` does not repeat them). */
  calls: string[];
  patched: string[];
}

export const codex: SourceAdapter = {
  id: 'codex',
  name: 'Codex',

  envOverrides: ['CODEX_HOME'],
  commitMarkers: [/^co-authored-by:.*\b(codex|openai)\b/im, /generated with \[?codex/i],
  // Codex compresses old rollouts to .jsonl.zst.
  watchedFiles: /\.jsonl(\.zst)?$/,
  watchRoots: (env) => codexRoots(env).flatMap((home) => [sessionsDir(home, 'sessions'), sessionsDir(home, 'archived_sessions')]),

  async locate(env: SourceEnv): Promise<string[]> {
    const out: string[] = [];
    for (const home of codexRoots(env)) {
      const liveDir = sessionsDir(home, 'sessions').path;
      const archivedDir = sessionsDir(home, 'archived_sessions').path;
      const live = await findFiles(liveDir, isRollout);
      const liveRel = new Set(live.map((p) => p.slice(liveDir.length)));
      out.push(...live);
      // An archived copy of a rollout still in sessions/ is older: the live one wins.
      for (const p of await findFiles(archivedDir, isRollout)) {
        if (!liveRel.has(p.slice(archivedDir.length))) out.push(p);
      }
    }
    return out;
  },

  matches(path: string): boolean {
    return isRollout(baseName(path));
  },

  read(file: string, from: Cursor | undefined): AsyncIterable<SourceRecord> {
    return readRollout(file, from);
  },
};

/** `$CODEX_HOME` (comma-separated roots are accepted, as ccusage does) or `~/.codex`, on every OS. */
function codexRoots(env: SourceEnv): string[] {
  const fromEnv = env.env.CODEX_HOME?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  return fromEnv.length ? fromEnv : [join(env.home, '.codex')];
}

/** `sessions/YYYY/MM/DD/rollout-*.jsonl`, and the same below `archived_sessions/`. */
function sessionsDir(home: string, name: 'sessions' | 'archived_sessions'): SourceRoot {
  return { path: join(home, name), depth: 4 };
}

function isRollout(name: string): boolean {
  return name.startsWith('rollout-') && name.endsWith('.jsonl');
}

async function* readRollout(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const resume = openResume(file, from);
  if ('kind' in resume) {
    yield resume;
    return;
  }
  const saved = resume.start > 0 ? (from?.state as CodexState | undefined) : undefined;
  const resuming = saved !== undefined && typeof saved.line === 'number';
  const rollout = new Rollout(file, resuming ? structuredClone(saved) : { line: 1, calls: [], patched: [], session: {} });
  const st = rollout.st;
  let offset = resuming ? resume.start : 0;
  let sinceCheckpoint = 0;
  try {
    for await (const l of readJsonl(file, { offset, startLine: st.line })) {
      st.line = l.line + 1;
      offset = l.end;
      if (l.error !== undefined) rollout.out.push({ kind: 'skip', line: l.line, reason: l.error });
      else rollout.readLine(l.value, l.line, l.start);
      yield* rollout.out.splice(0);
      if (++sinceCheckpoint >= CHECKPOINT_EVERY && rollout.pending.length === 0) {
        sinceCheckpoint = 0;
        yield { kind: 'checkpoint', cursor: resume.cursorAt(offset, structuredClone(st)) };
      }
    }
  } catch (err) {
    yield unreadable(err);
  }
  // Store what is pending now (a prompt in rollouts without events, context in others). When events
  // are in use, resume at the first pending line: if its event twin comes, the prompt takes its id.
  const first = st.userEvents ? rollout.pending[0] : undefined;
  rollout.flushPending();
  yield* rollout.out.splice(0);
  if (first) {
    yield { kind: 'checkpoint', cursor: resume.cursorAt(first.start, first.before) };
  } else yield { kind: 'checkpoint', cursor: resume.cursorAt(offset, st) };
}

/** One read of a rollout: its state (stored in the cursor) and the steps that turn lines into records. */
class Rollout {
  /** Records ready to yield, in order. */
  readonly out: SourceRecord[] = [];
  /** User response_items waiting for the event that says which one (if any) is the prompt. */
  pending: Pending[] = [];
  /** Byte offset of the line being handled. */
  private lineStart = 0;
  private readonly fileId: string | undefined;

  constructor(
    private readonly file: string,
    readonly st: CodexState,
  ) {
    this.fileId = UUID_TAIL.exec(baseName(file).replace(/\.jsonl$/, ''))?.[1];
  }

  /** Interprets one parsed line; a line it cannot use becomes a skip. */
  readLine(value: unknown, lineNo: number, start: number): void {
    this.lineStart = start;
    const reason = this.handleLine(value, lineNo);
    if (reason) this.out.push({ kind: 'skip', line: lineNo, reason });
  }

  /** A user response_item that no event twin claimed: a prompt in old rollouts, context in new ones. */
  flushPending(): void {
    const list = this.pending;
    this.pending = [];
    for (const p of list) this.flushOne(p);
  }

  private sid(): string {
    if (!this.st.sessionId) this.st.sessionId = this.fileId ?? baseName(this.file).replace(/\.jsonl$/, '');
    return this.st.sessionId;
  }

  private pushSession(): void {
    const st = this.st;
    st.sessionEmitted = true;
    this.out.push({ kind: 'session', session: { id: `codex:${this.sid()}`, source: 'codex', ...(st.sessionCwd ? { cwd: st.sessionCwd } : {}), ...st.session } });
  }

  private emit(m: Omit<MessageRecord, 'sessionId'>, src: 'ev' | 'ri'): void {
    if (!this.st.sessionEmitted) this.pushSession();
    this.out.push({ kind: 'message', message: { ...m, sessionId: `codex:${this.sid()}` } });
    this.st.last = { role: m.role, kind: m.kind, src };
  }

  /** The adjacent copy of the message just emitted, from the other stream. */
  private isTwin(role: Role, kind: MessageKind, src: 'ev' | 'ri'): boolean {
    const l = this.st.last;
    if (!l || l.twinned || l.role !== role || l.kind !== kind || l.src === src) return false;
    l.twinned = true;
    return true;
  }

  private emitPrompt(line: number, text: string, ts: string | undefined, src: 'ev' | 'ri'): void {
    const st = this.st;
    const id = `codex:${this.sid()}:L${line}`;
    st.promptId = id;
    st.promptHash = hash(text);
    this.emit({ id, role: 'user', kind: 'prompt', content: text, ...(ts ? { createdAt: ts } : {}) }, src);
    if (st.session.title === undefined) {
      st.session.title = titleOf(text);
      this.pushSession();
    }
  }

  private flushOne(p: Pending): void {
    if (this.st.userEvents) this.emit({ id: `codex:${this.sid()}:L${p.line}`, role: 'system', kind: 'meta', content: p.text, ...(p.ts ? { createdAt: p.ts } : {}), metadata: { nativeRole: 'user' } }, 'ri');
    else this.emitPrompt(p.line, p.text, p.ts, 'ri');
  }

  private edits(files: PatchedFile[], messageId: string | undefined, ts: string | undefined, tool: string): void {
    const st = this.st;
    let n = 0;
    for (const f of files) {
      const base = { sessionId: `codex:${this.sid()}`, tool, ...(messageId ? { messageId } : {}), ...(st.promptId ? { requestId: st.promptId } : {}), ...(st.cwd ? { cwd: st.cwd } : {}), ...(ts ? { createdAt: ts } : {}) };
      const key = messageId ?? `codex:${this.sid()}:L${st.line}`;
      const one = (edit: Omit<FileEditRecord, 'id' | 'sessionId' | 'tool'>): void => {
        this.out.push({ kind: 'edit', edit: { ...base, ...edit, id: `${key}#${n++}` } });
      };
      const patch = f.patch !== undefined ? { patch: f.patch } : {};
      if (f.movedTo) {
        one({ path: f.path, ...(f.oldText !== undefined ? { oldText: f.oldText } : {}) });
        one({ path: f.movedTo, ...(f.newText !== undefined ? { newText: f.newText } : {}), ...patch });
      } else one({ path: f.path, ...(f.oldText !== undefined ? { oldText: f.oldText } : {}), ...(f.newText !== undefined ? { newText: f.newText } : {}), ...patch });
    }
  }

  /** One rollout line by its record type; returns a skip reason, or undefined. */
  private handleLine(value: unknown, lineNo: number): string | undefined {
    if (!isRecord(value)) return 'not a JSON object';
    const type = value.type;
    const p = value.payload;
    const ts = typeof value.timestamp === 'string' ? value.timestamp : undefined;
    if (typeof type !== 'string') return 'no record type';
    if (!isRecord(p)) return `${type} without a payload object`;
    const ptype = typeof p.type === 'string' ? p.type : undefined;
    const lineId = `codex:${this.sid()}:L${lineNo}`;
    switch (type) {
      case 'session_meta':
        this.sessionMeta(p, ts);
        return undefined;
      case 'turn_context':
        this.turnContext(p);
        return undefined;
      case 'compacted':
        this.flushPending();
        if (typeof p.message === 'string' && p.message) this.emit({ id: lineId, role: 'system', kind: 'meta', content: p.message, ...(ts ? { createdAt: ts } : {}), metadata: { compacted: true } }, 'ri');
        return undefined;
      case 'event_msg':
        return this.handleEvent(p, ptype, lineNo, ts);
      case 'response_item':
        return this.handleItem(p, ptype, lineNo, ts);
      default:
        return `unknown record type ${JSON.stringify(type).slice(0, 60)}`;
    }
  }

  private sessionMeta(p: Record<string, unknown>, ts: string | undefined): void {
    const st = this.st;
    if (st.session.metadata) return; // a copied meta line (fork, resume): the first one counts
    if (!st.sessionEmitted && !this.fileId && typeof p.id === 'string') st.sessionId = p.id;
    if (typeof p.cwd === 'string') st.cwd = st.sessionCwd = p.cwd;
    const metadata: Record<string, unknown> = {};
    for (const k of ['originator', 'cli_version', 'source', 'model_provider', 'git', 'forked_from_id', 'thread_source', 'agent_nickname', 'agent_role'] as const) {
      if (p[k] !== undefined) metadata[k] = p[k];
    }
    st.session.metadata = metadata;
    const createdAt = typeof p.timestamp === 'string' ? p.timestamp : ts;
    if (createdAt) st.session.createdAt = createdAt;
    this.pushSession();
  }

  private turnContext(p: Record<string, unknown>): void {
    const st = this.st;
    if (typeof p.cwd !== 'string') return;
    st.cwd = p.cwd;
    if (!st.sessionCwd) {
      st.sessionCwd = p.cwd;
      if (st.sessionEmitted) this.pushSession();
    }
  }

  private handleEvent(p: Record<string, unknown>, ptype: string | undefined, lineNo: number, ts: string | undefined): string | undefined {
    switch (ptype) {
      case 'user_message':
        return this.userMessage(p, lineNo, ts);
      case 'agent_message':
        this.flushPending();
        if (typeof p.message !== 'string') return 'agent_message without text';
        if (this.isTwin('assistant', 'text', 'ev')) return undefined;
        this.emit({ id: `codex:${this.sid()}:L${lineNo}`, role: 'assistant', kind: 'text', content: p.message, ...(ts ? { createdAt: ts } : {}) }, 'ev');
        return undefined;
      case 'agent_reasoning':
        this.flushPending();
        if (typeof p.text !== 'string' || !p.text) return undefined;
        if (this.isTwin('assistant', 'thinking', 'ev')) return undefined;
        this.emit({ id: `codex:${this.sid()}:L${lineNo}`, role: 'assistant', kind: 'thinking', content: p.text, ...(ts ? { createdAt: ts } : {}) }, 'ev');
        return undefined;
      case 'patch_apply_end':
        this.patchApplyEnd(p, ts);
        return undefined;
      default:
        // token_count, task_started/complete, exec_command_end (duplicates the call output), ...: UI events.
        return undefined;
    }
  }

  /** The prompt as the UI shows it; it claims the pending response_item copy of itself, if any. */
  private userMessage(p: Record<string, unknown>, lineNo: number, ts: string | undefined): string | undefined {
    const st = this.st;
    if (typeof p.message !== 'string') return 'user_message without text';
    st.userEvents = true;
    const text = p.message;
    if (this.pending.length) {
      const list = this.pending;
      this.pending = [];
      const twin = list.findLast((x) => x.text.trim() === text.trim());
      for (const x of list) if (x !== twin) this.flushOne(x); // context sent with the prompt
      // When the response_item copy came first, its line is the id, so reading in pieces agrees.
      this.emitPrompt(twin?.line ?? lineNo, text, ts ?? twin?.ts, 'ev');
      return undefined;
    }
    if (st.last?.role === 'user' && st.last.kind === 'prompt' && st.last.src === 'ri' && !st.last.twinned && st.promptHash === hash(text)) {
      st.last.twinned = true; // its twin was already stored (the read stopped between them)
      return undefined;
    }
    this.emitPrompt(lineNo, text, ts, 'ev');
    return undefined;
  }

  /** The files a patch changed, as Codex reports them after applying it (unless its call already gave them). */
  private patchApplyEnd(p: Record<string, unknown>, ts: string | undefined): void {
    const st = this.st;
    const callId = typeof p.call_id === 'string' ? p.call_id : undefined;
    if (p.success === false || !isRecord(p.changes)) return;
    if (callId && st.patched.includes(callId)) return;
    const files: PatchedFile[] = [];
    for (const [path, change] of Object.entries(p.changes)) {
      if (!isRecord(change)) continue;
      const op = change.type === 'add' ? 'add' : change.type === 'delete' ? 'delete' : 'update';
      const f: PatchedFile = { path, op };
      if (typeof change.unified_diff === 'string') {
        Object.assign(f, parseUnifiedDiff(change.unified_diff));
        const patch = op === 'update' ? diffHunks(change.unified_diff) : undefined;
        if (patch) f.patch = patch;
      }
      else if (typeof change.content === 'string') {
        if (op === 'delete') f.oldText = change.content;
        else f.newText = change.content;
      }
      if (typeof change.move_path === 'string') f.movedTo = change.move_path;
      files.push(f);
    }
    if (callId) remember(st.patched, callId);
    const messageId = callId && st.calls.includes(callId) ? `codex:${this.sid()}:${callId}` : undefined;
    this.edits(files, messageId, ts, 'apply_patch');
  }

  private handleItem(p: Record<string, unknown>, ptype: string | undefined, lineNo: number, ts: string | undefined): string | undefined {
    const at = ts ? { createdAt: ts } : {};
    const lineId = `codex:${this.sid()}:L${lineNo}`;
    switch (ptype) {
      case 'message':
        return this.itemMessage(p, lineNo, ts);
      case 'reasoning': {
        this.flushPending();
        const summary = Array.isArray(p.summary) ? p.summary.map((s) => (isRecord(s) && typeof s.text === 'string' ? s.text : '')).filter(Boolean).join('\n\n') : '';
        if (!summary) return undefined; // encrypted reasoning only: nothing readable to keep
        if (this.isTwin('assistant', 'thinking', 'ri')) return undefined;
        this.emit({ id: lineId, role: 'assistant', kind: 'thinking', content: summary, ...at }, 'ri');
        return undefined;
      }
      case 'function_call':
      case 'custom_tool_call':
      case 'local_shell_call':
      case 'web_search_call':
        this.toolCall(p, ptype, lineNo, ts);
        return undefined;
      case 'function_call_output':
      case 'custom_tool_call_output': {
        this.flushPending();
        const callId = typeof p.call_id === 'string' ? p.call_id : undefined;
        const output = outputText(p.output);
        this.emit({ id: callId ? `codex:${this.sid()}:${callId}:output` : lineId, role: 'tool', kind: 'tool_result', content: output, ...at, metadata: { ...(callId ? { callId } : {}) } }, 'ri');
        return undefined;
      }
      case 'ghost_snapshot':
      case 'compaction':
      case 'compaction_summary':
      case 'image_generation_call':
      case 'tool_search_call':
      case 'tool_search_output':
        return undefined;
      default:
        return `unknown response_item type ${JSON.stringify(ptype ?? null).slice(0, 60)}`;
    }
  }

  /** A message as the model sees it: a user one waits in `pending` for its event twin. */
  private itemMessage(p: Record<string, unknown>, lineNo: number, ts: string | undefined): string | undefined {
    const at = ts ? { createdAt: ts } : {};
    const lineId = `codex:${this.sid()}:L${lineNo}`;
    const role = p.role;
    const text = contentText(p.content);
    if (text === undefined) return 'message without content';
    if (role === 'user') {
      if (INJECTED.test(text)) {
        this.emit({ id: lineId, role: 'system', kind: 'meta', content: text, ...at, metadata: { nativeRole: 'user' } }, 'ri');
        return undefined;
      }
      this.pending.push({ line: lineNo, start: this.lineStart, text, ...(ts ? { ts } : {}), before: structuredClone({ ...this.st, line: lineNo }) });
      return undefined;
    }
    if (role === 'assistant') {
      this.flushPending();
      if (this.isTwin('assistant', 'text', 'ri')) return undefined;
      this.emit({ id: lineId, role: 'assistant', kind: 'text', content: text, ...at }, 'ri');
      return undefined;
    }
    if (role === 'developer' || role === 'system') {
      this.emit({ id: lineId, role: 'system', kind: 'meta', content: text, ...at, metadata: { nativeRole: role } }, 'ri');
      return undefined;
    }
    return `message with unknown role ${JSON.stringify(role)}`;
  }

  /** A tool call, and the edits of an apply_patch it carries. */
  private toolCall(p: Record<string, unknown>, ptype: string, lineNo: number, ts: string | undefined): void {
    this.flushPending();
    const callId = typeof p.call_id === 'string' ? p.call_id : typeof p.id === 'string' ? p.id : undefined;
    const name = typeof p.name === 'string' ? p.name.replace(/^functions\./, '') : ptype === 'local_shell_call' ? 'local_shell' : ptype === 'web_search_call' ? 'web_search' : 'tool';
    const input = ptype === 'function_call' ? p.arguments : ptype === 'custom_tool_call' ? p.input : p.action;
    const inputText = typeof input === 'string' ? input : input === undefined ? '' : JSON.stringify(input);
    const id = callId ? `codex:${this.sid()}:${callId}` : `codex:${this.sid()}:L${lineNo}`;
    this.emit({ id, role: 'assistant', kind: 'tool_call', content: `${name} ${inputText}`.trim(), ...(ts ? { createdAt: ts } : {}), metadata: { tool: name, ...(callId ? { callId } : {}) } }, 'ri');
    if (callId) remember(this.st.calls, callId);
    const patch = findPatch(name, input);
    if (patch) {
      const files = parseApplyPatch(patch);
      if (files.length) {
        this.edits(files, id, ts, 'apply_patch');
        if (callId) remember(this.st.patched, callId);
      }
    }
  }
}

/** Keeps the last MAX_TRACKED_CALLS ids: calls far back are never answered or patched again. */
function remember(list: string[], id: string): void {
  list.push(id);
  if (list.length > MAX_TRACKED_CALLS) list.splice(0, list.length - MAX_TRACKED_CALLS);
}

/** The patch text of an apply_patch call, in any of its shapes (custom tool, function, shell). */
function findPatch(name: string, input: unknown): string | undefined {
  if (typeof input === 'string') {
    if (name === 'apply_patch' && !input.trimStart().startsWith('{')) return extractPatch(input) ?? input;
    if (!input.includes('*** Begin Patch')) return undefined;
    // parseJson, not JSON.parse: it leaves out nesting deep enough to overflow this recursion.
    const parsed = parseJson(input);
    return parsed.ok ? findPatch(name, parsed.value) : extractPatch(input);
  }
  if (Array.isArray(input)) {
    for (const x of input) {
      const found = typeof x === 'string' ? extractPatch(x) : findPatch(name, x);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(input)) {
    for (const k of ['input', 'patch', 'command', 'cmd']) {
      const v = input[k];
      const found = typeof v === 'string' ? extractPatch(v) : v !== undefined ? findPatch(name, v) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

// response_item content is always an array of parts in real rollouts; anything else is a wrong
// type, skipped and counted rather than read as text that would pair with the next prompt.
function contentText(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const c of content) {
    if (!isRecord(c)) continue;
    if (typeof c.text === 'string') parts.push(c.text);
    else if (c.type === 'input_image') parts.push('[image]');
  }
  return parts.join('\n\n');
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (isRecord(output) && typeof output.output === 'string') return output.output;
  if (Array.isArray(output)) return output.map((o) => (isRecord(o) && typeof o.text === 'string' ? o.text : '')).join('\n');
  return output === undefined ? '' : JSON.stringify(output);
}

function hash(text: string): string {
  return crypto().createHash('sha1').update(text.trim()).digest('hex').slice(0, 16);
}

/**
 * The IDE extension and the desktop app wrap a prompt in context ("# Context from my IDE setup:",
 * "# Files mentioned by the user:") and put what was typed after "## My request for Codex:".
 */
const IDE_REQUEST = /^## My request for Codex:[ \t]*$/m;

function titleOf(text: string): string {
  const at = /^\s*# (Context from my IDE setup|Files mentioned by the user):/.test(text) ? text.search(IDE_REQUEST) : -1;
  const request = at >= 0 ? text.slice(at).replace(IDE_REQUEST, '') : text;
  return (request.trim().split('\n')[0] ?? '').slice(0, TITLE_KEPT_MAX);
}
