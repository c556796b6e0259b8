import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { openResume, readWhenChanged, unreadable } from './file-state.js';
import { readJsonl } from './jsonl.js';
import { TITLE_KEPT_MAX, type Cursor, type FileEditRecord, type MessageKind, type MessageRecord, type Role, type SessionRecord, type SourceAdapter, type SourceEnv, type SourceRecord } from './types.js';
import { baseName } from './walk.js';
import { crypto } from '../builtins.js';

/**
 * Aider keeps its history inside each repository: `.aider.chat.history.md` (append-only Markdown,
 * aider `aider/io.py`) and `.aider.input.history` (every typed input with its local time).
 *
 * The Markdown has no ids and no per-message times, and its markers are ambiguous, so the rules are:
 * `# aider chat started at` opens a session; `#### ` lines ending in two spaces are the user's
 * input (aider adds the two spaces, Markdown headings in answers lack them); `> ` lines are aider's
 * own output, and a multi-line output has the prefix on its first line only and two spaces after
 * its last, so unprefixed lines continue it until then; everything else is the model's answer.
 * Ids: session `aider:<hash of the file path>-<byte offset of its header>`, message `…:L<line>`.
 */

const CHAT = '.aider.chat.history.md';
const INPUT = '.aider.input.history';
const HEADER = /^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/;
const CHECKPOINT_LINES = 2000;
/** Aider's commands (v0.4x–0.8x), to resolve a typed prefix as aider does: `/tes` is `/test`. */
const COMMANDS = ['add', 'architect', 'ask', 'chat-mode', 'clear', 'clipboard', 'code', 'commit', 'context', 'copy', 'copy-context', 'diff', 'drop', 'edit', 'editor', 'exit', 'git', 'help', 'lint', 'load', 'ls', 'map', 'map-refresh', 'model', 'models', 'multiline-mode', 'paste', 'quit', 'read-only', 'reasoning-effort', 'report', 'reset', 'run', 'save', 'settings', 'test', 'think-tokens', 'tokens', 'undo', 'voice', 'weak-model', 'editor-model', 'web'];
/**
 * Commands whose turn is a request of its own: what the model then does (answer, edit, fix the
 * failing test or lint) was asked for by this input, not by an earlier prompt (issue 12).
 */
const REQUESTS = new Set(['ask', 'code', 'architect', 'context', 'run', 'test', 'lint']);
/** Inputs aider writes itself: the linter's and test runner's "fix this" messages, /help's question. */
const AUTOMATIC = /^# (Fix any errors below|Running:|Question:)/;
/** The linter's "fix this": sent with nothing typed at start-up (`aider --lint`), it is the request. */
const LINT_FIX = /^# Fix any errors below/;
/**
 * Commands that hand their text to a coder, which writes it to the history again (aider
 * `_generic_chat_command`; `/help` until aider 0.49 wrote its question back the same way).
 */
const ECHOED = new Set(['ask', 'code', 'architect', 'context', 'help']);
/**
 * `/run`'s question in aider 0.46–0.50 (`Add the output to the chat? (y/n/instructions)`, on one
 * line or two): an answer other than yes or no is an instruction sent to the model with the output.
 * The question is aider's even right after command output that looked like the end of a `> ` block.
 */
