import { crypto } from '../builtins.js';

/**
 * The note lore keeps per commit under refs/notes/lore: a versioned JSON document (docs/sync.md).
 * Every entry is self-contained (it names its file, its session and who shared it), so merging
 * two notes is a union of entries keyed by their content, and a teammate's entry is never lost.
 */
export const NOTE_SCHEMA = 'lore.note/1';

export interface SharedRequest {
  path: string;
  text: string;
  tool: string | null;
  /** The session's id as `lore show` prints it (for people); `key` identifies it across clones. */
  session: string;
  key: string;
  time: string;
  evidence: string;
  confidence: number;
  by: string;
}

/** A decision travels as a request does: its text, the file it concerns, its session and evidence. */
export type SharedDecision = SharedRequest;

export interface SharedLearning {
  files: string[];
  category: string;
  text: string;
  time: string;
  /** The session it was extracted from, when it was; null for `lore learn`. */
  key: string | null;
  by: string;
}

/** Of the lines the commit added to `path`, those AI edits of `tool` wrote, by the count of `by`'s clone. */
export interface SharedAiLines {
  path: string;
  tool: string;
  lines: number;
  by: string;
}

export interface Note {
  schema: typeof NOTE_SCHEMA;
  requests: SharedRequest[];
  decisions: SharedDecision[];
  learnings: SharedLearning[];
  /** Added to lore.note/1 later: a note without it has none; an older lore ignores it. */
  aiLines: SharedAiLines[];
  /** Keys of sessions someone forgot: their entries are dropped from every merge and import. */
  forgotten: string[];
  /**
   * Lists a newer lore added that this one does not know, kept as they are through merges so
   * that syncing with an older lore never drops a newer teammate's entries.
   */
  extra?: Record<string, unknown[]>;
}

const KNOWN = new Set(['schema', 'requests', 'decisions', 'learnings', 'aiLines', 'forgotten']);

/** The key a session is known by in notes: a hash, so a note does not spell a local session id. */
export function sessionKey(sessionId: string): string {
  const shared = /^shared:([0-9a-f]{16})$/.exec(sessionId);
  if (shared) return shared[1]!;
  return crypto().createHash('sha1').update(sessionId).digest('hex').slice(0, 16);
}

export function emptyNote(): Note {
  return { schema: NOTE_SCHEMA, requests: [], decisions: [], learnings: [], aiLines: [], forgotten: [] };
}

