import { fileHistory, getCommit, type CommitRow, type Db, type FileCommit } from '../db/index.js';
import { LineOutOfRangeError, UntrackedPathError } from '../errors.js';
import { blameLine, gitRaw, lineCount, trackedFiles, type RepoInfo } from '../git/index.js';
import type { Target } from './resolve-target.js';
import { closestPaths } from './suggest.js';

/** The `--json` shape of `lore why`. Documented in docs/json.md; bump `schema` on breaking change. */
export interface WhyResult {
  schema: 'lore.why/1';
  project: string;
  file: string;
  line: number | null;
  /** The commit that created the file (following renames back to its first name). */
  origin: CommitInfo | null;
  /** For FILE:LINE: the commit that last touched the line. */
  blamed: CommitInfo | null;
  /** Every commit that touched the file, newest first, origin included. */
  changes: CommitInfo[];
  total: number;
}

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  date: string; // ISO 8601, commit time
  subject: string;
  body: string;
  /** How this commit changed the file: A, M, D, R, C or T (null for a blamed commit outside the list). */
  status: string | null;
  path: string | null;
  oldPath: string | null;
  added: number | null;
  removed: number | null;
}

/**
 * Checks that `target` names a file git knows (tracked now, or with history), and that a line is
 * in range, before anything is written: errors leave the database untouched.
 */
export async function checkTarget(repo: RepoInfo, target: Target): Promise<void> {
  const tracked = await trackedFiles(repo.root);
  if (!tracked.includes(target.path)) {
    const everExisted = await gitRaw(repo.root, ['log', '-1', '--format=%H', '--', target.path]);
    if (everExisted.code !== 0 || everExisted.stdout.trim() === '') throw new UntrackedPathError(target.path, closestPaths(target.path, tracked));
    if (target.line !== undefined) throw new LineOutOfRangeError(target.path, target.line, 0);
    return;
  }
  if (target.line !== undefined) {
    const count = await lineCount(repo.root, target.path);
    if (target.line > count) throw new LineOutOfRangeError(target.path, target.line, count);
  }
}

/** Answers `lore why` from the (already indexed) database. */
export async function why(db: Db, repo: RepoInfo, target: Target): Promise<WhyResult> {
  const history = fileHistory(db, repo.root, target.path);
  const changes = history.map(fromFileCommit);
  const oldest = history[history.length - 1];
  const origin = oldest && (oldest.file.status === 'A' || oldest.file.status === 'C' || oldest.parents.length === 0) ? fromFileCommit(oldest) : null;
  let blamed: CommitInfo | null = null;
  if (target.line !== undefined) {
    const b = await blameLine(repo.root, target.path, target.line);
    blamed = changes.find((c) => c.sha === b.sha) ?? fromCommit(getCommit(db, repo.root, b.sha));
  }
  return { schema: 'lore.why/1', project: repo.root, file: target.path, line: target.line ?? null, origin, blamed, changes, total: changes.length };
}

function fromFileCommit(c: FileCommit): CommitInfo {
  return { ...fromCommit(c)!, status: c.file.status, path: c.file.path, oldPath: c.file.oldPath, added: c.file.added, removed: c.file.removed };
}

function fromCommit(c: CommitRow | undefined): CommitInfo | null {
  if (!c) return null;
  return {
    sha: c.sha,
    author: c.authorName,
    email: c.authorEmail,
    date: new Date(c.committedAt * 1000).toISOString(),
    subject: c.subject,
    body: c.body,
    status: null,
    path: null,
    oldPath: null,
    added: null,
    removed: null,
  };
}