const RUN_QUESTION = /^> Add the output to the chat\?/;
const INSTRUCTIONS = /^(?:Add the output to the chat\? ?)?\(y\/n\/instructions\):? ?(.*?)\s*$/;
/** An answer to one of aider's yes/no questions, which its input history keeps beside the prompts. */
const CONFIRM_ANSWER = /^(y(es)?|no?|a(ll)?|s(kip)?|d(on't)?)$/i;

type BlockType = 'user' | 'tool' | 'assistant';

interface Block {
  type: BlockType;
  line: number;
  start: number;
  /** Text lines; blank lines are kept as ''. */
  lines: string[];
  /** A `> ` output whose last line (two trailing spaces) has not come yet. */
  open?: boolean;
}

interface AiderState {
  line: number;
  session?: { native: string; createdAt?: string; title?: string; metadata?: Record<string, unknown> };
  /** Blocks seen in the session so far (the first `> ` block after a header is the banner). */
  blocks: number;
  promptId?: string;
  /** When the current turn started (an input-history time, else the session header time). */
  at?: string;
  /** Index of the next unmatched `.aider.input.history` entry. */
  inputIdx: number;
  /** Aider printed `Applied edit to` since the turn's request: a `Commit` now is of the turn's work. */
  edited?: boolean;
  /** The last input was `/commit` or `/lint`, which commit the user's dirty files first. */
  commitCommand?: 'commit' | 'lint';
  /** A prompt was typed in this session: commits before the first one are start-up commits. */
  prompted?: boolean;
  /**
   * The question of a `/ask Q` (`/code`, `/architect`, `/context`) just typed: aider writes it
   * again as its own `####  Q` input before the answer, and that echo is no second prompt.
   */
  echo?: string;
  /**
   * The turn's `/run` request, until its question is answered: instructions typed there are part
   * of the same request (aider appends them to the command's output in one message to the model).
   */
  run?: MessageRecord;
}

export const aider: SourceAdapter = {
  id: 'aider',
  name: 'Aider',
  inRepository: true,
  envOverrides: ['AIDER_CHAT_HISTORY_FILE', 'AIDER_INPUT_HISTORY_FILE'],
  commitMarkers: [/^co-authored-by:.*\baider\b/im, /^aider: /i],
  // Aider's own commits carry the user's name with " (aider)" (its --attribute-author default).
  authorMarkers: [/\(aider\)\s*$/i],
  // Its files live in the repositories (env.knownRepos), which the watcher does not follow for transcripts.
  watchRoots: () => [],
  watchedFiles: /\.md$/,

  async locate(env: SourceEnv): Promise<string[]> {
    const out: string[] = [];
    const override = env.env.AIDER_CHAT_HISTORY_FILE;
    const inputOverride = env.env.AIDER_INPUT_HISTORY_FILE;
    for (const repo of env.knownRepos) {
      const chat = override ? (isAbsolute(override) ? override : join(repo, override)) : join(repo, CHAT);
      const input = inputOverride ? (isAbsolute(inputOverride) ? inputOverride : join(repo, inputOverride)) : join(repo, INPUT);
      if (existsSync(chat)) out.push(chat);
      // Without a chat history (aider run with --no-chat-history...), the typed inputs are still worth having.
      else if (existsSync(input)) out.push(input);
    }
    return [...new Set(out)];
  },

  matches(path: string): boolean {
    const name = baseName(path);
    return name === CHAT || name === INPUT;
  },

  read(file: string, from: Cursor | undefined): AsyncIterable<SourceRecord> {
    return baseName(file) === INPUT ? readInputHistory(file, from) : readChatHistory(file, from);
  },
};

interface InputEntry {
  at: string;
  text: string;
}

/** `.aider.input.history` (prompt_toolkit FileHistory): `# <local datetime>` then `+`-prefixed lines. */
export function parseInputHistory(text: string): InputEntry[] {
  const out: InputEntry[] = [];
  let cur: { at: string; lines: string[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = /^# (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\s*$/.exec(line);
    if (m) {
      if (cur) out.push({ at: cur.at, text: cur.lines.join('\n') });
      cur = { at: localToIso(m[1]!) ?? '', lines: [] };
    } else if (cur && line.startsWith('+')) cur.lines.push(line.slice(1));
  }
  if (cur) out.push({ at: cur.at, text: cur.lines.join('\n') });
  return out;
}

/** Aider writes local time without a zone: read it in this machine's zone. */
function localToIso(text: string): string | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function pathHash(file: string): string {
  return crypto().createHash('sha1').update(file).digest('hex').slice(0, 12);
}

function loadInputs(chatFile: string): InputEntry[] {
  try {
    return parseInputHistory(readFileSync(join(dirname(chatFile), INPUT), 'utf8'));
  } catch {
    return [];
  }
}

async function* readChatHistory(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const resume = openResume(file, from);
  if ('kind' in resume) {
    yield resume;
    return;
  }
  const saved = resume.start > 0 ? (from?.state as AiderState | undefined) : undefined;
  const ok = saved && typeof saved.line === 'number';
  const offset = ok ? resume.start : 0;
  const history = new ChatHistory(file, ok ? structuredClone(saved) : { line: 1, blocks: 0, inputIdx: 0 }, offset);
  const out = history.out;
  let prevLine = history.st.line - 1;
  let lastEnd = offset;
  let sinceCheckpoint = 0;
  try {
    for await (const l of readJsonl(file, { offset, startLine: history.st.line, raw: true })) {
      history.st.line = l.line + 1;
      lastEnd = l.end;
      const gap = l.line - prevLine - 1;
      prevLine = l.line;
      if (l.text === undefined) {
        out.push({ kind: 'skip', line: l.line, reason: l.error ?? 'unreadable line' });
        yield* out.splice(0);
        continue;
      }
      history.readLine(l.text.endsWith('\r') ? l.text.slice(0, -1) : l.text, l, gap);
      yield* out.splice(0);
      if (++sinceCheckpoint >= CHECKPOINT_LINES && history.safe.offset > offset) {
        sinceCheckpoint = 0;
        yield { kind: 'checkpoint', cursor: resume.cursorAt(history.safe.offset, history.safe.state) };
      }
    }
  } catch (err) {
    out.push(unreadable(err));
  }
  // The last block may still grow (aider is running): store it now, and resume at its start.
  const last = history.block ? history.safe : undefined;
  history.close();
  yield* out.splice(0);
  if (last) yield { kind: 'checkpoint', cursor: resume.cursorAt(last.offset, last.state) };
  else yield { kind: 'checkpoint', cursor: resume.cursorAt(lastEnd, history.st) };
}

/**
 * One read of a chat history: lines gather into blocks (the user's input, aider's `> ` output,
 * the model's answer), and a block becomes records when the next one opens.
 */
class ChatHistory {
  /** Records ready to yield, in order. */
  readonly out: SourceRecord[] = [];
  /** The block still gathering lines. */
  block: Block | undefined;
  /** The state before the open block, and where it starts: the only safe place to resume. */
  safe: { offset: number; state: AiderState };
  private readonly cwd: string;
  private readonly fileKey: string;
  private readonly inputs: InputEntry[];

  constructor(
    file: string,
    public st: AiderState,
    offset: number,
  ) {
    this.cwd = dirname(file);
    this.fileKey = pathHash(file);
    this.inputs = loadInputs(file);
    this.safe = { offset, state: structuredClone(st) };
  }

  /** One line (without its line break): a session header, or part of a block. */
  readLine(text: string, l: { line: number; start: number; end: number }, gap: number): void {
    const block = this.block;
    const blank = text.trim() === '';
    const header = HEADER.exec(text);
    if (header) this.startSession(header[1]!, l);
    else if (/^####( |$)/.test(text) && (text.endsWith('  ') || /^####\s*$/.test(text))) {
      if (block?.type === 'user' && gap === 0) block.lines.push(text);
      else this.open('user', l.line, l.start, text);
    } else if (/^>( |$)/.test(text) && !(block?.type === 'assistant' && !/ {2}$/.test(text) && gap === 0 && !RUN_QUESTION.test(text))) {
      if (block?.type === 'tool' && gap === 0) block.lines.push(text);
      else this.open('tool', l.line, l.start, text);
      this.block!.open = !(text.endsWith('  ') && text.trim().length > 1) && text.trim() !== '>';
    } else if (block?.type === 'tool' && block.open) {
      for (let i = 0; i < gap; i++) block.lines.push('');
      block.lines.push(text);
      if (text.endsWith('  ') && !blank) block.open = false;
    } else if (blank) {
      if (block?.type === 'assistant') block.lines.push('');
      // a blank line between blocks: nothing to keep
    } else if (block?.type === 'assistant') {
      for (let i = 0; i < gap; i++) block.lines.push('');
      block.lines.push(text);
    } else this.open('assistant', l.line, l.start, text);
  }

  /** Turns the open block into records. */
  close(): void {
    const b = this.block;
    this.block = undefined;
    if (!b) return;
    this.ensureSession(b.start);
    const first = this.st.blocks++ === 0;
    if (b.type === 'user') this.userBlock(b);
    else if (b.type === 'tool') this.toolBlock(b, first);
    else {
      this.st.echo = undefined;
      this.assistantBlock(b);
    }
  }

  /** `# aider chat started at`: a new session, keyed by where its header starts. */
  private startSession(startedAt: string, l: { line: number; start: number; end: number }): void {
    this.close();
    const native = `${this.fileKey}-${l.start}`;
    const st: AiderState = { line: l.line + 1, blocks: 0, inputIdx: this.st.inputIdx, session: { native, ...(localToIso(startedAt) ? { createdAt: localToIso(startedAt)! } : {}) } };
    st.at = st.session!.createdAt;
    this.st = st;
    this.out.push({ kind: 'session', session: this.sessionRecord() });
    this.safe = { offset: l.end, state: structuredClone(st) };
  }

  private open(type: BlockType, line: number, start: number, text: string): void {
    this.close();
    // Resuming here re-reads this block whole, with the state as it is now.
    this.safe = { offset: start, state: structuredClone({ ...this.st, line }) };
    this.block = { type, line, start, lines: [text] };
  }

  private sessionRecord(): SessionRecord {
    const s = this.st.session!;
    return {
      id: `aider:${s.native}`,
      source: 'aider',
      cwd: this.cwd,
      ...(s.createdAt ? { createdAt: s.createdAt } : {}),
      ...(s.title ? { title: s.title } : {}),
      ...(s.metadata ? { metadata: s.metadata } : {}),
    };
  }

  private ensureSession(startOffset: number): void {
    if (this.st.session) return;
    // Content before any header (a history that starts mid-session): a session keyed by where it starts.
    this.st.session = { native: `${this.fileKey}-${startOffset}` };
    this.st.blocks = 0;
    this.out.push({ kind: 'session', session: this.sessionRecord() });
  }

  /** The message of a block: its id is the block's first line, its time the turn's. */
  private message(b: Pick<Block, 'line'>, role: Role, kind: MessageKind, content: string, metadata?: Record<string, unknown>, createdAt = this.turnTime()): MessageRecord {
    const sid = `aider:${this.st.session!.native}`;
    const m: MessageRecord = { id: `${sid}:L${b.line}`, sessionId: sid, role, kind, content, ...(createdAt ? { createdAt } : {}), ...(metadata ? { metadata } : {}) };
    this.out.push({ kind: 'message', message: m });
    return m;
  }

  private turnTime(): string | undefined {
    return this.st.at ?? this.st.session!.createdAt;
  }

  /**
   * The user's input. A prompt (typed text, or a command that asks for work: `/ask`, `/code`,
   * `/run`, `/test`, `/lint`...), or meta: aider's own follow-up input (lint or test output, a
   * blank) continues the turn; any other command (`/clear`, `/undo`, `/add`...) ends it, so what
   * follows is no earlier prompt's work (`endsTurn`).
   */
  private userBlock(b: Block): void {
    const st = this.st;
    const text = b.lines.map((l) => l.replace(/^####( |$)/, '').replace(/ {2}$/, '')).join('\n').trim();
    const echo = st.echo;
    st.echo = undefined;
    if (echo !== undefined && text === echo) {
      st.blocks--;
      return;
    }
    const kind = inputKind(text, st.promptId !== undefined);
    const command = resolveCommand(text);
    const question = text.replace(/^\/\S+/, '').trim();
    if (command && ECHOED.has(command) && question) st.echo = question;
    // resolveCommand takes a unique prefix, as aider does (`/com`, `/lin`).
    st.commitCommand = command === 'commit' || command === 'lint' ? command : undefined;
    if (kind === 'prompt') return this.prompt(b, text);
    const at = this.turnTime();
    const input = this.matchInput(text);
    if (input) st.at = input;
    this.message(b, 'user', 'meta', text, kind === 'ends-turn' ? { endsTurn: true } : undefined, input ?? at);
    if (kind === 'ends-turn') {
      st.promptId = undefined;
      st.edited = false;
      st.run = undefined;
    }
  }

  /** A request: typed at the prompt, or instructions to a `/run` whose own request is unknown. */
  private prompt(b: Pick<Block, 'line'>, text: string): void {
    const st = this.st;
    const at = this.turnTime();
    const input = this.matchInput(text);
    if (input) st.at = input;
    const m = this.message(b, 'user', 'prompt', text, undefined, input ?? at);
    st.run = resolveCommand(text) === 'run' ? m : undefined;
    st.prompted = true;
    st.promptId = `aider:${st.session!.native}:L${b.line}`;
    st.edited = false;
    if (!st.session!.title) {
      st.session!.title = title(text);
      this.out.push({ kind: 'session', session: this.sessionRecord() });
    }
  }

  /** Aider's `> ` output: applied edits and commits kept for linking; the first one is the start-up banner. */
  private toolBlock(b: Block, first: boolean): void {
    const lines = b.lines.map((l) => l.replace(/^>( |$)/, '').replace(/ {2}$/, ''));
    // Instructions typed at `/run`'s question: aider's output before it, the request, the output after.
    const i = lines.findIndex((l) => {
      const answer = INSTRUCTIONS.exec(l)?.[1];
      return answer !== undefined && answer !== '' && !CONFIRM_ANSWER.test(answer);
    });
    if (i < 0) return this.toolOutput(b, lines, first);
    const instruction = INSTRUCTIONS.exec(lines[i]!)![1]!;
    this.toolOutput(b, [...lines.slice(0, i), lines[i]!.slice(0, lines[i]!.length - instruction.length).trimEnd()], first);
    // The `/run` stays the turn's request (its edits and commits are that turn's), and its text
    // gains the instructions, so `why` and search show the user's words with the command.
    const run = this.st.run;
    this.st.run = undefined;
    if (run && run.id === this.st.promptId) this.out.push({ kind: 'message', message: { ...run, content: `${run.content}\n\n${instruction}` } });
    else this.prompt({ line: b.line + i }, instruction);
    if (lines.slice(i + 1).some((l) => l.trim())) this.toolOutput({ line: b.line + i + 1 }, lines.slice(i + 1), false);
  }

  private toolOutput(b: Pick<Block, 'line'>, lines: string[], first: boolean): void {
    const st = this.st;
    const text = lines.join('\n').trim();
    const metadata: Record<string, unknown> = {};
    const applied: string[] = [];
    const commits: { sha: string; message: string }[] = [];
    // Commits of the user's own work: aider commits a dirty file before editing it
    // (`Committing PATH before applying edits.`), a dirty tree at start-up, and on `/commit`.
    // Only a commit after an `Applied edit to` of this turn is the turn's work. `when` says which
    // of these it was (`lore why` tells the reader).
    const userCommits: { sha: string; message: string; when?: 'before-edit' | 'start-up' | 'commit' | 'lint' }[] = [];
    let dirty = false;
    for (const l of lines) {
      const a = /^Applied edit to (.+?)\s*$/.exec(l);
      if (a) {
        applied.push(a[1]!);
        st.edited = true;
      }
      // The edits just applied changed nothing git tracks: they never land in a commit.
      if (/^No changes made to git tracked files/.test(l)) applied.length = 0;
      if (/^Committing .+ before applying edits\.\s*$/.test(l)) dirty = true;
      const c = /^Commit ([0-9a-f]{7,40}) (.*?)\s*$/.exec(l);
      if (c) {
        if (!dirty && st.edited && st.promptId) commits.push({ sha: c[1]!, message: c[2]! });
        else {
          const when = dirty ? 'before-edit' : (st.commitCommand ?? (first || !st.prompted ? 'start-up' : undefined));
          userCommits.push({ sha: c[1]!, message: c[2]!, ...(when ? { when } : {}) });
        }
        dirty = false;
      }
    }
    if (userCommits.length) metadata.userCommits = userCommits;
    if (applied.length) metadata.appliedEdits = applied;
    if (commits.length) metadata.commits = commits;
    if (first && st.session!.createdAt) {
      // The start-up banner: model, version, repo.
      const info = bannerInfo(lines);
      st.session!.metadata = { ...st.session!.metadata, ...info };
      if (Object.keys(info).length) this.out.push({ kind: 'session', session: this.sessionRecord() });
      this.message(b, 'system', 'meta', text, { ...metadata, banner: true });
      return;
    }
    this.message(b, 'tool', 'tool_result', text, Object.keys(metadata).length ? metadata : undefined);
  }

  /** The model's answer, and the SEARCH/REPLACE blocks in it as edits. */
  private assistantBlock(b: Block): void {
    const st = this.st;
    const text = b.lines.join('\n').trim();
    if (!text) {
      st.blocks--;
      return;
    }
    const at = this.turnTime();
    this.message(b, 'assistant', 'text', text);
    const sid = `aider:${st.session!.native}`;
    const id = `${sid}:L${b.line}`;
    let n = 0;
    for (const e of searchReplaceBlocks(text)) {
      const edit: FileEditRecord = {
        id: `${id}#${n++}`,
        sessionId: sid,
        messageId: id,
        ...(st.promptId ? { requestId: st.promptId } : {}),
        path: e.path,
        cwd: this.cwd,
        tool: 'search_replace',
        oldText: e.oldText,
        newText: e.newText,
        ...(at ? { createdAt: at } : {}),
      };
      this.out.push({ kind: 'edit', edit });
    }
  }

  /** The time of the typed input matching this prompt (inputs are in order; look a little ahead). */
  private matchInput(text: string): string | undefined {
    const st = this.st;
    for (let i = st.inputIdx; i < Math.min(this.inputs.length, st.inputIdx + 50); i++) {
      if (this.inputs[i]!.text.trim() === text) {
        st.inputIdx = i + 1;
        return this.inputs[i]!.at || undefined;
      }
    }
    return undefined;
  }
}

/** Model, version and repository from aider's start-up lines. */
function bannerInfo(lines: string[]): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const l of lines) {
    const v = /^Aider (v\S+)/.exec(l);
    if (v) info.aiderVersion = v[1];
    const m = /^(?:Main model|Models?): (\S+)/.exec(l);
    if (m && !info.model) info.model = m[1];
    const g = /^Git repo: (.+)$/.exec(l);
    if (g) info.gitRepo = g[1];
  }
  return info;
}

interface SearchReplace {
  path: string;
  oldText: string;
  newText: string;
}

/**
 * SEARCH/REPLACE blocks in an answer, each with the file path written just before it (within three
 * lines, skipping the code fence), else the previous block's path, as aider's own parser does.
 */
export function searchReplaceBlocks(text: string): SearchReplace[] {
  const lines = text.split('\n');
  const out: SearchReplace[] = [];
  let lastPath: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (!/^<{5,9} SEARCH\s*$/.test(lines[i]!)) continue;
    let path: string | undefined;
    for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
      const candidate = cleanPath(lines[j]!);
      if (candidate === null) continue; // a fence or an empty line
      path = candidate;
      break;
    }
    path ??= lastPath;
    const old: string[] = [];
    const neu: string[] = [];
    let k = i + 1;
    const isHead = (x: string): boolean => /^<{5,9} SEARCH\s*$/.test(x);
    while (k < lines.length && !/^={5,9}\s*$/.test(lines[k]!) && !isHead(lines[k]!)) old.push(lines[k++]!);
    if (k >= lines.length || isHead(lines[k]!)) {
      i = k - 1; // unterminated (the answer was cut off): look again from the next block
      continue;
    }
    k++;
    while (k < lines.length && !/^>{5,9} REPLACE\s*$/.test(lines[k]!) && !isHead(lines[k]!)) neu.push(lines[k++]!);
    if (k >= lines.length || isHead(lines[k]!)) {
      i = k - 1;
      continue;
    }
    i = k;
    if (!path) continue;
    lastPath = path;
    out.push({ path, oldText: old.join('\n'), newText: neu.join('\n') });
  }
  return out;
}

/** A file path as aider accepts it before a block, or null for a fence/blank line, or undefined when it is prose. */
function cleanPath(line: string): string | null | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('```') || t === '...' || /^<\/?(source|code|pre|codeblock)\b/.test(t)) return null; // aider's fences
  const p = t.replace(/^#+\s*/, '').replace(/:$/, '').replace(/^[`*]+|[`*]+$/g, '').trim();
  if (!p || /\s{2,}/.test(p) || p.length > 250 || /^[<>=]{5}/.test(p)) return undefined;
  // Prose is not a path: a path has no spaces, or at least a separator or an extension.
  if (/\s/.test(p) && !/[\\/]/.test(p)) return undefined;
  return p;
}

