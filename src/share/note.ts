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

export interface Note {
  schema: typeof NOTE_SCHEMA;
  requests: SharedRequest[];
  decisions: SharedDecision[];
  learnings: SharedLearning[];
  /** Keys of sessions someone forgot: their entries are dropped from every merge and import. */
  forgotten: string[];
}

/** The key a session is known by in notes: a hash, so a note does not spell a local session id. */
export function sessionKey(sessionId: string): string {
  const shared = /^shared:([0-9a-f]{16})$/.exec(sessionId);
  if (shared) return shared[1]!;
  return crypto().createHash('sha1').update(sessionId).digest('hex').slice(0, 16);
}

export function emptyNote(): Note {
  return { schema: NOTE_SCHEMA, requests: [], decisions: [], learnings: [], forgotten: [] };
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
  return {
    schema: NOTE_SCHEMA,
    requests: list<SharedRequest>(o.requests, entry),
    decisions: list<SharedDecision>(o.decisions, entry),
    learnings: list<SharedLearning>(o.learnings, (x) => Array.isArray(x.files) && str(x.text) && str(x.category) && str(x.time) && str(x.by)),
    forgotten: Array.isArray(o.forgotten) ? o.forgotten.filter(str) : [],
  };
}

/** The note as stored: keys sorted, entries sorted, one entry per line (readable in `git notes show`). */
export function serializeNote(note: Note): string {
  const lines = (xs: object[]): string => (xs.length === 0 ? '[]' : `[\n${xs.map(canonical).sort().map((l) => `    ${l}`).join(',\n')}\n  ]`);
  return (
    `{\n  "schema": ${JSON.stringify(note.schema)},\n` +
    `  "requests": ${lines(note.requests)},\n  "decisions": ${lines(note.decisions)},\n  "learnings": ${lines(note.learnings)},\n` +
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
  return {
    schema: NOTE_SCHEMA,
    requests: union((n) => n.requests, (x) => x.key),
    decisions: union((n) => n.decisions, (x) => x.key),
    learnings: union((n) => n.learnings, (x) => x.key),
    forgotten: [...kept].sort(),
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
  return n.requests.length === 0 && n.decisions.length === 0 && n.learnings.length === 0 && n.forgotten.length === 0;
}
