import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { isRecord, parseJson, openResume, readWhenChanged, unreadable, type ResumePoint } from './file-state.js';
import { readJsonl } from './jsonl.js';
import { TITLE_KEPT_MAX, type Cursor, type FileEditRecord, type MessageRecord, type SessionRecord, type SourceAdapter, type SourceEnv, type SourceRecord, type SourceRoot } from './types.js';
import { baseName, findFiles } from './walk.js';
import { crypto } from '../builtins.js';

/**
 * Gemini CLI (docs/sources.md). Under `$GEMINI_CLI_HOME/.gemini` or `~/.gemini` (gemini-cli
 * `utils/paths.ts::homedir`), every OS: `tmp/<projectId>/chats/session-*.json` (legacy, one
 * ConversationRecord rewritten whole), `session-*.jsonl` (a replay log: metadata line, message
 * records where a repeated id replaces the earlier one, `{"$set": …}`, `{"$rewindTo": id}`),
 * subagent logs `chats/<parent>/<id>.jsonl`, and `logs.json` (the user's prompts only).
 *
 * `<projectId>` is sha256(project root) (old layout) or a readable slug (new layout). The cwd comes
 * from the data: the slug dir's `.project_root`, `projects.json`, or a path in a tool call or
 * result whose sha256 equals the record's `projectHash`. Never from the directory name.
 */

const TOOL = 'gemini';
const EDIT_TOOLS = new Set(['write_file', 'replace', 'edit', 'WriteFile', 'Edit']);
const CHECKPOINT_EVERY = 500;

