import { changesSince, getLearning, lastCommitOfRequest, lastCommitTouching, listLearnings, upsertLearning, type Db, type LearningRow } from '../db/index.js';
import { UsageError } from '../errors.js';
import { redact } from '../ingest/index.js';
import { crypto } from '../builtins.js';

/** The `--json` shape of one learning (`lore learnings`, and inside `lore why`). */
export interface LearningInfo {
  id: string;
  category: string;
  content: string;
  date: string;
  /** 'compound' (docs/solutions), 'manual' (lore learn), 'extracted' (found in a session) or 'entire' (an Entire checkpoint's summary). */
  source: string;
  files: string[];
  sessionId: string | null;
  /** The docs/solutions file, for compound learnings. */
  doc: string | null;
  stale: boolean;
  /** Why it is stale: which files changed, how much, since when. */
  staleReason: string | null;
  /** Set for a teammate's learning that `lore sync` imported: who shared it. */
  sharedBy?: string;
  /** Set for a learning of an Entire checkpoint's summary (source 'entire'): its checkpoint id. */
  checkpoint?: string;
  /** Set for an Entire code finding that names lines: those lines, numbered as in `commit`'s version of the file. */
  lines?: { commit: string; start: number; end: number };
  /** Set by `lore why FILE:LINE` when the finding's lines hold that line (git blame traces the line to them). */
  atLine?: true;
}

export interface LearningsResult {
  schema: 'lore.learnings/1';
  project: string;
  file: string | null;
  learnings: LearningInfo[];
}

/** Changed lines (added + removed) in a learning's files after it was written that make it stale. */
export const STALE_LINES = 30;

/**
 * Records a learning by hand (`lore learn`, the MCP server's record_learning). Same text twice is
 * one learning. Redacted like every other text lore stores: an agent may paste a key into it.
 */
export function learn(db: Db, project: string, text: string, files: string[], category = 'note'): LearningInfo {
  const content = redact(text.trim()).text;
  if (content === '') throw new UsageError('the learning is empty', 'usage: lore learn "TEXT" [--file F]... [--category C]');
  const id = `manual:${crypto().createHash('sha1').update(`${project}\0${content}`).digest('hex').slice(0, 16)}`;
  const existing = getLearning(db, id);
  const merged = [...new Set([...(existing?.files ?? []), ...files])];
  upsertLearning(db, {
    id,
    project,
    category: redact(category.trim()).text || 'note',
    content,
    files: merged,
    createdAt: existing?.createdAt ?? new Date().toISOString(),
    source: 'manual',
  });
  return toInfo(db, project, getLearning(db, id)!);
}

/** `lore learnings [FILE]`: the project's learnings (or a file's), newest first, stale ones flagged. */
export function learnings(db: Db, project: string, file?: string): LearningsResult {
  return { schema: 'lore.learnings/1', project, file: file ?? null, learnings: listLearnings(db, project, file).map((l) => toInfo(db, project, l)) };
}

export function toInfo(db: Db, project: string, l: LearningRow): LearningInfo {
  const stale = staleness(db, project, l);
  const doc = typeof l.metadata.doc === 'string' ? l.metadata.doc : null;
  const sharedBy = typeof l.metadata.sharedBy === 'string' ? { sharedBy: l.metadata.sharedBy } : {};
  const checkpoint = l.source === 'entire' && typeof l.metadata.checkpoint === 'string' ? { checkpoint: l.metadata.checkpoint } : {};
  return { id: l.id, category: l.category, content: l.content, date: l.createdAt, source: l.source, files: l.files, sessionId: l.sessionId ?? null, doc, ...stale, ...sharedBy, ...checkpoint, ...findingLines(l) };
}

/** The lines an Entire code finding names (src/app/provenance.ts stores them with its commit). */
function findingLines(l: LearningRow): Pick<LearningInfo, 'lines'> {
  const { commit, line, endLine } = l.metadata;
  if (l.source !== 'entire' || typeof commit !== 'string' || !Number.isInteger(line)) return {};
  const start = line as number;
  const end = Number.isInteger(endLine) && (endLine as number) >= start ? (endLine as number) : start;
  return { lines: { commit, start, end } };
}

/**
 * A learning is stale when its files changed substantially after it was written: one was deleted
 * or renamed, or ≥ STALE_LINES lines changed. "Written" is the commit that carried it when there
 * is one (the doc's commit, the commit of the turn it came from), so the fix it describes does
 * not count against it.
 */
function staleness(db: Db, project: string, l: LearningRow): { stale: boolean; staleReason: string | null } {
  if (l.files.length === 0) return { stale: false, staleReason: null };
  let since = Math.floor(Date.parse(l.createdAt) / 1000) || 0;
  const doc = typeof l.metadata.doc === 'string' ? l.metadata.doc : undefined;
  const request = typeof l.metadata.request === 'string' ? l.metadata.request : undefined;
  if (doc) since = Math.max(since, lastCommitTouching(db, project, doc) ?? 0);
  if (request) since = Math.max(since, lastCommitOfRequest(db, project, request) ?? 0);
  const c = changesSince(db, project, l.files, since);
  if (c.deleted.length > 0) return { stale: true, staleReason: `${c.deleted.join(', ')} was deleted or renamed since` };
  if (c.lines >= STALE_LINES) return { stale: true, staleReason: `${c.lines} lines of ${l.files.join(', ')} changed in ${c.commits} commit${c.commits === 1 ? '' : 's'} since` };
  return { stale: false, staleReason: null };
}
