import type { Db } from './open.js';

/**
 * The SQL behind `lore search`: BM25 over messages_fts and learnings_fts with filters, snippets,
 * and the files each hit is linked to. Ranking fusion lives in src/query/search.ts.
 */
export type HitKind = 'message' | 'commit' | 'learning';

export interface SearchFilters {
  projects?: string[];
  sources?: string[];
  roles?: string[];
  /** ISO 8601 bounds on the item's date (inclusive). */
  since?: string;
  until?: string;
  kinds?: HitKind[];
  /** Only items linked to this repo-relative path (see itemsLinkedToFile). */
  linked?: { messages: string[]; learnings: string[] };
}

export interface RankedRef {
  kind: 'message' | 'learning';
  ref: string;
}

export interface HitRow {
  kind: HitKind;
  id: string;
  role: string | null;
  date: string | null;
  source: string | null;
  project: string | null;
  sessionId: string | null;
  sessionTitle: string | null;
  content: string;
  sha: string | null;
}

/** Highlight markers snippet() puts around matches; src/cli turns them into bold or text markers. */
const MARK_START = '\u0002';
const MARK_END = '\u0003';

/** BM25 ranks only the most recent this-many matches of a very common query (keeps p95 bounded). */
const RANK_WINDOW = 2_000;

/** An FTS5 expression matching any of `phrases`, each quoted (so no word is read as an operator). */
export function ftsAnyOf(phrases: string[]): string {
  return phrases.map((p) => `"${p.replaceAll('"', '""')}"`).join(' OR ');
}

/** Whether any message or learning is stored (EXISTS: a count would scan a million rows). */
export function hasSearchable(db: Db): boolean {
  return (db.prepare('SELECT EXISTS (SELECT 1 FROM messages) OR EXISTS (SELECT 1 FROM learnings) AS x').get() as { x: number }).x === 1;
}

/** Message ids and learning ids linked to `path` by file edits, commits, relationships or related_files. */
export function itemsLinkedToFile(db: Db, path: string, projects?: string[]): { messages: string[]; learnings: string[] } {
  const inProject = (col: string) => (projects?.length ? ` AND ${col} IN (SELECT value FROM json_each(@projects))` : '');
  const params = { path, projects: JSON.stringify(projects ?? []) };
  const messages = new Set<string>();
  const learnings = new Set<string>();
  for (const r of db
    .prepare(`SELECT message_id AS a, request_id AS b FROM file_edits WHERE path = @path${inProject('project_path')}`)
    .all(params) as { a: string | null; b: string | null }[]) {
    if (r.a) messages.add(r.a);
    if (r.b) messages.add(r.b);
  }
  for (const r of db
    .prepare(
      `SELECT DISTINCT 'git:' || c.project_path || ':' || c.sha AS id FROM commit_files f JOIN commits c ON c.id = f.commit_id
        WHERE (f.path = @path OR f.old_path = @path)${inProject('c.project_path')}`,
    )
    .all(params) as { id: string }[])
    messages.add(r.id);
  const nodes = db
    .prepare(
      `SELECT target_path AS node FROM relationships WHERE source_path = @path
       UNION SELECT source_path FROM relationships WHERE target_path = @path`,
    )
    .all(params) as { node: string }[];
  const commitMessage = db.prepare(`SELECT 'git:' || project_path || ':' || sha AS id FROM commits WHERE sha = @sha${inProject('project_path')}`);
  for (const { node } of nodes) {
    if (node.startsWith('msg:')) messages.add(node.slice(4));
    else if (node.startsWith('learning:')) learnings.add(node.slice(9));
    else if (node.startsWith('commit:')) {
      for (const r of commitMessage.all({ sha: node.slice(7), projects: params.projects }) as { id: string }[]) messages.add(r.id);
    }
  }
  for (const r of db.prepare('SELECT l.id FROM learnings l, json_each(l.related_files) j WHERE j.value = ?').all(path) as { id: string }[]) learnings.add(r.id);
  return { messages: [...messages], learnings: [...learnings] };
}

interface Where {
  sql: string;
  params: Record<string, unknown>;
}