export const gemini: SourceAdapter = {
  id: 'gemini',
  name: 'Gemini CLI',
  envOverrides: ['GEMINI_CLI_HOME'],
  commitMarkers: [/^co-authored-by:.*\bgemini\b/im, /generated with \[?gemini/i],
  watchRoots: (env) => [tmpRoot(env)],
  watchedFiles: /\.jsonl?$/,

  async locate(env: SourceEnv): Promise<string[]> {
    const tmp = tmpRoot(env).path;
    let projects: string[];
    try {
      projects = readdirSync(tmp, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const p of projects) {
      out.push(...(await findFiles(join(tmp, p, 'chats'), isChatFile, 2)));
      if (existsSync(join(tmp, p, 'logs.json'))) out.push(join(tmp, p, 'logs.json'));
    }
    return out;
  },

  matches(path: string): boolean {
    const parts = path.split(/[\\/]+/);
    const name = parts[parts.length - 1] ?? '';
    if (name === 'logs.json') return parts[parts.length - 3] === 'tmp';
    const chats = parts.lastIndexOf('chats');
    return isChatFile(name) && chats >= 2 && parts[chats - 2] === 'tmp';
  },

  read(file: string, from: Cursor | undefined): AsyncIterable<SourceRecord> {
    if (baseName(file) === 'logs.json') return readLogs(file, from);
    return file.endsWith('.jsonl') ? readReplayLog(file, from) : readWholeRecord(file, from);
  },
};

/** `$GEMINI_CLI_HOME/.gemini`, else `~/.gemini` (the same layout on every OS). */
function geminiDir(env: SourceEnv): string {
  return join(env.env.GEMINI_CLI_HOME || env.home, '.gemini');
}

/** `tmp/<projectId>/chats/<parent>/<id>.jsonl` is the deepest layout. */
function tmpRoot(env: SourceEnv): SourceRoot {
  return { path: join(geminiDir(env), 'tmp'), depth: 4 };
}

function isChatFile(name: string): boolean {
  return (name.endsWith('.json') || name.endsWith('.jsonl')) && !name.includes('.unreadable-');
}

/** The `tmp/<projectId>` dir a chats file or logs.json belongs to. */
function projectDirOf(file: string): string {
  let d = dirname(file);
  for (let i = 0; i < 3 && baseName(d) !== 'chats'; i++) {
    if (baseName(dirname(d)) === 'tmp') return d; // logs.json sits in the project dir itself
    d = dirname(d);
  }
  return baseName(d) === 'chats' ? dirname(d) : dirname(file);
}

function sha256(text: string): string {
  return crypto().createHash('sha256').update(text).digest('hex');
}

interface ProjectHints {
  /** From `.project_root` or projects.json: the project this dir belongs to. */
  root?: string;
}

function projectHints(projectDir: string, projectHash: string | undefined): ProjectHints {
  try {
    const root = readFileSync(join(projectDir, '.project_root'), 'utf8').trim();
    if (root) return { root };
  } catch {
    // the old hash layout has no marker
  }
  const id = baseName(projectDir);
  try {
    const reg = JSON.parse(readFileSync(join(dirname(dirname(projectDir)), 'projects.json'), 'utf8')) as unknown;
    const projects = isRecord(reg) && isRecord(reg.projects) ? reg.projects : {};
    for (const [path, slug] of Object.entries(projects)) {
      if (slug === id || sha256(path) === id || (projectHash && sha256(path) === projectHash)) return { root: path };
    }
  } catch {
    // no registry
  }
  return {};
}

/**
 * A project root proven by the record itself: a directory, taken from an absolute path in a tool
 * call or its result, whose sha256 is the record's projectHash.
 */
function rootFromPaths(paths: Iterable<string>, projectHash: string): string | undefined {
  for (const p of paths) {
    let d = p.replace(/[\\/]+$/, '');
    for (let i = 0; i < 30 && d.length > 1; i++) {
      if (sha256(d) === projectHash) return d;
      const up = d.replace(/[\\/][^\\/]*$/, '');
      if (up === d || up === '') break;
      d = up;
    }
  }
  return undefined;
}

/** Absolute paths mentioned by a message's tool calls (args and result text). */
function pathsIn(rec: Record<string, unknown>): string[] {
  const out: string[] = [];
  const calls = Array.isArray(rec.toolCalls) ? rec.toolCalls : [];
  for (const c of calls) {
    if (!isRecord(c)) continue;
    const args = isRecord(c.args) ? c.args : {};
    for (const k of ['file_path', 'absolute_path', 'path', 'dir_path']) {
      const v = args[k];
      if (typeof v === 'string' && isAbsolute(v)) out.push(v);
    }
    const text = resultText(c.result);
    for (const m of text.matchAll(/(?:^|[\s:'"`])(\/[^\s'"`]+?|[A-Za-z]:\\[^\s'"`]+?)\.?(?=$|[\s'"`])/g)) out.push(m[1]!);
  }
  return out;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'string' ? p : isRecord(p) && typeof p.text === 'string' ? p.text : isRecord(p) && p.inlineData ? '[image]' : '')).filter(Boolean).join('\n');
  if (isRecord(content) && typeof content.text === 'string') return content.text;
  return '';
}

function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (!Array.isArray(result)) return '';
  const parts: string[] = [];
  for (const r of result) {
    if (!isRecord(r)) continue;
    const fr = isRecord(r.functionResponse) ? r.functionResponse : undefined;
    const resp = fr && isRecord(fr.response) ? fr.response : undefined;
    if (resp) {
      const v = resp.output ?? resp.error ?? resp.content;
      parts.push(typeof v === 'string' ? v : JSON.stringify(v));
    } else if (typeof r.text === 'string') parts.push(r.text);
  }
  return parts.join('\n');
}

/** Session-level facts gathered while reading; carried in the cursor between reads. */
interface SessionInfo {
  sessionId: string;
  projectHash?: string;
  startTime?: string;
  lastUpdated?: string;
  summary?: string;
  kind?: string;
  cwd?: string;
  title?: string;
  directories?: string[];
}

/** Turns message records into lore records; shared by the whole-file and replay-log readers. */
class Converter {
  constructor(
    readonly info: SessionInfo,
    readonly hints: ProjectHints,
  ) {}

  get sid(): string {
    return `${TOOL}:${this.info.sessionId}`;
  }

