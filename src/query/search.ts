import {
  hasSearchable,
  filterRefs,
  ftsAnyOf,
  ftsLearnings,
  ftsMessages,
  hitRows,
  itemHeads,
  itemsLinkedToFile,
  linkedFiles,
  messageKinds,
  nearestItems,
  snippetOf,
  vectorModel,
  type Db,
  type HitKind,
  type RankedRef,
  type SearchFilters,
} from '../db/index.js';
import { holdsQueryPiece, type Embedder } from '../embed/index.js';

export type SearchMode = 'hybrid' | 'fts' | 'vector';

export interface SearchOptions {
  query: string;
  limit?: number;
  projects?: string[];
  sources?: string[];
  roles?: string[];
  since?: string;
  until?: string;
  kinds?: HitKind[];
  /** Repo-relative path: only items linked to it. */
  file?: string;
  mode?: SearchMode;
  /** Score multiplier by message kind (tool output and calls rank below what people and assistants wrote). */
  kindPrior?: Record<string, number>;
  /** Weight of the vector list in the fusion (the full-text lists weigh 1). */
  vectorWeight?: number;
  /** Vector hits less similar than this (cosine) are dropped; default 0.1 for the hash embedder (unrelated texts score about 0 to 0.15), else 0. */
  minSimilarity?: number;
}

export interface SearchHit {
  kind: HitKind;
  id: string;
  date: string | null;
  tool: string | null;
  project: string | null;
  sessionId: string | null;
  sessionTitle: string | null;
  role: string | null;
  sha: string | null;
  /** The matching passage; matches are wrapped in MARK_START / MARK_END (see src/db/search.ts). */
  snippet: string;
  files: string[];
  score: number;
  /** Which rankings found it. */
  matchedBy: ('fts' | 'vector')[];
}

export interface SearchResult {
  schema: 'lore.search/1';
  query: string;
  /** True when the database holds no messages and no learnings at all. */
  empty: boolean;
  mode: SearchMode;
  vectors: { status: 'used' | 'none' | 'model-changed' | 'off'; model: string | null; current: string };
  hits: SearchHit[];
}

const RRF_K = 60;
// Tuned on bench/retrieval-labels.json (see bench/search.mjs): tool output and tool calls crowd out
// the prompts and answers that say why; vectors (lexical hashes by default) weigh a bit less than BM25.
const DEFAULT_VECTOR_WEIGHT = 0.7;
const KIND_PRIOR: Record<string, number> = { tool_result: 0.5, tool_call: 0.5, meta: 0.5 };

const STOP = new Set(
  'a an and are as at be but by did do does for from had has have how i if in into is it its me my no not of on or our so that the their them then there these they this to was we were what when where which who why will with would you your'.split(' '),
);