function messageWhere(f: SearchFilters): Where | undefined {
  const kinds = f.kinds ?? [];
  if (kinds.length > 0 && !kinds.includes('message') && !kinds.includes('commit')) return undefined;
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.projects?.length) (parts.push('s.project_path IN (SELECT value FROM json_each(@projects))'), (params.projects = JSON.stringify(f.projects)));
  if (f.sources?.length) (parts.push('s.source IN (SELECT value FROM json_each(@sources))'), (params.sources = JSON.stringify(f.sources)));
  if (f.roles?.length) (parts.push('m.role IN (SELECT value FROM json_each(@roles))'), (params.roles = JSON.stringify(f.roles)));
  if (f.since) (parts.push('m.created_at >= @since'), (params.since = f.since));
  if (f.until) (parts.push('m.created_at <= @until'), (params.until = f.until));
  if (kinds.length > 0 && !(kinds.includes('message') && kinds.includes('commit'))) {
    parts.push(kinds.includes('commit') ? "json_extract(m.metadata, '$.kind') = 'commit'" : "coalesce(json_extract(m.metadata, '$.kind'), '') != 'commit'");
  }
  if (f.linked) (parts.push('m.id IN (SELECT value FROM json_each(@linked))'), (params.linked = JSON.stringify(f.linked.messages)));
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', params };
}

function learningWhere(f: SearchFilters): Where | undefined {
  if (f.kinds?.length && !f.kinds.includes('learning')) return undefined;
  if (f.roles?.length) return undefined;
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (f.projects?.length) (parts.push('coalesce(l.project_path, s.project_path) IN (SELECT value FROM json_each(@projects))'), (params.projects = JSON.stringify(f.projects)));
  if (f.sources?.length) (parts.push('s.source IN (SELECT value FROM json_each(@sources))'), (params.sources = JSON.stringify(f.sources)));
  if (f.since) (parts.push('l.created_at >= @since'), (params.since = f.since));
  if (f.until) (parts.push('l.created_at <= @until'), (params.until = f.until));
  if (f.linked) (parts.push('l.id IN (SELECT value FROM json_each(@linked))'), (params.linked = JSON.stringify(f.linked.learnings)));
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', params };
}

/**
 * Message ids by BM25 (best first) for an FTS5 MATCH expression, honouring the filters. FTS5's
 * bm25() first counts every match of each phrase, which grows with the table (docs/performance.md,
 * "Storage"), so a query matching more than RANK_WINDOW messages is ranked among its newest
 * RANK_WINDOW matches by windowBm25 instead (read backwards from the end of the doclist: cheap).
 */
export function ftsMessages(db: Db, match: string, filters: SearchFilters, k: number): RankedRef[] {
  const where = messageWhere(filters);
  if (!where) return [];
  const common = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?').get(match, RANK_WINDOW) !== undefined;
  const params = { ...where.params, match, k, window: RANK_WINDOW };
  const from = `FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid JOIN sessions s ON s.id = m.session_id WHERE messages_fts MATCH @match${where.sql}`;
  if (common) {
    const rows = db.prepare(`SELECT m.id AS ref, substr(m.content, 1, 2000) AS content ${from} ORDER BY messages_fts.rowid DESC LIMIT @window`).all(params) as { ref: string; content: string }[];
    return windowBm25(rows, phrasesOf(match)).slice(0, k).map((ref) => ({ kind: 'message', ref }));
  }
  if (where.sql === '') {
    // No filter: rank inside FTS5 alone, then look the few winners up.
    const ranked = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH @match ORDER BY rank LIMIT @k').all(params) as { rowid: number }[];
    const idOf = db.prepare('SELECT id FROM messages WHERE rowid = ?').pluck();
    return ranked.flatMap((r) => {
      const id = idOf.get(r.rowid) as string | undefined;
      return id ? [{ kind: 'message' as const, ref: id }] : [];
    });
  }
  const rows = db.prepare(`SELECT m.id AS ref ${from} ORDER BY bm25(messages_fts) LIMIT @k`).all(params) as { ref: string }[];
  return rows.map((r) => ({ kind: 'message', ref: r.ref }));
}

const NON_WORD = /[^\p{L}\p{N}]+/u;
/** A light stemmer (lower-cased input), close enough to porter's for counting matches inside the window. */
const stem = (w: string) =>
  w.endsWith('ing') ? w.slice(0, -3) : w.endsWith('ed') || w.endsWith('es') ? w.slice(0, -2) : w.endsWith('s') ? w.slice(0, -1) : w;
const wordsOf = (text: string) => text.toLowerCase().split(NON_WORD).filter(Boolean).map(stem);

/** The words of each quoted phrase in a MATCH expression built by toMatchExpression. */
function phrasesOf(match: string): string[][] {
  return [...match.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => wordsOf(m[1]!.replaceAll('""', '"')));
}