  session(): SessionRecord {
    const i = this.info;
    const metadata: Record<string, unknown> = {};
    if (i.projectHash) metadata.projectHash = i.projectHash;
    if (i.kind) metadata.kind = i.kind;
    if (i.lastUpdated) metadata.lastUpdated = i.lastUpdated;
    return {
      id: this.sid,
      source: 'gemini',
      ...(this.cwd() ? { cwd: this.cwd()! } : {}),
      ...((i.summary ?? i.title) ? { title: i.summary ?? i.title! } : {}),
      ...(i.startTime ? { createdAt: i.startTime } : {}),
      metadata,
    };
  }

  cwd(): string | undefined {
    return this.hints.root ?? this.info.cwd ?? this.info.directories?.[0];
  }

  /** Tries to prove the cwd from this record's paths; true when it was found just now. */
  learnCwd(rec: Record<string, unknown>): boolean {
    if (this.cwd() || !this.info.projectHash) return false;
    const root = rootFromPaths(pathsIn(rec), this.info.projectHash);
    if (!root) return false;
    this.info.cwd = root;
    return true;
  }

  /** The records for one message; `promptId` is the prompt of its turn. */
  convert(rec: Record<string, unknown>, promptId: string | undefined, rewound = false): SourceRecord[] {
    const out: SourceRecord[] = [];
    const id = String(rec.id);
    const mid = `${this.sid}:${id}`;
    const ts = typeof rec.timestamp === 'string' ? rec.timestamp : undefined;
    const type = rec.type;
    const extra = rewound ? { rewound: true } : undefined;
    const msg = (m: Omit<MessageRecord, 'sessionId'>): void => {
      out.push({ kind: 'message', message: { ...m, sessionId: this.sid, ...(m.metadata || extra ? { metadata: { ...m.metadata, ...extra } } : {}) } });
    };
    const at = ts ? { createdAt: ts } : {};
    if (type === 'user') {
      const typed = promptText(rec);
      if (typed !== undefined) msg({ id: mid, role: 'user', kind: 'prompt', content: typed, ...at });
      else {
        // Sent by the CLI itself: kept as what the model was told, never as a request.
        const sent = contentText(rec.content);
        if (sent.trim()) msg({ id: mid, role: 'system', kind: 'meta', content: sent, ...at, metadata: { injected: true } });
      }
      return out;
    }
    if (type === 'info' || type === 'warning' || type === 'error') {
      msg({ id: mid, role: 'system', kind: 'meta', content: contentText(rec.content), ...at, metadata: { type } });
      return out;
    }
    // 'gemini' (the model)
    const thoughts = Array.isArray(rec.thoughts)
      ? rec.thoughts.map((t) => (isRecord(t) ? [t.subject, t.description].filter((x) => typeof x === 'string' && x).join(': ') : '')).filter(Boolean)
      : [];
    if (thoughts.length) msg({ id: `${mid}:thoughts`, role: 'assistant', kind: 'thinking', content: thoughts.join('\n\n'), ...at });
    const text = contentText(rec.content);
    const model = typeof rec.model === 'string' ? { model: rec.model } : undefined;
    if (text.trim()) msg({ id: mid, role: 'assistant', kind: 'text', content: text, ...at, ...(model ? { metadata: model } : {}) });
    const calls = Array.isArray(rec.toolCalls) ? rec.toolCalls : [];
    calls.forEach((c, n) => {
      if (!isRecord(c) || typeof c.name !== 'string') return;
      const callId = typeof c.id === 'string' ? c.id : `${id}:tool${n}`;
      const cid = `${this.sid}:${callId}`;
      const cts = typeof c.timestamp === 'string' ? c.timestamp : ts;
      const cat = cts ? { createdAt: cts } : {};
      const status = typeof c.status === 'string' ? c.status : undefined;
      msg({ id: cid, role: 'assistant', kind: 'tool_call', content: `${c.name} ${JSON.stringify(c.args ?? {})}`, ...cat, metadata: { tool: c.name, callId, ...(status ? { status } : {}) } });
      const result = resultText(c.result) || (typeof c.resultDisplay === 'string' ? c.resultDisplay : '');
      if (c.result !== undefined || result) msg({ id: `${cid}:result`, role: 'tool', kind: 'tool_result', content: result, ...cat, metadata: { callId, ...(status ? { status } : {}) } });
      if (rewound || !EDIT_TOOLS.has(c.name) || status === 'error' || status === 'cancelled') return;
      const args = isRecord(c.args) ? c.args : {};
      const path = typeof args.file_path === 'string' ? args.file_path : typeof args.path === 'string' ? args.path : undefined;
      if (!path) return;
      const edit: FileEditRecord = {
        id: `${cid}#0`,
        sessionId: this.sid,
        messageId: cid,
        ...(promptId ? { requestId: promptId } : {}),
        path,
        ...(this.cwd() ? { cwd: this.cwd()! } : {}),
        tool: c.name,
        ...(typeof args.old_string === 'string' ? { oldText: args.old_string } : {}),
        ...(typeof args.new_string === 'string' ? { newText: args.new_string } : typeof args.content === 'string' ? { newText: args.content } : {}),
        ...cat,
      };
      out.push({ kind: 'edit', edit });
    });
    return out;
  }
}