/** `/tes x` → 'test'; an unknown or ambiguous prefix → undefined (aider rejects it). */
export function resolveCommand(input: string): string | undefined {
  const m = /^\/(\S+)/.exec(input);
  if (!m) return undefined;
  const word = m[1]!.toLowerCase();
  if (COMMANDS.includes(word)) return word;
  const hits = COMMANDS.filter((c) => c.startsWith(word));
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * What a user input is to the turn: a request (`prompt`), aider's or the user's follow-up within
 * the turn (`continues`), or a command that ends it (`ends-turn`). `inTurn`: a request is open.
 */
export function inputKind(text: string, inTurn: boolean): 'prompt' | 'continues' | 'ends-turn' {
  if (text === '' || text === '<blank>') return 'continues';
  if (LINT_FIX.test(text)) return inTurn ? 'continues' : 'prompt';
  if (AUTOMATIC.test(text)) return 'continues';
  if (!text.startsWith('/')) return 'prompt';
  const command = resolveCommand(text);
  return command && REQUESTS.has(command) ? 'prompt' : 'ends-turn';
}

function title(text: string): string {
  return (text.replace(/^\/(ask|code|architect|context)\s+/, '').trim().split('\n')[0] ?? '').slice(0, TITLE_KEPT_MAX);
}

/** An input history alone: one session per file, each input a prompt (or meta for commands). */
async function* readInputHistory(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const read = readWhenChanged(file, from);
  if ('kind' in read) {
    yield read;
    return;
  }
  // Beside a chat history, which holds the same inputs in their turns (`lore ingest REPO` hands
  // over both files), the input history only lends that history its times.
  if (existsSync(join(dirname(file), CHAT))) {
    yield { kind: 'checkpoint', cursor: read.cursor };
    return;
  }
  const sid = `aider:${pathHash(file)}-input`;
  const entries = parseInputHistory(read.text);
  yield { kind: 'session', session: { id: sid, source: 'aider', cwd: dirname(file), ...(entries[0]?.at ? { createdAt: entries[0].at } : {}), metadata: { inputHistoryOnly: true } } };
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const t = e.text.trim();
    // Answers to aider's yes/no questions share the file with what was typed at its prompt.
    const kind = CONFIRM_ANSWER.test(t) ? 'continues' : inputKind(t, true);
    yield {
      kind: 'message',
      message: { id: `${sid}:${i}`, sessionId: sid, role: 'user', kind: kind === 'prompt' ? 'prompt' : 'meta', content: t, ...(e.at ? { createdAt: e.at } : {}), ...(kind === 'ends-turn' ? { metadata: { endsTurn: true } } : {}) },
    };
  }
  yield { kind: 'checkpoint', cursor: read.cursor };
}