/** BM25 (k1 1.2, b 0.75) with document frequencies and lengths taken over the window itself. */
function windowBm25(rows: { ref: string; content: string }[], phrases: string[][]): string[] {
  // The window's text is most of a common query's time: one-word phrases (the usual query) are
  // counted without splitting each text into an array of stemmed words.
  const oneWord = phrases.every((p) => p.length <= 1);
  const words = phrases.map((p) => ({ word: p[0] ?? '', pattern: stemPattern(p[0] ?? '') }));
  const docs = rows.map((r) => (oneWord ? countWords(r.content, words) : countPhrases(wordsOf(r.content), phrases)));
  const avgdl = docs.reduce((n, d) => n + d.length, 0) / Math.max(1, docs.length);
  const idf = phrases.map((_, j) => {
    const df = docs.filter((d) => d.counts[j]! > 0).length;
    return Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
  });
  const score = docs.map((d) => d.counts.reduce((s, f, j) => s + (idf[j]! * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.length) / avgdl)), 0));
  return rows.map((r, i) => ({ ref: r.ref, s: score[i]!, i })).sort((a, b) => b.s - a.s || a.i - b.i).map((r) => r.ref);
}

interface WordCounts {
  /** Words in the text. */
  length: number;
  /** Occurrences of each phrase. */
  counts: number[];
}