function isMessage(v: Record<string, unknown>): boolean {
  return typeof v.id === 'string' && typeof v.type === 'string';
}

/** Turns the CLI sends on its own when the model stops early (gemini-cli `client.ts`). */
const CONTINUATIONS = new Set(['System: Please continue.', 'Please continue.']);

/**
 * What the user typed, for a `user` record that holds it; undefined for the turns the CLI writes
 * itself: a continuation ("System: Please continue.", shown as the tool results it followed, so its
 * display text is empty) and tool results recorded as `user` messages (only `functionResponse` parts).
 */
function promptText(rec: Record<string, unknown>): string | undefined {
  if (rec.type !== 'user') return undefined;
  const shown = rec.displayContent !== undefined ? contentText(rec.displayContent) : contentText(rec.content);
  if (!shown.trim() || CONTINUATIONS.has(shown.trim())) return undefined;
  return shown;
}

function firstPrompt(rec: Record<string, unknown>): string | undefined {
  const t = (promptText(rec) ?? '').trim().split('\n')[0] ?? '';
  return t ? t.slice(0, TITLE_KEPT_MAX) : undefined;
}

/** Legacy `.json`: the whole ConversationRecord, rewritten on every change: re-read when it changes. */
async function* readWholeRecord(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const read = readWhenChanged(file, from);
  if ('kind' in read) {
    yield read;
    return;
  }
  const done: SourceRecord = { kind: 'checkpoint', cursor: read.cursor };
  const parsed = parseJson(read.text);
  if (!parsed.ok) {
    yield { kind: 'skip', reason: `invalid JSON: ${parsed.error}` };
    yield done;
    return;
  }
  const rec = parsed.value;
  if (!isRecord(rec) || typeof rec.sessionId !== 'string' || !Array.isArray(rec.messages)) {
    yield { kind: 'skip', reason: 'not a Gemini conversation record (no sessionId or messages)' };
    yield done;
    return;
  }
  const info: SessionInfo = { sessionId: rec.sessionId };
  applyMeta(info, rec);
  const conv = new Converter(info, projectHints(projectDirOf(file), info.projectHash));
  // The cwd first (edits need it), then the title.
  for (const m of rec.messages) if (isRecord(m) && conv.learnCwd(m)) break;
  info.title = rec.messages.map((m) => (isRecord(m) ? firstPrompt(m) : undefined)).find(Boolean);
  yield { kind: 'session', session: conv.session() };
  let promptId: string | undefined;
  for (let i = 0; i < rec.messages.length; i++) {
    const m = rec.messages[i];
    if (!isRecord(m) || !isMessage(m)) {
      yield { kind: 'skip', reason: `messages[${i}] is not a message (no id or type)` };
      continue;
    }
    if (promptText(m) !== undefined) promptId = `${conv.sid}:${m.id as string}`;
    yield* conv.convert(m, promptId);
  }
  yield done;
}

