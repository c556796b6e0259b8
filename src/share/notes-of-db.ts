import {
  commitForPath, ignoredSessionIds, ownAiLines, ownDecisions, ownLearnings, ownRequests, ownSessionIds, type Db, type SharedAiLinesRow, type SharedImport,
} from '../db/index.js';
import { redact } from '../ingest/index.js';
import { emptyNote, sessionKey, type Note } from './note.js';
import { crypto } from '../builtins.js';

/**
 * This clone's own knowledge of a project as notes, one per commit. Text is redacted again on
 * the way out: the database is redacted at ingest, but by the rules of the lore that ingested it.
 */
export function ownNotes(db: Db, project: string, by: string): Map<string, Note> {
  const notes = new Map<string, Note>();
  const noteOf = (sha: string): Note => {
    let n = notes.get(sha);
    if (!n) notes.set(sha, (n = emptyNote()));
    return n;
  };
  for (const r of ownRequests(db, project)) {
    const text = redact(r.text).text;
    for (const c of r.commits) {
      noteOf(c.sha).requests.push({
        path: r.path, text, tool: r.tool, session: shortSession(r.sessionId), key: sessionKey(r.sessionId), time: r.createdAt,
        evidence: c.evidence, confidence: c.confidence, by,
      });
    }
  }
  for (const d of ownDecisions(db, project)) {
    const sha = commitForPath(db, project, d.path, seconds(d.createdAt));
    if (!sha) continue;
    noteOf(sha).decisions.push({
      path: d.path, text: redact(d.text).text, tool: d.tool, session: shortSession(d.sessionId), key: sessionKey(d.sessionId), time: d.createdAt,
      evidence: d.evidence, confidence: d.confidence, by,
    });
  }
  for (const l of ownLearnings(db, project)) {
    const first = l.files[0];
    const sha = first ? commitForPath(db, project, first, seconds(l.createdAt)) : undefined;
    if (!sha) continue;
    noteOf(sha).learnings.push({ files: l.files, category: l.category, text: redact(l.text).text, time: l.createdAt, key: learningKey(l.sessionId, l.id), by });
  }
  for (const a of ownAiLines(db, project)) noteOf(a.sha).aiLines.push({ path: a.path, tool: a.tool, lines: a.lines, by });
  return notes;
}

/** Keys of what the user removed here (`lore forget`, a `lore:private` prompt): never shared, dropped from merges. */
export function forgottenKeys(db: Db): Set<string> {
  return new Set([...ignoredSessionIds(db)].map(sessionKey));
}

/** Keys of this clone's own sessions and learnings: their entries are already here, not a teammate's. */
export function ownKeys(db: Db, project: string): Set<string> {
  const keys = new Set(ownSessionIds(db).map(sessionKey));
  for (const l of ownLearnings(db, project)) keys.add(learningKey(l.sessionId, l.id));
  return keys;
}

/**
 * The entries of `notes` that came from elsewhere, as rows to store; secrets are redacted again on
 * the way in. AI-line counts are the others' (`by` other than `me`), all of them: they replace
 * what an earlier sync stored.
 */
export function toImport(notes: Map<string, Note>, own: ReadonlySet<string>, me = ''): { items: SharedImport; forgotten: string[]; aiLines: SharedAiLinesRow[] } {
  const aiLines: SharedAiLinesRow[] = [];
  const items: SharedImport = { requests: [], decisions: [], learnings: [] };
  const forgotten = new Set<string>();
  const clean = (t: string): string => redact(t).text;
  for (const [sha, n] of notes) {
    for (const k of n.forgotten) forgotten.add(k);
    for (const r of n.requests) {
      if (own.has(r.key)) continue;
      items.requests.push({ key: r.key, tool: r.tool, by: r.by, text: clean(r.text), time: r.time, path: r.path, sha, evidence: r.evidence, confidence: r.confidence });
    }
    for (const d of n.decisions) {
      if (own.has(d.key)) continue;
      items.decisions.push({ key: d.key, tool: d.tool, by: d.by, text: clean(d.text), time: d.time, path: d.path, evidence: d.evidence, confidence: d.confidence });
    }
    for (const l of n.learnings) {
      if (l.key && own.has(l.key)) continue;
      const text = clean(l.text);
      items.learnings.push({ id: `shared:${hash(l.category, text, l.files.join('\n'), l.by)}`, key: l.key, by: l.by, category: l.category, text, files: l.files, time: l.time });
    }
    for (const a of n.aiLines) if (a.by !== me) aiLines.push({ sha, path: a.path, tool: a.tool, lines: a.lines, by: a.by });
  }
  return { items, forgotten: [...forgotten].filter((k) => !own.has(k)), aiLines };
}

/** The id an imported request's message gets: the same on every import of the same entry. */
export function sharedMessageId(key: string, text: string, time: string): string {
  return `shared:${key}:${hash(text, time).slice(0, 12)}`;
}

const learningKey = (sessionId: string | null, id: string): string => sessionKey(sessionId ?? `learning:${id}`);
const hash = (...parts: string[]): string => crypto().createHash('sha1').update(parts.join('\0')).digest('hex').slice(0, 16);
const seconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000) || 0;

/** `claude-code:4f70b41d-…` → `4f70b41d`, as `lore why` prints a session. */
function shortSession(id: string): string {
  const native = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  if (/^[0-9a-f]{12}-\d+$/.test(native)) return native;
  return native.length > 12 ? native.slice(0, 8) : native;
}
