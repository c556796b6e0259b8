// The ground truth of bench/link-real.mjs, read from an Aider chat history (.aider.chat.history.md)
// with rules of its own, not lore's parser: the benchmark must not grade lore by lore's reading.
//
// Aider prints what it did on `> ` lines; the rules follow what aider (v0.47–0.51) prints:
// - `#### TEXT  ` lines are what the user typed; consecutive ones are one input, named by its
//   first line (1-based, as lore's Aider message ids `…:L<line>` name it).
// - A plain input, or `/ask`, `/code`, `/architect`, `/run`, `/test`, `/lint` (resolved as aider
//   resolves a command prefix: `/tes` is `/test`), starts a turn: it is the request of every edit
//   and commit that follows until the next input that starts or ends a turn.
// - Inputs aider writes itself (`# Fix any errors below`, `# Question:` of /help, blank) continue
//   the turn; `/clear`, `/reset`, `/undo`, `/exit`, a session header and every other command end it
//   (no request until the next one).
// - `> Applied edit to PATH` marks the turn as having edited files; a `> Commit <sha> MSG` after
//   that is aider's commit of the turn's work (its own edits, or the style fixes its linter made).
// - `> Committing PATH before applying edits.` is followed by a `> Commit` of the user's own
//   uncommitted work; a `> Commit` with no edit in the turn (start-up dirty commits, `/commit`)
//   is the user's work too. Both: no request.
// - `aider --lint` at start-up sends `# Fix any errors below` with no typed input: that input is
//   the request of the fix (marked `automatic`).
// - Several aider processes sometimes wrote to the file at once (a second session's header, or
//   its `/exit`, lands between a prompt and its answer). A `> Commit` with no edit in its turn is
//   then 'unclear': the caller decides by the commit's author ("… (aider)": aider's work, for the
//   newest request of any session, `latest`; else the user's own).
// - `> Removed: <sha>` (after /undo): that commit is gone from history.

/** Aider's commands in Aug 2024, to resolve a typed prefix the way aider does (a unique prefix). */
const COMMANDS = ['add', 'architect', 'ask', 'chat-mode', 'clear', 'clipboard', 'code', 'commit', 'diff', 'drop', 'exit', 'git', 'help', 'lint', 'ls', 'map', 'model', 'models', 'quit', 'read', 'reset', 'run', 'test', 'tokens', 'undo', 'voice', 'web'];
/** Commands whose turn is a request of its own (issue 12, item 3). */
const REQUESTS = new Set(['ask', 'code', 'architect', 'run', 'test', 'lint']);

/** `/tes x` → 'test'; unknown or ambiguous prefixes → undefined (aider ignores them). */
export function resolveCommand(input) {
  const m = /^\/(\S+)/.exec(input);
  if (!m) return undefined;
  const word = m[1].toLowerCase();
  if (COMMANDS.includes(word)) return word;
  const hits = COMMANDS.filter((c) => c.startsWith(word));
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * Reads a chat history. Returns
 * - `commits`: every `> Commit` line in order: {sha (as printed, abbreviated), line, kind: 'ai' |
 *   'human' | 'unclear', why ('before-edits' | 'no-edit-in-turn' for the last two), request:
 *   {line, text, automatic?} | null, latest (for 'unclear': the newest request of any session)},
 * - `removed`: abbreviated shas that /undo removed,
 * - `inputs`: every user input {line, text, command}.
 */
export function aiderTruth(text) {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const commits = [];
  const removed = new Set();
  const inputs = [];
  let turn = { request: null, edited: false };
  let dirty = false;
  let input = null;
  /** The newest request of any session: the fallback for a commit of an interleaved process. */
  let latest = null;
  const endInput = () => {
    if (!input) return;
    const t = input.text.trim();
    const command = t.startsWith('/') ? resolveCommand(t) ?? '?' : null;
    inputs.push({ ...input, text: t, command });
    if (t.startsWith('# Fix any errors below') && !turn.request) {
      // `aider --lint` at start-up: aider asks the model to fix the linter's errors unprompted,
      // so the request is this input aider wrote (as `/lint`'s would be).
      turn = { request: { line: input.line, text: t, automatic: true }, edited: false };
    } else if (t === '' || t === '<blank>' || t.startsWith('# ')) {
      // aider's own follow-up (lint or test output, /help's question): same turn
    } else if (command === null || REQUESTS.has(command)) {
      turn = { request: { line: input.line, text: t }, edited: false };
      latest = turn.request;
    }
    else turn = { request: null, edited: false };
    input = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const n = i + 1;
    if (/^# aider chat started at /.test(l)) {
      endInput();
      turn = { request: null, edited: false };
      dirty = false;
      continue;
    }
    if (/^####( |$)/.test(l) && (l.endsWith('  ') || /^####\s*$/.test(l))) {
      const body = l.replace(/^####( |$)/, '').replace(/ {2}$/, '');
      if (input && input.last === n - 1) {
        input.text += `\n${body}`;
        input.last = n;
      } else {
        endInput();
        input = { line: n, text: body, last: n };
      }
      continue;
    }
    endInput();
    if (!l.startsWith('> ')) continue;
    if (/^> Applied edit to \S/.test(l)) turn.edited = true;
    else if (/^> Committing .+ before applying edits\.\s*$/.test(l)) dirty = true;
    else if (/^> Removed: [0-9a-f]{7,40} /.test(l)) removed.add(/^> Removed: ([0-9a-f]+)/.exec(l)[1]);
    else {
      const c = /^> Commit ([0-9a-f]{7,40}) /.exec(l);
      if (!c) continue;
      if (dirty) commits.push({ sha: c[1], line: n, kind: 'human', why: 'before-edits', request: null });
      else if (turn.edited && turn.request) commits.push({ sha: c[1], line: n, kind: 'ai', request: turn.request });
      // No edit in this turn: the user's work, or, when several aider processes wrote to the
      // file at once, the commit of another process's turn (its lines land after this one's
      // header or input). The caller tells them apart by the commit's author.
      else commits.push({ sha: c[1], line: n, kind: 'unclear', why: 'no-edit-in-turn', request: null, latest });
      dirty = false;
    }
  }
  endInput();
  return { commits, removed, inputs };
}