function applyMeta(info: SessionInfo, v: Record<string, unknown>): void {
  if (typeof v.projectHash === 'string') info.projectHash = v.projectHash;
  if (typeof v.startTime === 'string') info.startTime = v.startTime;
  if (typeof v.lastUpdated === 'string') info.lastUpdated = v.lastUpdated;
  if (typeof v.summary === 'string') info.summary = v.summary;
  if (typeof v.kind === 'string') info.kind = v.kind;
  if (Array.isArray(v.directories)) info.directories = v.directories.filter((d): d is string => typeof d === 'string');
}

interface ReplayState {
  line: number;
  info?: SessionInfo;
  /** Message ids in order, each with whether it is a prompt: enough to find a turn's prompt and to rewind. */
  order: [string, boolean][];
}

/**
 * `.jsonl` replay log, read from the cursor. A `$rewindTo` (or `$set.messages`) that removes
 * messages read before this call sends the read back to the start: only a full replay knows their
 * content, to keep them marked `rewound`.
 */
async function* readReplayLog(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const resume = openResume(file, from);
  if ('kind' in resume) {
    yield resume;
    return;
  }
  const saved = resume.start > 0 ? (from?.state as ReplayState | undefined) : undefined;
  const replay = yield* replayFrom(file, resume, saved && typeof saved.line === 'number' ? saved : undefined);
  if (replay === 'restart') yield* replayFrom(file, resume, undefined);
}

async function* replayFrom(file: string, resume: ResumePoint, saved: ReplayState | undefined): AsyncGenerator<SourceRecord, 'done' | 'restart'> {
  const st: ReplayState = saved ? structuredClone(saved) : { line: 1, order: [] };
  const offset = saved ? resume.start : 0;
  const fallbackId = baseName(file).replace(/\.jsonl$/, '');
  st.info ??= { sessionId: fallbackId };
  const hints = projectHints(projectDirOf(file), st.info.projectHash);
  const conv = new Converter(st.info, hints);
  /** Records read in this call, by id (for rewinds). */
  const seen = new Map<string, Record<string, unknown>>();
  let sessionSent = !!saved;
  let end = offset;
  let n = 0;
  const promptBefore = (index: number): string | undefined => {
    for (let i = index; i >= 0; i--) if (st.order[i]![1]) return `${conv.sid}:${st.order[i]![0]}`;
    return undefined;
  };
  const out: SourceRecord[] = [];
  const sendSession = (): void => {
    sessionSent = true;
    out.push({ kind: 'session', session: conv.session() });
  };
  /** Removes the messages from `index` on; false when some were read before this call. */
  const rewind = (index: number): boolean => {
    const removed = st.order.splice(index);
    for (const [id] of removed) {
      const rec = seen.get(id);
      if (!rec) return false;
      out.push(...conv.convert(rec, undefined, true));
    }
    return true;
  };
  try {
    for await (const l of readJsonl(file, { offset, startLine: st.line })) {
      st.line = l.line + 1;
      end = l.end;
      if (l.error !== undefined) out.push({ kind: 'skip', line: l.line, reason: l.error });
      else if (!isRecord(l.value)) out.push({ kind: 'skip', line: l.line, reason: 'not a JSON object' });
      else {
        const v = l.value;
        if (isRecord(v.$set)) {
          const before = conv.session();
          applyMeta(st.info, v.$set);
          if (Array.isArray(v.$set.messages)) {
            // A checkpoint of the whole conversation: it replaces every message.
            if (!rewind(0)) return 'restart';
            for (const m of v.$set.messages) if (isRecord(m) && isMessage(m)) addMessage(m);
          }
          if (!sessionSent || JSON.stringify(before) !== JSON.stringify(conv.session())) sendSession();
        } else if (typeof v.$rewindTo === 'string') {
          const at = st.order.findIndex(([id]) => id === v.$rewindTo);
          if (!rewind(at === -1 ? 0 : at)) return 'restart';
        } else if (isMessage(v)) {
          if (!sessionSent) sendSession();
          addMessage(v);
        } else if (typeof v.sessionId === 'string') {
          // The metadata line (first line of real logs).
          st.info.sessionId = v.sessionId;
          applyMeta(st.info, v);
          Object.assign(hints, projectHints(projectDirOf(file), st.info.projectHash));
          sendSession();
        } else out.push({ kind: 'skip', line: l.line, reason: `unknown record (keys ${Object.keys(v).slice(0, 4).join(', ') || 'none'})` });
      }
      yield* out.splice(0);
      if (++n % CHECKPOINT_EVERY === 0) yield { kind: 'checkpoint', cursor: resume.cursorAt(end, structuredClone(st)) };
    }
  } catch (err) {
    out.push(unreadable(err));
  }
  yield* out.splice(0);
  yield { kind: 'checkpoint', cursor: resume.cursorAt(end, st) };
  return 'done';

  function addMessage(m: Record<string, unknown>): void {
    const id = m.id as string;
    seen.set(id, m);
    let index = st.order.findIndex(([x]) => x === id);
    if (index === -1) {
      st.order.push([id, promptText(m) !== undefined]);
      index = st.order.length - 1;
    }
    if (conv.learnCwd(m) || (!st.info!.title && promptText(m) !== undefined)) {
      st.info!.title ??= firstPrompt(m);
      sendSession();
    }
    out.push(...conv.convert(m, promptBefore(index)));
  }
}