function countPhrases(doc: string[], phrases: string[][]): WordCounts {
  const tf = (phrase: string[]) => {
    let n = 0;
    for (let i = 0; i + phrase.length <= doc.length; i++) if (phrase.every((w, j) => doc[i + j] === w)) n++;
    return n;
  };
  return { length: doc.length, counts: phrases.map((p) => (p.length ? tf(p) : 0)) };
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words that stem() can turn into `w`: w, and w with a suffix stem() cuts (stem() checks each). */
function stemPattern(w: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:ing|ed|es|s)?(?![\\p{L}\\p{N}])`, 'gu');
}

/**
 * What wordsOf and countPhrases count for one-word phrases (`words`, with their stemPattern),
 * with regular expressions over the lower-cased text: they run as native code from the first call,
 * where a loop over the characters would run in the interpreter for most of a command's one search.
 */
function countWords(content: string, words: { word: string; pattern: RegExp }[]): WordCounts {
  const text = content.toLowerCase();
  return {
    length: text.match(WORD)?.length ?? 0,
    counts: words.map(({ word, pattern }) => {
      let n = 0;
      if (word) for (const m of text.match(pattern) ?? []) if (stem(m) === word) n++;
      return n;
    }),
  };
}

/** Learning ids by BM25 (best first). */
export function ftsLearnings(db: Db, match: string, filters: SearchFilters, k: number): RankedRef[] {
  const where = learningWhere(filters);
  if (!where) return [];
  const rows = db
    .prepare(
      `SELECT l.id AS ref FROM learnings_fts JOIN learnings l ON l.rowid = learnings_fts.rowid LEFT JOIN sessions s ON s.id = l.session_id
       WHERE learnings_fts MATCH @match${where.sql} ORDER BY bm25(learnings_fts) LIMIT @k`,
    )
    .all({ ...where.params, match, k }) as { ref: string }[];
  return rows.map((r) => ({ kind: 'learning', ref: r.ref }));
}

/** Keeps the refs (from a vector search) that pass the filters, in their order. */
export function filterRefs(db: Db, refs: RankedRef[], filters: SearchFilters): RankedRef[] {
  const mw = messageWhere(filters);
  const lw = learningWhere(filters);
  const msgIds = refs.filter((r) => r.kind === 'message').map((r) => r.ref);
  const lrnIds = refs.filter((r) => r.kind === 'learning').map((r) => r.ref);
  const keep = new Set<string>();
  if (mw && msgIds.length)
    for (const r of db
      .prepare(`SELECT m.id FROM messages m JOIN sessions s ON s.id = m.session_id WHERE m.id IN (SELECT value FROM json_each(@ids))${mw.sql}`)
      .all({ ...mw.params, ids: JSON.stringify(msgIds) }) as { id: string }[])
      keep.add(`message\0${r.id}`);
  if (lw && lrnIds.length)
    for (const r of db
      .prepare(`SELECT l.id FROM learnings l LEFT JOIN sessions s ON s.id = l.session_id WHERE l.id IN (SELECT value FROM json_each(@ids))${lw.sql}`)
      .all({ ...lw.params, ids: JSON.stringify(lrnIds) }) as { id: string }[])
      keep.add(`learning\0${r.id}`);
  return refs.filter((r) => keep.has(`${r.kind}\0${r.ref}`));
}

/** The rows to show for ranked refs. */
export function hitRows(db: Db, refs: RankedRef[]): HitRow[] {
  const msg = db.prepare(
    `SELECT m.id, m.role, m.created_at AS date, m.content, json_extract(m.metadata, '$.kind') AS mkind, json_extract(m.metadata, '$.sha') AS sha,
            s.source, s.project_path AS project, s.id AS sessionId, s.title AS sessionTitle
     FROM messages m LEFT JOIN sessions s ON s.id = m.session_id WHERE m.id = ?`,
  );
  const lrn = db.prepare(
    `SELECT l.id, l.created_at AS date, l.content, s.source, coalesce(l.project_path, s.project_path) AS project, s.id AS sessionId, s.title AS sessionTitle
     FROM learnings l LEFT JOIN sessions s ON s.id = l.session_id WHERE l.id = ?`,
  );
  return refs.flatMap((r): HitRow[] => {
    if (r.kind === 'message') {
      const row = msg.get(r.ref) as (Omit<HitRow, 'kind'> & { mkind: string | null }) | undefined;
      if (!row) return [];
      const { mkind, ...rest } = row;
      return [{ ...rest, kind: mkind === 'commit' ? 'commit' : 'message' }];
    }
    const row = lrn.get(r.ref) as Omit<HitRow, 'kind' | 'role' | 'sha'> | undefined;
    return row ? [{ ...row, kind: 'learning', role: null, sha: null }] : [];
  });
}

/** The FTS5 snippet of one item for `match`, with MARK_START/MARK_END around matches; undefined when it does not match. */
export function snippetOf(db: Db, ref: RankedRef, match: string, tokens = 24): string | undefined {
  const table = ref.kind === 'message' ? 'messages' : 'learnings';
  const row = db
    .prepare(
      `SELECT snippet(${table}_fts, 0, char(2), char(3), '…', ?) AS s FROM ${table}_fts
       WHERE ${table}_fts MATCH ? AND rowid = (SELECT rowid FROM ${table} WHERE id = ?)`,
    )
    .get(tokens, match, ref.ref) as { s: string } | undefined;
  return row?.s;
}

/** Repo-relative files a hit is linked to (file edits, commit files, relationships, related_files). */
export function linkedFiles(db: Db, hit: HitRow, max = 10): string[] {
  const files = new Set<string>();
  const add = (rows: { p: string }[]) => {
    for (const r of rows) if (r.p && !/^(msg|commit|learning|session):/.test(r.p)) files.add(r.p);
  };
  if (hit.kind === 'learning') {
    add(db.prepare('SELECT j.value AS p FROM learnings l, json_each(l.related_files) j WHERE l.id = ?').all(hit.id) as { p: string }[]);
    add(linkedByRelationship(db, `learning:${hit.id}`));
  } else {
    if (hit.kind === 'commit' && hit.sha && hit.project) {
      add(db.prepare('SELECT path AS p FROM commit_files WHERE commit_id = (SELECT id FROM commits WHERE sha = ? AND project_path = ?) ORDER BY path').all(hit.sha, hit.project) as { p: string }[]);
      add(linkedByRelationship(db, `commit:${hit.sha}`));
    }
    add(db.prepare('SELECT DISTINCT path AS p FROM file_edits WHERE message_id = ? OR request_id = ? ORDER BY path').all(hit.id, hit.id) as { p: string }[]);
    add(linkedByRelationship(db, `msg:${hit.id}`));
  }
  return [...files].slice(0, max);
}

function linkedByRelationship(db: Db, node: string): { p: string }[] {
  return db
    .prepare('SELECT target_path AS p FROM relationships WHERE source_path = ? UNION SELECT source_path FROM relationships WHERE target_path = ?')
    .all(node, node) as { p: string }[];
}

/** The first `chars` characters of each item's text, by `kind\0ref`. */
export function itemHeads(db: Db, refs: RankedRef[], chars = 2000): Map<string, string> {
  const out = new Map<string, string>();
  for (const kind of ['message', 'learning'] as const) {
    const ids = refs.filter((r) => r.kind === kind).map((r) => r.ref);
    if (ids.length === 0) continue;
    const rows = db
      .prepare(`SELECT id, substr(content, 1, ?) AS head FROM ${kind === 'message' ? 'messages' : 'learnings'} WHERE id IN (SELECT value FROM json_each(?))`)
      .all(chars, JSON.stringify(ids)) as { id: string; head: string }[];
    for (const r of rows) out.set(`${kind}\0${r.id}`, r.head);
  }
  return out;
}

/** messages.metadata.kind of each message id (for ranking priors). */
export function messageKinds(db: Db, ids: string[]): Map<string, string> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(`SELECT id, coalesce(json_extract(metadata, '$.kind'), '') AS kind FROM messages WHERE id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as { id: string; kind: string }[];
  return new Map(rows.map((r) => [r.id, r.kind]));
}
