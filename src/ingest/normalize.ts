import { TITLE_CHARS, type MessageRow } from '../db/index.js';
import type { MessageRecord } from '../sources/index.js';
import { redact } from './redact.js';

/**
 * The size policy and redaction applied to every text before it is written (pure functions).
 * Prompts and assistant text are kept whole; tool outputs longer than TOOL_OUTPUT_MAX are cut to
 * head + tail with the original size noted, titles to their first TITLE_MAX characters; base64
 * blobs (inline images, data: URIs) become a placeholder everywhere. Secrets are redacted before
 * anything is cut.
 */

// Tool output is most of a transcript's text (file reads, command output) and the least of its
// meaning; every stored character is also full-text indexed, so it is kept short.
const TOOL_OUTPUT_MAX = 2_000;
const TOOL_OUTPUT_HEAD = 1_400;
const TOOL_OUTPUT_TAIL = 500;
/** Edit texts feed commit linking, so they are kept much longer, but not without bound. */
const EDIT_TEXT_MAX = 1_000_000;

interface Cleaned {
  text: string;
  redactions: number;
  kinds: Record<string, number>;
  /** Characters in the text before it was cut, when it was. */
  cutFrom?: number;
}

// A data: URI, or a long unbroken run of base64 alphabet (with at least one digit and one + / or
// uppercase letter among lowercase: a long word or path is not base64).
const DATA_URI = /data:[\w.+-]+\/[\w.+-]+;base64,[A-Za-z0-9+/=\s]{64,}/g;
const BARE_RUN = 256;
const BARE_BASE64 = /[A-Za-z0-9+/]{256,}={0,2}/g;

/** Replaces inline base64 payloads with `[base64 data, N KB]`. */
function dropBase64(text: string): string {
  if (text.length < 64) return text;
  let out = text.includes('base64,') ? text.replace(DATA_URI, (m) => `[${m.slice(5, m.indexOf(';'))} data, ${kb(m.length)}]`) : text;
  if (out.length >= BARE_RUN && hasLongRun(out, BARE_RUN)) out = out.replace(BARE_BASE64, (m) => (/[0-9]/.test(m) && /[A-Z]/.test(m) && /[a-z]/.test(m) ? `[base64 data, ${kb(m.length)}]` : m));
  return out;
}

/** Whether `text` has `min` base64-alphabet characters in a row (a plain loop: far cheaper than the regex). */
function hasLongRun(text: string, min: number): boolean {
  // A window of `min` characters is a run when all of them are base64; otherwise no run can hold
  // its last non-base64 character, so the next window starts after it. Looking from the window's
  // end backwards, ordinary text (a space every few characters) costs a few looks per window, and
  // no character is looked at twice.
  let start = 0;
  while (start + min <= text.length) {
    let at = start + min - 1;
    while (at >= start && isBase64Char(text.charCodeAt(at))) at--;
    if (at < start) return true;
    start = at + 1;
  }
  return false;
}

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 47 && c <= 57) || c === 43;
}

/** Keeps the head and tail of a long text and says how much was cut; never splits a `[REDACTED:kind]` mark. */
function cutMiddle(text: string, max: number, head: number, tail: number): { text: string; cutFrom?: number } {
  if (text.length <= max) return { text };
  const headEnd = outsideMark(text, head, 'back');
  const tailStart = outsideMark(text, text.length - tail, 'forward');
  if (tailStart <= headEnd) return { text };
  const cut = tailStart - headEnd;
  return { text: joinCut(text.slice(0, headEnd), `\n[… lore cut ${cut} of ${text.length} characters …]\n`, text.slice(tailStart)), cutFrom: text.length };
}

/**
 * Head, note and tail as one new string. A slice of a string keeps the whole string alive in V8, and
 * so does a `+` or template of slices: the kept part of a megabyte of tool output would hold the
 * megabyte until its batch is written. `join` copies the parts.
 */
function joinCut(head: string, note: string, tail: string): string {
  return [head, note, tail].join('');
}

/** `at`, or the nearest edge of the redaction mark `at` falls inside (the mark stays whole, on the kept side). */
function outsideMark(text: string, at: number, toward: 'back' | 'forward'): number {
  const open = text.lastIndexOf('[REDACTED:', at - 1);
  if (open === -1) return at;
  const close = text.indexOf(']', open);
  if (close === -1 || close + 1 <= at) return at;
  return toward === 'back' ? open : close + 1;
}

/** A message's content: base64 dropped, secrets redacted, then tool output cut. */
export function cleanContent(text: string, isToolOutput: boolean): Cleaned {
  if (isToolOutput && text.length > TOOL_OUTPUT_HEAD + TOOL_OUTPUT_TAIL + 2 * WINDOW_MARGIN + 1_000) {
    const windowed = cutLongOutput(text);
    if (windowed) return windowed;
  }
  // Redact before cutting: a cut through a token would leave a piece no rule recognises.
  const r = redact(dropBase64(text));
  if (!isToolOutput) return { text: r.text, redactions: r.count, kinds: r.kinds };
  const { text: kept, cutFrom } = cutMiddle(r.text, TOOL_OUTPUT_MAX, TOOL_OUTPUT_HEAD, TOOL_OUTPUT_TAIL);
  return { text: kept, redactions: r.count, kinds: r.kinds, ...(cutFrom !== undefined ? { cutFrom: text.length } : {}) };
}