/** `logs.json`: the prompts of sessions whose chat file is gone or was never written. */
async function* readLogs(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const projectDir = projectDirOf(file);
  const chatsDir = join(projectDir, 'chats');
  // A chat file appearing or going changes which sessions the prompt log stands in for.
  const read = readWhenChanged(file, from, [file, chatsDir]);
  if ('kind' in read) {
    yield read;
    return;
  }
  const done: SourceRecord = { kind: 'checkpoint', cursor: read.cursor };
  const parsed = parseJson(read.text);
  if (!parsed.ok || !Array.isArray(parsed.value)) {
    yield { kind: 'skip', reason: parsed.ok ? 'logs.json is not an array' : `invalid JSON: ${parsed.error}` };
    yield done;
    return;
  }
  // Sessions with a chat file are read from it (it has the answers too).
  const covered = new Set<string>();
  try {
    for (const name of readdirSync(chatsDir)) {
      const short = /-([0-9a-f]{8})\.jsonl?$/.exec(name)?.[1];
      if (short) covered.add(short);
      covered.add(name.replace(/\.jsonl?$/, '').slice(0, 8));
    }
  } catch {
    // no chats dir
  }
  const hints = projectHints(projectDir, undefined);
  const started = new Set<string>();
  const entries = parsed.value;
  const out: SourceRecord[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isRecord(e) || typeof e.sessionId !== 'string' || typeof e.message !== 'string') {
      out.push({ kind: 'skip', reason: `entry ${i} is not a prompt log entry` });
      continue;
    }
    if (covered.has(e.sessionId.slice(0, 8))) continue;
    const sid = `${TOOL}:${e.sessionId}`;
    const ts = typeof e.timestamp === 'string' ? e.timestamp : undefined;
    if (!started.has(sid)) {
      started.add(sid);
      const title = e.message.trim().split('\n')[0]!;
      out.push({ kind: 'session', session: { id: sid, source: 'gemini', ...(hints.root ? { cwd: hints.root } : {}), ...(ts ? { createdAt: ts } : {}), ...(title ? { title } : {}), metadata: { fromPromptLog: true } } });
    }
    const key = typeof e.messageId === 'number' || typeof e.messageId === 'string' ? String(e.messageId) : String(i);
    out.push({ kind: 'message', message: { id: `${sid}:log-${key}`, sessionId: sid, role: 'user', kind: 'prompt', content: e.message, ...(ts ? { createdAt: ts } : {}) } });
  }
  yield* out;
  yield done;
}