/** Two letters or digits in a row (`ab`, `東京`, `42`), combining marks included. */
const TWO_IN_A_ROW = /(?:[\p{L}\p{N}]\p{M}*){2}/u;
/** A one-character word as typed on its own (`猫`, `x`), perhaps in quotes or brackets or before a full stop (`(x)`, `猫？`). */
const ONE_CHARACTER_WORD = /^[\p{Ps}\p{Pi}"']*[\p{L}\p{N}]\p{M}*[\p{Pe}\p{Pf}"'.,;:!?。、！？]*$/u;

/**
 * Whether a whitespace-separated chunk of a query holds a word to search for. A lone letter among
 * symbols (`¯\_(ツ)_/¯`, `*a*`, `C++`) is not one: FTS5 would look for that one letter, and the
 * vectors of such a query are whatever lies closest, not matches.
 */
function hasWord(chunk: string): boolean {
  return TWO_IN_A_ROW.test(chunk) || ONE_CHARACTER_WORD.test(chunk);
}

/**
 * Turns any user text into a safe FTS5 expression: every whitespace-separated chunk that holds a
 * word becomes a quoted phrase (so quotes, `-`, `*`, `:`, parentheses are plain text), stop words
 * are dropped when other words remain, and phrases are OR-ed for BM25 to rank. Undefined when no
 * chunk holds a word.
 */
export function toMatchExpression(query: string): string | undefined {
  const chunks = query.split(/\s+/).filter(hasWord);
  const content = chunks.filter((c) => !STOP.has(c.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')));
  const use = content.length > 0 ? content : chunks;
  if (use.length === 0) return undefined;
  return ftsAnyOf([...new Set(use)]);
}

/** Hybrid search over messages (chat and commit) and learnings: BM25 and vector KNN fused by reciprocal rank. */
export async function search(db: Db, options: SearchOptions, deps: { embedder: Embedder }): Promise<SearchResult> {
  const limit = options.limit ?? 10;
  const mode = options.mode ?? 'hybrid';
  const stored = vectorModel(db);
  const current = deps.embedder.id;
  const result: SearchResult = {
    schema: 'lore.search/1',
    query: options.query,
    empty: false,
    mode,
    vectors: { status: 'off', model: stored?.model ?? null, current },
    hits: [],
  };
  if (!hasSearchable(db)) return { ...result, empty: true };

  const filters: SearchFilters = {
    ...(options.projects?.length ? { projects: options.projects } : {}),
    ...(options.sources?.length ? { sources: options.sources } : {}),
    ...(options.roles?.length ? { roles: options.roles } : {}),
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
    ...(options.kinds?.length ? { kinds: options.kinds } : {}),
    ...(options.file ? { linked: itemsLinkedToFile(db, options.file, options.projects) } : {}),
  };
  const depth = Math.max(limit * 5, 50);
  const match = toMatchExpression(options.query);
  // No word (`*`, an emoji, punctuation, a letter among symbols): nothing to look for. The nearest
  // vectors of such a query are whatever happens to lie closest, not matches.
  if (!match) return result;

  const lists: RankedRef[][] = [];
  const ftsFound = new Set<string>();
  if (mode !== 'vector') {
    for (const list of [ftsMessages(db, match, filters, depth), ftsLearnings(db, match, filters, depth)]) {
      lists.push(list);
      for (const r of list) ftsFound.add(key(r));
    }
  }
  const vecFound = new Set<string>();
  if (mode !== 'fts') {
    if (!stored) result.vectors.status = 'none';
    else if (stored.model !== current) result.vectors.status = 'model-changed';
    else {
      result.vectors.status = 'used';
      const [q] = await deps.embedder.embed([options.query]);
      const near = nearestItems(db, q!, Object.keys(filters).length > 0 ? depth * 2 : depth);
      const isHash = current.startsWith('hash-');
      const floor = options.minSimilarity ?? (isHash ? 0.1 : 0);
      const close = near.filter((n) => 1 - n.distance >= floor);
      let list = filterRefs(db, close.map((n) => ({ kind: n.kind, ref: n.ref })), filters).slice(0, depth);
      // A query of a word or two has few hash features, each a large part of its vector: one
      // bucket shared by collision passes the floor. Such a neighbour holds nothing of the query.
      if (isHash && isShortQuery(options.query)) {
        const heads = itemHeads(db, list);
        list = list.filter((r) => holdsQueryPiece(options.query, heads.get(key(r)) ?? ''));
      }
      lists.push(list);
      for (const r of list) vecFound.add(key(r));
    }
  }

  const scores = new Map<string, { ref: RankedRef; score: number }>();
  const vectorWeight = options.vectorWeight ?? DEFAULT_VECTOR_WEIGHT;
  lists.forEach((list, i) => {
    const weight = mode === 'hybrid' && i === lists.length - 1 && vecFound.size > 0 ? vectorWeight : 1;
    list.forEach((ref, rank) => {
      const k = key(ref);
      const entry = scores.get(k) ?? { ref, score: 0 };
      entry.score += weight / (RRF_K + rank + 1);
      scores.set(k, entry);
    });
  });
  const prior = options.kindPrior ?? KIND_PRIOR;
  const kinds = messageKinds(db, [...scores.values()].filter((e) => e.ref.kind === 'message').map((e) => e.ref.ref));
  for (const e of scores.values()) if (e.ref.kind === 'message') e.score *= prior[kinds.get(e.ref.ref) ?? ''] ?? 1;
  const top = [...scores.values()].sort((a, b) => b.score - a.score).slice(0, limit);
  const rows = hitRows(db, top.map((t) => t.ref));
  const scoreOf = new Map(top.map((t) => [key(t.ref), t.score]));
  result.hits = rows.map((row) => {
    const ref: RankedRef = { kind: row.kind === 'learning' ? 'learning' : 'message', ref: row.id };
    const k = key(ref);
    return {
      kind: row.kind,
      id: row.id,
      date: row.date,
      tool: row.source,
      project: row.project,
      sessionId: row.sessionId,
      sessionTitle: row.sessionTitle,
      role: row.role,
      sha: row.sha,
      snippet: snippetOf(db, ref, match) || headOf(row.content),
      files: linkedFiles(db, row),
      score: scoreOf.get(k) ?? 0,
      matchedBy: [...(ftsFound.has(k) ? ['fts' as const] : []), ...(vecFound.has(k) ? ['vector' as const] : [])],
    };
  });
  return result;
}

/** At most two words (as the hash embedder splits them: runs of letters and digits). */
function isShortQuery(query: string): boolean {
  return (query.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) <= 2;
}

function key(r: RankedRef): string {
  return `${r.kind}\0${r.ref}`;
}

function headOf(content: string): string {
  const flat = content.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}