/** A note's text, or null when it is not a lore note (another tool's, or damaged): it is then left alone. */
export function parseNote(text: string): Note | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  if (typeof o.schema !== 'string' || !o.schema.startsWith('lore.note/')) return null;
  const list = <T>(v: unknown, ok: (x: Record<string, unknown>) => boolean): T[] =>
    Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object' && ok(x as Record<string, unknown>)) as T[]) : [];
  const str = (x: unknown): x is string => typeof x === 'string';
  const entry = (x: Record<string, unknown>): boolean => str(x.path) && str(x.text) && str(x.key) && str(x.time) && str(x.by);
  const extra: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(o)) if (!KNOWN.has(k) && Array.isArray(v) && /^[A-Za-z][A-Za-z0-9]*$/.test(k)) extra[k] = v;
  return {
    schema: NOTE_SCHEMA,
    requests: list<SharedRequest>(o.requests, entry),
    decisions: list<SharedDecision>(o.decisions, entry),
    learnings: list<SharedLearning>(o.learnings, (x) => Array.isArray(x.files) && str(x.text) && str(x.category) && str(x.time) && str(x.by)),
    aiLines: list<SharedAiLines>(o.aiLines, (x) => str(x.path) && str(x.tool) && str(x.by) && Number.isInteger(x.lines) && (x.lines as number) >= 0),
    forgotten: Array.isArray(o.forgotten) ? o.forgotten.filter(str) : [],
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

/** The note as stored: keys sorted, entries sorted, one entry per line (readable in `git notes show`). */
export function serializeNote(note: Note): string {
  const lines = (xs: object[]): string => (xs.length === 0 ? '[]' : `[\n${xs.map(canonical).sort().map((l) => `    ${l}`).join(',\n')}\n  ]`);
  // aiLines and unknown lists only when there are some: a note without them reads as before.
  const more = [
    ...(note.aiLines.length > 0 ? [`  "aiLines": ${lines(note.aiLines)},\n`] : []),
    ...Object.keys(note.extra ?? {}).sort().map((k) => `  ${JSON.stringify(k)}: ${lines(note.extra![k]! as object[])},\n`),
  ].join('');
  return (
    `{\n  "schema": ${JSON.stringify(note.schema)},\n` +
    `  "requests": ${lines(note.requests)},\n  "decisions": ${lines(note.decisions)},\n  "learnings": ${lines(note.learnings)},\n` +
    more +
    `  "forgotten": ${JSON.stringify([...new Set(note.forgotten)].sort())}\n}\n`
  );
}

/** JSON with object keys sorted: the same entry is the same text on every machine. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The union of notes, less every entry of a forgotten session: `forgotten` adds keys beyond the
 * notes' own tombstones. A dropped entry leaves its key in the note, so the tombstone travels.
 */
export function mergeNotes(notes: Note[], forgotten: ReadonlySet<string> = new Set()): Note {
  const gone = new Set([...forgotten, ...notes.flatMap((n) => n.forgotten)]);
  const kept = new Set(notes.flatMap((n) => n.forgotten));
  const union = <T extends object>(pick: (n: Note) => T[], keyOf: (x: T) => string | null): T[] => {
    const out = new Map<string, T>();
    for (const n of notes) for (const x of pick(n)) {
      const k = keyOf(x);
      if (k !== null && gone.has(k)) {
        kept.add(k);
        continue;
      }
      out.set(canonical(x), x);
    }
    return [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  };
  // An AI-line count is one clone's current figure for a file and tool: a later note's figure
  // replaces an earlier one (sync merges local, then the remote's, then this clone's own).
  const aiLines = new Map<string, SharedAiLines>();
  for (const n of notes) for (const a of n.aiLines) aiLines.set(`${a.path}\0${a.tool}\0${a.by}`, a);
  const extra: Record<string, unknown[]> = {};
  for (const k of new Set(notes.flatMap((n) => Object.keys(n.extra ?? {})))) {
    const out = new Map<string, unknown>();
    for (const n of notes) for (const x of n.extra?.[k] ?? []) out.set(canonical(x), x);
    extra[k] = [...out.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  }
  return {
    schema: NOTE_SCHEMA,
    requests: union((n) => n.requests, (x) => x.key),
    decisions: union((n) => n.decisions, (x) => x.key),
    learnings: union((n) => n.learnings, (x) => x.key),
    aiLines: [...aiLines.values()].sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1)),
    forgotten: [...kept].sort(),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

/** Merges maps of notes (commit sha → note) commit by commit; a forgotten key anywhere is forgotten everywhere. */
export function mergeNoteMaps(maps: Map<string, Note>[], forgotten: ReadonlySet<string> = new Set()): Map<string, Note> {
  const gone = new Set([...forgotten, ...maps.flatMap((m) => [...m.values()].flatMap((n) => n.forgotten))]);
  const shas = new Set(maps.flatMap((m) => [...m.keys()]));
  const out = new Map<string, Note>();
  for (const sha of [...shas].sort()) out.set(sha, mergeNotes(maps.flatMap((m) => (m.has(sha) ? [m.get(sha)!] : [])), gone));
  return out;
}

export function isEmptyNote(n: Note): boolean {
  return n.requests.length === 0 && n.decisions.length === 0 && n.learnings.length === 0 && n.aiLines.length === 0 && n.forgotten.length === 0 && Object.keys(n.extra ?? {}).length === 0;
}

/**
 * The notes with only the AI-line counts `keep` accepts. A count is one clone's current figure,
 * so sync takes each from its one authoritative place: this clone's own from what it shares now,
 * a teammate's from the remote (which only that teammate's sync changes), none from the local
 * copy, which may hold a figure the teammate has since withdrawn (a forgotten session).
 */
export function keepAiLines(notes: Map<string, Note>, keep: (a: SharedAiLines) => boolean): Map<string, Note> {
  const out = new Map<string, Note>();
  for (const [sha, n] of notes) out.set(sha, n.aiLines.every(keep) ? n : { ...n, aiLines: n.aiLines.filter(keep) });
  return out;
}