/**
 * Rules see this much text beyond a kept part: more than any secret and the context a rule reads
 * around it (a private key is redacted to the end of a window, or back from its END line).
 */
const WINDOW_MARGIN = 8_192;

/**
 * A long tool output (a file read, a build log) redacted only around what is kept: its head and
 * tail, each with a margin, so the cost does not grow with the output. Undefined when redaction
 * shrank a window into its margin (a large key): then the whole text is redacted.
 */
function cutLongOutput(text: string): Cleaned | undefined {
  const head = redact(dropBase64(text.slice(0, TOOL_OUTPUT_HEAD + WINDOW_MARGIN)));
  const tail = redact(dropBase64(text.slice(text.length - TOOL_OUTPUT_TAIL - WINDOW_MARGIN)));
  if (head.text.length < TOOL_OUTPUT_HEAD + WINDOW_MARGIN / 2 || tail.text.length < TOOL_OUTPUT_TAIL + WINDOW_MARGIN / 2) return undefined;
  const headEnd = outsideMark(head.text, TOOL_OUTPUT_HEAD, 'back');
  const tailStart = outsideMark(tail.text, tail.text.length - TOOL_OUTPUT_TAIL, 'forward');
  const cut = text.length - headEnd - (tail.text.length - tailStart);
  const kinds: Record<string, number> = { ...head.kinds };
  for (const [k, n] of Object.entries(tail.kinds)) kinds[k] = (kinds[k] ?? 0) + n;
  return {
    text: joinCut(head.text.slice(0, headEnd), `\n[… lore cut ${cut} of ${text.length} characters …]\n`, tail.text.slice(tailStart)),
    redactions: head.count + tail.count,
    kinds,
    cutFrom: text.length,
  };
}

/** A session title is a line of a list: the first characters of a prompt or a tool's own title. */
const TITLE_MAX = TITLE_CHARS;

/**
 * A session title: redacted, then cut to TITLE_MAX. Readers hand the title uncut (a whole first
 * line or prompt) so that no secret is cut before the rules see it; only what a secret crossing
 * the cut can reach is redacted, unless redaction shrank that window into its margin.
 */
export function cleanTitle(text: string): Cleaned {
  const windowed = text.length > TITLE_MAX + WINDOW_MARGIN;
  let r = redact(windowed ? text.slice(0, TITLE_MAX + WINDOW_MARGIN) : text);
  if (windowed && r.text.length < TITLE_MAX + WINDOW_MARGIN / 2) r = redact(text);
  if (r.text.length <= TITLE_MAX) return { text: r.text, redactions: r.count, kinds: r.kinds };
  return { text: `${r.text.slice(0, outsideMark(r.text, TITLE_MAX, 'back')).trimEnd()}\u2026`, redactions: r.count, kinds: r.kinds, cutFrom: text.length };
}

/** An edit's old or new text: base64 dropped, bounded, redacted. */
export function cleanEditText(text: string | undefined): Cleaned | undefined {
  if (text === undefined) return undefined;
  const r = redact(dropBase64(text));
  const { text: kept, cutFrom } = cutMiddle(r.text, EDIT_TEXT_MAX, EDIT_TEXT_MAX / 2, EDIT_TEXT_MAX / 4);
  return { text: kept, redactions: r.count, kinds: r.kinds, ...(cutFrom !== undefined ? { cutFrom: text.length } : {}) };
}

/** Redacts every string inside a JSON-like value (metadata), counting into `tally`. */
export function redactDeep(value: unknown, tally: { count: number; kinds: Record<string, number> }): unknown {
  if (typeof value === 'string') {
    if (value.length < 8) return value;
    const r = redact(dropBase64(value));
    if (r.count > 0) addKinds(tally, r.count, r.kinds);
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, tally));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, tally);
    return out;
  }
  return value;
}

export function addKinds(tally: { count: number; kinds: Record<string, number> }, count: number, kinds: Record<string, number>): void {
  tally.count += count;
  for (const [k, n] of Object.entries(kinds)) tally.kinds[k] = (tally.kinds[k] ?? 0) + n;
}

function kb(chars: number): string {
  return `${Math.max(1, Math.round((chars * 3) / 4 / 1024))} KB`;
}

export interface CleanedMessage {
  row: MessageRow;
  tally: { count: number; kinds: Record<string, number> };
}

/** A message as it is stored: its text cleaned and redacted, its metadata redacted. */
export function cleanMessage(m: MessageRecord): CleanedMessage {
  const cleaned = cleanContent(m.content, m.kind === 'tool_result');
  const tally = { count: cleaned.redactions, kinds: { ...cleaned.kinds } };
  const metadata = m.metadata ? (redactDeep(m.metadata, tally) as Record<string, unknown>) : {};
  return {
    tally,
    row: {
      id: m.id,
      sessionId: m.sessionId,
      role: m.role,
      content: cleaned.text,
      createdAt: m.createdAt ?? null,
      metadata: {
        ...metadata,
        kind: m.kind,
        ...(tally.count > 0 ? { redactions: tally.count } : {}),
        ...(cleaned.cutFrom !== undefined ? { originalLength: cleaned.cutFrom } : {}),
      },
    },
  };
}
