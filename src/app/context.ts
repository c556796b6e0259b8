import { existsSync } from 'node:fs';
import { hasFileHistory } from '../db/index.js';
import { findRepo } from '../git/index.js';
import { importGraphLookup, resolveTarget, why as answerWhy, type CommitRequest, type DecisionInfo, type LearningInfo, type RequestInfo } from '../query/index.js';
import { hasQueuedEvents } from './catch-up.js';
import { dbPathOf, withDb, type Place } from './repo-context.js';
import { startWorker } from './start-worker.js';

/** What an agent should know before it changes one file (`lore context`). */
export interface FileContext {
  /** Repo-relative path. */
  file: string;
  /** The file has commits in the database; false for a new or never indexed file. */
  known: boolean;
  /** Commits that touched it. */
  total: number;
  /** `lore why`'s one-line answer ('' when not known). */
  summary: string;
  origin: { sha: string; date: string; request: CommitRequest | null } | null;
  /** The requests behind its later changes, newest first (the origin's left out). */
  requests: RequestInfo[];
  /** Learnings attached to it that still hold (stale ones left out). */
  learnings: LearningInfo[];
  decisions: DecisionInfo[];
  /** Files that import it; null when the import graph is not built or it is not TS/JS. */
  importers: number | null;
}

export interface ContextResult {
  schema: 'lore.context/1';
  project: string;
  /** False when the database does not exist yet (nothing indexed). */
  indexed: boolean;
  files: FileContext[];
}

/**
 * `lore context FILE...`: what is stored about each file, for an agent about to edit it. Runs
 * before every edit (a hook), so it never catches up inline: it answers from what the git hooks,
 * `lore watch` and earlier commands stored, and starts the hook worker when the hook queue holds
 * events the database has not taken.
 */
export async function fileContext(place: Place, files: string[]): Promise<ContextResult> {
  const repo = await findRepo(place.cwd);
  const targets = files.map((f) => resolveTarget(f, place.cwd, repo.root).path);
  const dbPath = dbPathOf(place);
  const unknown = (file: string): FileContext => ({ file, known: false, total: 0, summary: '', origin: null, requests: [], learnings: [], decisions: [], importers: null });
  if (!existsSync(dbPath)) return { schema: 'lore.context/1', project: repo.root, indexed: false, files: targets.map(unknown) };
  return withDb(dbPath, async (db) => {
    if (hasQueuedEvents(db, repo)) startWorker(repo.root, dbPath);
    const out: FileContext[] = [];
    for (const file of targets) {
      if (!hasFileHistory(db, repo.root, file)) {
        out.push(unknown(file));
        continue;
      }
      const r = await answerWhy(db, repo, { path: file }, { graph: importGraphLookup });
      const originRequests = new Set(r.origin?.requests.map((q) => q.id) ?? []);
      out.push({
        file: r.file,
        known: true,
        total: r.total,
        summary: r.summary.text,
        origin: r.origin && { sha: r.origin.sha, date: r.origin.date, request: r.origin.requests[0] ?? null },
        requests: r.requests.filter((q) => !originRequests.has(q.id) || q.commits.some((sha) => sha !== r.origin?.sha)),
        learnings: r.learnings.filter((l) => !l.stale),
        decisions: r.decisions,
        importers: r.graph.importers ? r.graph.importers.length : null,
      });
    }
    return { schema: 'lore.context/1', project: repo.root, indexed: true, files: out };
  }, { mmap: true });
}
