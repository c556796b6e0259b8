import { commitWriter, countCommits, getRepoState, hasCommit, type Db, type NewCommit } from '../db/index.js';
import { silent, type Reporter } from '../events.js';
import { redact } from '../ingest/index.js';
import { readLog, type CommitRecord } from './log.js';
import { existingCommits, headSha, headShaOnDisk, type RepoInfo } from './repo.js';
import { git, MissingObjectError } from './run.js';

export interface IndexResult {
  /** Commits stored by this run. */
  added: number;
  head?: string;
}

export interface IndexOptions {
  report?: Reporter;
  /** Extra commits to index besides HEAD's history (queued by hooks; may be off-branch). */
  extra?: string[];
  /** Commits per write transaction (large: a small one lets per-transaction cost dominate a backfill). */
  batchSize?: number;
  /**
   * Log with `--numstat`, storing line counts with the commits: for a caller that counts them in
   * this run anyway (the enrich pass then skips them). Without it the log is several times faster
   * on a large history and the counts come later (enrich.ts).
   */
  lineCounts?: boolean;
}

/**
 * Brings the commits table up to date with HEAD: logs only what is not reachable from the tips
 * indexed last time, parents first, in short transactions, then records HEAD as a tip. Safe to
 * interrupt anywhere: a re-run skips what was stored and finishes the rest.
 */
export async function indexCommits(db: Db, repo: RepoInfo, options: IndexOptions = {}): Promise<IndexResult> {
  const report = options.report ?? silent;
  const batchSize = options.batchSize ?? 5000;
  const head = headShaOnDisk(repo) ?? (await headSha(repo.root));
  const known = getRepoState(db, repo.root)?.indexedTips ?? [];
  const unseen = (options.extra ?? []).filter((sha) => !hasCommit(db, repo.root, sha));
  // The common case before a query: HEAD indexed already, nothing queued. No more git calls, and
  // no count of the commits (a scan of all the repository's rows, which a query does not need).
  if ((!head || known.includes(head)) && unseen.length === 0) return { added: 0, ...(head ? { head } : {}) };
  const [extra, tips] = await Promise.all([existingCommits(repo.root, unseen), existingCommits(repo.root, known)]);
  if (!head && extra.length === 0) return { added: 0 };
  const wanted = [...(head ? [head] : []), ...extra];
  const revisions = [...wanted, ...(tips.length > 0 ? ['--not', ...tips] : [])];

  // Counted beside the log (it only sizes the progress bar), not before it; not at all when no
  // bar can show (a pipe, the hook worker), since on a large backfill it costs git CPU.
  let pending: number | undefined;
  if (report.rendersProgress !== false) {
    void git(repo.root, ['rev-list', '--count', ...revisions, '--'])
      .then((out) => (pending = Number(out.trim())))
      .catch(() => {});
  }

  let added = 0;
  let seen = 0;
  const log = async ({ numstat, exactRenames }: { numstat: boolean; exactRenames: boolean }): Promise<void> => {
    seen = 0;
    let batch: NewCommit[] = [];
    // Each chunk of git's output is stored as it arrives: git keeps writing the next one meanwhile.
    const writer = commitWriter(db, repo.root, { batchSize });
    const store = (): void => {
      if (batch.length === 0) return;
      added += writer.add(batch);
      batch = [];
      report({ type: 'progress', stage: 'commits', done: seen, ...(pending !== undefined ? { total: Math.max(pending, seen) } : {}) });
    };
    try {
      await readLog(
        repo.root,
        ['--topo-order', '--reverse', ...(numstat ? ['--numstat'] : []), ...(exactRenames ? ['-M100%'] : []), ...revisions],
        (c) => {
          batch.push(toNewCommit(c));
          seen++;
        },
        store,
      );
      writer.finish(head ? nextTips(head, tips) : tips);
    } catch (err) {
      writer.abort();
      throw err;
    }
  };
  // A blob missing from the repository (a copy made without some objects, a partial clone
  // offline) stops a log that reads it: one that counts lines reads every changed blob, the plain
  // one only those it compares to find a rename with edits. Each fallback reads less; what was
  // stored stays, and the enrich pass counts the rest, skipping what it cannot read. Without
  // their blobs, a file renamed and edited in the same commit reads as deleted and added.
  const attempts = [
    ...(options.lineCounts ? [{ numstat: true, exactRenames: false }] : []),
    { numstat: false, exactRenames: false },
    { numstat: false, exactRenames: true },
  ];
  const before = countCommits(db, repo.root);
  let failed = false;
  for (const [k, attempt] of attempts.entries()) {
    try {
      await log(attempt);
      break;
    } catch (err) {
      if (!(err instanceof MissingObjectError) || k === attempts.length - 1) throw err;
      failed = true;
    }
  }
  report({ type: 'stage-end', stage: 'commits' });
  // After a failed attempt, not the sum of the attempts': it counted the batch it rolled back.
  return { added: failed ? countCommits(db, repo.root) - before : added, head };
}

// HEAD first; older tips stay so branches indexed earlier are not logged again.
function nextTips(head: string, tips: string[]): string[] {
  return [head, ...tips.filter((t) => t !== head)].slice(0, 32);
}

function toNewCommit(c: CommitRecord): NewCommit {
  return {
    sha: c.sha,
    parents: c.parents,
    authorName: c.authorName,
    authorEmail: c.authorEmail,
    committerName: c.committerName,
    authoredAt: c.authoredAt,
    committedAt: c.committedAt,
    subject: redact(c.subject).text,
    body: redact(c.body).text,
    files: c.files,
  };
}
