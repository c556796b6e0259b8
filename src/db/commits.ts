import type { Db } from './open.js';

/** How a commit changed a file: git's status letter (`git log --raw`). */
export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T';

/** A file a commit touched. Line counts are null for binary files and until the enrich pass counts them. */
export interface CommitFile {
  path: string;
  status: ChangeStatus;
  oldPath: string | null;
  added: number | null;
  removed: number | null;
}

/**
 * A commit (DESIGN.md §2: `commits` and `commit_files`): the one shape git, db, link and query
 * share. Each of them takes the part it needs (the types below) rather than a shape of its own,
 * so a field added here reaches every reader.
 */
export interface Commit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  /** Null for commits stored before lore kept it. */
  committerName?: string | null;
  authoredAt: number;
  committedAt: number;
  subject: string;
  body: string;
  /** Null until the enrich pass computes it (`git patch-id`). */
  patchId: string | null;
  files: CommitFile[];
}

/** A stored commit without its files (a commit's row). */
export type CommitRow = Omit<Commit, 'files'>;

/** A file as `git log` reports it: no old path unless renamed or copied, no line counts without --numstat or for a binary file. */
export type FileChange = Pick<CommitFile, 'path' | 'status'> & { oldPath?: string; added?: number; removed?: number };

/** A commit to store, as `git log` yields it: the patch-id and line counts may come later. */
export type NewCommit = Omit<Commit, 'patchId' | 'files'> & { patchId?: string | null; files: FileChange[] };

/** A commit with its change of one file (a file's history). */
export type FileCommit = CommitRow & { file: CommitFile };

/** A commit as the link stage reads it: files, time, and the message for trailers. */
export type LinkCommit = Pick<Commit, 'sha' | 'authorName' | 'committerName' | 'committedAt' | 'parents' | 'patchId' | 'subject' | 'body'> & { files: Pick<CommitFile, 'path' | 'status' | 'oldPath'>[] };

export interface RepoState {
  projectPath: string;
  indexedTips: string[];
  queueOffset: number;
  indexedAt: string | null;
}

/** The per-repo session that holds commit messages as `messages` rows (DESIGN.md §2). */
export function gitSessionId(projectPath: string): string {
  return `git:${projectPath}`;
}

function commitMessageId(projectPath: string, sha: string): string {
  return `git:${projectPath}:${sha}`;
}

export function getRepoState(db: Db, projectPath: string): RepoState | undefined {
  const row = db.prepare('SELECT project_path, indexed_tips, queue_offset, indexed_at FROM repos WHERE project_path = ?').get(projectPath) as
    | { project_path: string; indexed_tips: string; queue_offset: number; indexed_at: string | null }
    | undefined;
  if (!row) return undefined;
  return { projectPath: row.project_path, indexedTips: JSON.parse(row.indexed_tips) as string[], queueOffset: row.queue_offset, indexedAt: row.indexed_at };
}

export function listRepos(db: Db): RepoState[] {
  const rows = db.prepare('SELECT project_path FROM repos ORDER BY project_path').all() as { project_path: string }[];
  return rows.map((r) => getRepoState(db, r.project_path)!);
}

/**
 * Stores commits and their files and records `tips` as fully indexed, in one immediate
 * transaction: an interrupted run leaves either all of a batch or none of it. The commit
 * messages' `messages` rows come with the enrich pass (storeEnrichment). Returns how many
 * commits were new.
 */
export function storeCommits(db: Db, projectPath: string, commits: NewCommit[], tips: string[] | undefined): number {
  const writer = commitWriter(db, projectPath, { batchSize: Infinity });
  try {
    const added = writer.add(commits);
    writer.finish(tips);
    return added;
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export interface CommitWriter {
  /** Stores commits (opening a write transaction when none is open); returns how many were new. */
  add(commits: NewCommit[]): number;
  /** Records `tips` as fully indexed and commits. */
  finish(tips: string[] | undefined): void;
  /** Rolls back the open transaction, if any (after an error: the batch is stored whole or not at all). */
  abort(): void;
}

/**
 * Stores commits as `git log` streams them: each chunk's commits go in as it arrives, so storing
 * overlaps git's own work instead of waiting for a whole batch while git blocks on a full pipe.
 * One immediate transaction holds `batchSize` commits: few, large transactions, because each one
 * rewrites the pages of the random-sha index it touched (docs/performance.md, "Storage"); an
 * interrupted run leaves whole batches only. The write lock is held while a batch streams in, so
 * a batch also ends once it has been open `maxOpenMs`, or that long without a new chunk: a log with
 * line counts can pause for seconds on a large commit, and other writers (a graph built beside
 * it, the hook worker) must get the lock within their busy timeout.
 */
export function commitWriter(db: Db, projectPath: string, options: { batchSize?: number; maxOpenMs?: number } = {}): CommitWriter {
  const batchSize = options.batchSize ?? 5000;
  const maxOpenMs = options.maxOpenMs ?? 1000;
  let openedAt = 0;
  const insertCommit = db.prepare(
    `INSERT OR IGNORE INTO commits (project_path, sha, author_name, author_email, committer_name, authored_at, committed_at, subject, body, parents, patch_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFile = db.prepare(
    `INSERT OR IGNORE INTO commit_files (commit_id, path, status, old_path, added, removed) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const sessionId = gitSessionId(projectPath);
  let open = false;
  let inBatch = 0;
  let idle: NodeJS.Timeout | undefined;
  const end = (): void => {
    if (idle) clearTimeout(idle);
    idle = undefined;
    if (open) commit.run();
    open = false;
  };
  const start = (): void => {
    if (idle) clearTimeout(idle);
    idle = undefined;
    if (open) return;
    begin.run();
    open = true;
    inBatch = 0;
    openedAt = performance.now();
    db.prepare(
      `INSERT INTO sessions (id, project_path, title, source, created_at) VALUES (?, ?, ?, 'git', ?)
       ON CONFLICT(id) DO NOTHING`,
    ).run(sessionId, projectPath, `git history of ${projectPath}`, new Date().toISOString());
  };
  return {
    add(commits) {
      if (commits.length === 0) return 0;
      start();
      let added = 0;
      for (const c of commits) {
        const r = insertCommit.run(projectPath, c.sha, c.authorName, c.authorEmail, c.committerName ?? null, c.authoredAt, c.committedAt, c.subject, c.body, c.parents.join(' '), c.patchId ?? null);
        if (r.changes === 0) continue;
        added++;
        for (const f of c.files) insertFile.run(r.lastInsertRowid, f.path, f.status, f.oldPath ?? null, f.added ?? null, f.removed ?? null);
      }
      inBatch += commits.length;
      if (inBatch >= batchSize || performance.now() - openedAt > maxOpenMs) end();
      // Between chunks only this process's event loop runs: the batch can end there.
      else idle = setTimeout(end, maxOpenMs).unref();
      return added;
    },
    finish(tips) {
      start();
      const first = ((db.prepare('SELECT indexed_tips FROM repos WHERE project_path = ?').pluck().get(projectPath) as string | undefined) ?? '[]') === '[]';
      db.prepare(
        `INSERT INTO repos (project_path, indexed_tips, indexed_at) VALUES (?, ?, ?)
         ON CONFLICT(project_path) DO UPDATE SET indexed_tips = coalesce(?, indexed_tips), indexed_at = excluded.indexed_at`,
      ).run(projectPath, JSON.stringify(tips ?? []), new Date().toISOString(), tips ? JSON.stringify(tips) : null);
      // The first finished index marks where the history lore found ends (settledThrough).
      if (first) {
        db.prepare(
          `UPDATE sessions SET metadata = json_set(coalesce(metadata, '{}'), '$.settledThrough', (SELECT coalesce(max(id), 0) FROM commits WHERE project_path = ?)) WHERE id = ?`,
        ).run(projectPath, sessionId);
      }
      end();
    },
    abort() {
      if (idle) clearTimeout(idle);
      idle = undefined;
      if (open && db.inTransaction) db.prepare('ROLLBACK').run();
      open = false;
    },
  };
}

/**
 * Line counts, patch-ids and the commit messages' `messages` rows (full-text search) are filled
 * in after a commit is stored (the "enrich" pass, see src/git/enrich.ts), so a large backfill
 * returns quickly. Progress is a watermark: every commit
 * of the repo with rowid <= `enrichedThrough` has been enriched. It lives in the metadata of the
 * repo's `git:` session (no schema change). The rowid is the commits table's INTEGER PRIMARY KEY
 * `id` (migration 0011), so no VACUUM can renumber it.
 */
export function enrichedThrough(db: Db, projectPath: string): number {
  const row = db.prepare("SELECT json_extract(metadata, '$.enrichedThrough') AS n FROM sessions WHERE id = ?").get(gitSessionId(projectPath)) as { n: number | null } | undefined;
  return row?.n ?? 0;
}

/**
 * The last rowid of the history the repository had when lore first indexed it (0 before that,
 * and for a database indexed before the mark existed). Commits past it arrived later: new work,
 * or a rewritten copy of older work, which src/git/enrich.ts gives a patch-id however old its date.
 */
export function settledThrough(db: Db, projectPath: string): number {
  const row = db.prepare("SELECT json_extract(metadata, '$.settledThrough') AS n FROM sessions WHERE id = ?").get(gitSessionId(projectPath)) as { n: number | null } | undefined;
  return row?.n ?? 0;
}

/** Of `shas`, the commits with links that have no patch-id yet, merges left out (they get none). */
export function linkedWithoutPatchId(db: Db, projectPath: string, shas: string[]): string[] {
  const stmt = db.prepare(
    `SELECT 1 FROM commits c JOIN linked_commits l ON l.project_path = c.project_path AND l.sha = c.sha
      WHERE c.sha = ? AND c.project_path = ? AND c.patch_id IS NULL AND l.links > 0 AND c.parents NOT LIKE '% %'`,
  );
  return shas.filter((sha) => stmt.get(sha, projectPath) !== undefined);
}

/** Patch-ids computed outside the enrich pass (src/git/reachable.ts), in one transaction. */
export function storePatchIds(db: Db, projectPath: string, patchIds: Map<string, string>): void {
  db.transaction(() => writePatchIds(db, projectPath, patchIds)).immediate();
}

function writePatchIds(db: Db, projectPath: string, patchIds: Map<string, string>): void {
  const set = db.prepare('UPDATE commits SET patch_id = ? WHERE project_path = ? AND sha = ?');
  for (const [sha, patchId] of patchIds) set.run(patchId, projectPath, sha);
}

export interface EnrichTarget {
  rowid: number;
  sha: string;
  isMerge: boolean;
  committedAt: number;
  /** A file of the commit has no line counts yet (a binary file never has: it is counted again, to the same null). */
  needsCounts: boolean;
}

/** The next commits (oldest stored first) that still need line counts and a patch-id. */
export function commitsToEnrich(db: Db, projectPath: string, limit: number): EnrichTarget[] {
  const rows = db
    .prepare(
      `SELECT id, sha, parents, committed_at, EXISTS (SELECT 1 FROM commit_files f WHERE f.commit_id = commits.id AND f.added IS NULL) AS uncounted
         FROM commits WHERE id > ? AND +project_path = ? ORDER BY id LIMIT ?`,
    )
    .all(enrichedThrough(db, projectPath), projectPath, limit) as { id: number; sha: string; parents: string; committed_at: number; uncounted: number }[];
  return rows.map((r) => ({ rowid: r.id, sha: r.sha, isMerge: r.parents.includes(' '), committedAt: r.committed_at, needsCounts: r.uncounted === 1 }));
}

// `+project_path`: a range over rowids past the watermark (usually none), not a walk over every
// commit of the project by an index on project_path, on every command.
export function countCommitsToEnrich(db: Db, projectPath: string): number {
  return (db.prepare('SELECT count(*) AS n FROM commits WHERE id > ? AND +project_path = ?').get(enrichedThrough(db, projectPath), projectPath) as { n: number }).n;
}

export interface LineCount {
  path: string;
  /** null for a binary file. */
  added: number | null;
  removed: number | null;
}

/**
 * Stores line counts and patch-ids of the commits after the watermark up to `throughRowid`, adds
 * their messages rows (set-based: one statement), and moves the watermark, in one transaction.
 */
/**
 * `unreadable`: commits of the batch whose line counts git could not read (objects missing from
 * the repository). The watermark passes them, so their number is kept for `lore doctor` to tell.
 */
export function storeEnrichment(db: Db, projectPath: string, counts: Map<string, LineCount[]>, patchIds: Map<string, string>, throughRowid: number, unreadable = 0): void {
  const sessionId = gitSessionId(projectPath);
  const idOf = db.prepare('SELECT id FROM commits WHERE sha = ? AND project_path = ?').pluck();
  const setCount = db.prepare('UPDATE commit_files SET added = ?, removed = ? WHERE commit_id = ? AND path = ?');
  db.transaction(() => {
    for (const [sha, files] of counts) {
      // One lookup per commit, not one per file it touched.
      const id = idOf.get(sha, projectPath) as number | undefined;
      if (id !== undefined) for (const f of files) setCount.run(f.added, f.removed, id, f.path);
    }
    writePatchIds(db, projectPath, patchIds);
    const from = enrichedThrough(db, projectPath);
    // Same ids and text as commitMessageId() and `subject\n\nbody`; dates as toISOString() prints them.
    db.prepare(
      `INSERT OR IGNORE INTO messages (id, session_id, role, content, created_at, metadata)
       SELECT ? || sha, ?, 'system', CASE WHEN body = '' THEN subject ELSE subject || char(10, 10) || body END,
              strftime('%Y-%m-%dT%H:%M:%fZ', committed_at, 'unixepoch'), json_object('kind', 'commit', 'sha', sha, 'author', author_name)
         FROM commits WHERE id > ? AND id <= ? AND +project_path = ? ORDER BY id`,
    ).run(commitMessageId(projectPath, ''), sessionId, from, throughRowid, projectPath);
    db.prepare(
      `UPDATE sessions SET last_message_at = (SELECT max(created_at) FROM messages WHERE session_id = ?) WHERE id = ?`,
    ).run(sessionId, sessionId);
    db.prepare(
      `UPDATE sessions SET metadata = json_set(coalesce(metadata, '{}'), '$.enrichedThrough',
         max(CAST(? AS INTEGER), coalesce(json_extract(metadata, '$.enrichedThrough'), 0))) WHERE id = ?`,
    ).run(throughRowid, sessionId);
    if (unreadable > 0) {
      db.prepare(
        `UPDATE sessions SET metadata = json_set(coalesce(metadata, '{}'), '$.countsUnreadable',
           coalesce(json_extract(metadata, '$.countsUnreadable'), 0) + ?) WHERE id = ?`,
      ).run(unreadable, sessionId);
    }
  }).immediate();
}

/** How many commits of the repo were indexed without line counts, their objects missing (storeEnrichment). */
export function countsUnreadable(db: Db, projectPath: string): number {
  const row = db.prepare("SELECT json_extract(metadata, '$.countsUnreadable') AS n FROM sessions WHERE id = ?").get(gitSessionId(projectPath)) as { n: number | null } | undefined;
  return row?.n ?? 0;
}

/** Sets that number (after the commits were tried again). */
export function setCountsUnreadable(db: Db, projectPath: string, n: number): void {
  db.prepare(`UPDATE sessions SET metadata = json_set(coalesce(metadata, '{}'), '$.countsUnreadable', CAST(? AS INTEGER)) WHERE id = ?`).run(n, gitSessionId(projectPath));
}

/**
 * The enriched non-merge commits with a file that has no line counts: their objects were missing,
 * or the file is binary (which git counts to no number again).
 */
export function commitsWithoutLineCounts(db: Db, projectPath: string): string[] {
  return (
    db
      .prepare(
        `SELECT sha FROM commits c WHERE id <= ? AND +project_path = ? AND instr(parents, ' ') = 0
           AND EXISTS (SELECT 1 FROM commit_files f WHERE f.commit_id = c.id AND f.added IS NULL) ORDER BY id`,
      )
      .all(enrichedThrough(db, projectPath), projectPath) as { sha: string }[]
  ).map((r) => r.sha);
}

export function getCommit(db: Db, projectPath: string, sha: string): CommitRow | undefined {
  const row = db.prepare('SELECT * FROM commits WHERE project_path = ? AND sha = ?').get(projectPath, sha) as RawCommit | undefined;
  return row && toCommit(row);
}

export function countCommits(db: Db, projectPath: string): number {
  return (db.prepare('SELECT count(*) AS n FROM commits WHERE project_path = ?').get(projectPath) as { n: number }).n;
}

export function hasCommit(db: Db, projectPath: string, sha: string): boolean {
  return db.prepare('SELECT 1 FROM commits WHERE project_path = ? AND sha = ?').get(projectPath, sha) !== undefined;
}

/**
 * Commits are inserted parents-first (git log --topo-order --reverse), so id order is
 * topological: it is the "newest first" order used below, immune to equal timestamps, and the
 * order of the path index (path, commit_id), so no sort is needed.
 *
 * Every commit that touched `path`, newest first, following renames backwards: when the
 * oldest change of a name is a rename, the history of the old name before it continues. As with
 * `git log --follow`, an addition that is not a rename does not end the history: a file deleted
 * and added again under the same name keeps its earlier life (and its origin) below the re-add,
 * and a subtree-merged project's root file of the same name is listed too, as git lists it.
 */
export function fileHistory(db: Db, projectPath: string, path: string): FileCommit[] {
  const select = `SELECT c.*, f.path AS f_path, f.status AS f_status, f.old_path AS f_old_path, f.added AS f_added, f.removed AS f_removed
       FROM commit_files f JOIN commits c ON c.id = f.commit_id`;
  // Before a rename (its id and date), git's walk, in commit-date order, takes the old name: for
  // the rename's ancestors and for older commits of branches merged later (builtin-log.c's topics).
  const reachable = `(f.commit_id < ? OR c.committed_at < ?)
        AND c.project_path = ? AND f.commit_id NOT IN (SELECT commit_id FROM unreachable_commits)`;
  const changed = db.prepare(`${select} WHERE f.path = ? AND ${reachable} ORDER BY f.commit_id DESC`);
  // A rename away from the name is its delete, as git lists it (git-tools moving its Makefile).
  const movedAway = db.prepare(`${select} WHERE f.old_path = ? AND f.status = 'R' AND ${reachable} ORDER BY f.commit_id DESC`);
  const out: FileCommit[] = [];
  const seen = new Set<string>();
  let name: string | undefined = path;
  let before = [Number.MAX_SAFE_INTEGER, 0];
  for (let hops = 0; name && hops < 100; hops++) {
    const current: string = name;
    const away = movedAway.all(current, ...before, projectPath) as (RawCommit & RawFile)[];
    const rows = mergeNewestFirst(changed.all(current, ...before, projectPath) as (RawCommit & RawFile)[], away);
    name = undefined;
    for (const row of rows) {
      if (seen.has(row.sha)) continue;
      seen.add(row.sha);
      const gone = row.f_path !== current;
      out.push({ ...toCommit(row), file: gone ? { path: current, status: 'D', oldPath: null, added: null, removed: null } : { path: row.f_path, status: row.f_status, oldPath: row.f_old_path, added: row.f_added, removed: row.f_removed } });
      if (gone) continue;
      if (row.f_status === 'C') break; // a copy starts its own history, as git's rename-only --follow has it
      if (row.f_status === 'R' && row.f_old_path) {
        name = row.f_old_path;
        before = [row.id, row.committed_at];
        break;
      }
    }
  }
  return out;
}

// Two lists in descending id order, as one; on the same commit the change of the name itself first.
function mergeNewestFirst<T extends { id: number }>(a: T[], b: T[]): T[] {
  if (b.length === 0) return a;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.id >= b[j]!.id)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** The HEAD the stored set of unreachable commits was computed for, and that set's shas. */
export function reachState(db: Db, projectPath: string): { head: string | null; unreachable: string[] } {
  const row = db.prepare('SELECT reach_head FROM repos WHERE project_path = ?').get(projectPath) as { reach_head: string | null } | undefined;
  return { head: row?.reach_head ?? null, unreachable: row?.reach_head ? unreachableShas(db, projectPath) : [] };
}

/** Whether the stored set of unreachable commits was computed for `head`: the common case, one lookup. */
export function isReachComputedFor(db: Db, projectPath: string, head: string): boolean {
  return db.prepare('SELECT 1 FROM repos WHERE project_path = ? AND reach_head = ?').get(projectPath, head) !== undefined;
}

function unreachableShas(db: Db, projectPath: string): string[] {
  return (db.prepare('SELECT c.sha FROM unreachable_commits u JOIN commits c ON c.id = u.commit_id WHERE c.project_path = ?').all(projectPath) as { sha: string }[]).map((r) => r.sha);
}

/**
 * Replaces the project's set of commits not reachable from `head` (rewritten or abandoned
 * history: kept stored, never listed). Shas lore never stored are ignored.
 */
export function storeUnreachable(db: Db, projectPath: string, head: string, shas: string[]): void {
  const insert = db.prepare('INSERT OR IGNORE INTO unreachable_commits (commit_id) SELECT id FROM commits WHERE sha = ? AND project_path = ?');
  db.transaction(() => {
    db.prepare('DELETE FROM unreachable_commits WHERE commit_id IN (SELECT id FROM commits WHERE project_path = ?)').run(projectPath);
    for (const sha of shas) insert.run(sha, projectPath);
    db.prepare('UPDATE repos SET reach_head = ? WHERE project_path = ?').run(head, projectPath);
  }).immediate();
}

/**
 * The rename that took `path` away, when that is the last thing that happened to the name in
 * HEAD's history (not a later re-creation or deletion of the same name).
 */
export function renamedAway(db: Db, projectPath: string, path: string): { path: string; sha: string; committedAt: number } | undefined {
  const away = db
    .prepare(
      `SELECT f.path, c.sha, c.committed_at, c.id FROM commit_files f JOIN commits c ON c.id = f.commit_id
        WHERE f.old_path = ? AND f.status = 'R' AND c.project_path = ? AND f.commit_id NOT IN (SELECT commit_id FROM unreachable_commits)
        ORDER BY f.commit_id DESC LIMIT 1`,
    )
    .get(path, projectPath) as { path: string; sha: string; committed_at: number; id: number } | undefined;
  if (!away) return undefined;
  const later = db
    .prepare(
      `SELECT 1 FROM commit_files f JOIN commits c ON c.id = f.commit_id
        WHERE f.path = ? AND f.commit_id > ? AND c.project_path = ? AND f.commit_id NOT IN (SELECT commit_id FROM unreachable_commits) LIMIT 1`,
    )
    .get(path, away.id, projectPath);
  return later ? undefined : { path: away.path, sha: away.sha, committedAt: away.committed_at };
}

/** Whether any stored commit of the project touched `path` (then git knows it, or knew it). */
export function hasFileHistory(db: Db, projectPath: string, path: string): boolean {
  return db.prepare('SELECT 1 FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE f.path = ? AND c.project_path = ? LIMIT 1').get(path, projectPath) !== undefined;
}

/** Repo-relative paths lore has seen in any commit (for "did you mean" suggestions). */
export function knownPaths(db: Db, projectPath: string): string[] {
  return (db.prepare('SELECT DISTINCT f.path FROM commits c JOIN commit_files f ON f.commit_id = c.id WHERE c.project_path = ?').all(projectPath) as { path: string }[]).map((r) => r.path);
}

export function recordRewrites(db: Db, projectPath: string, pairs: { oldSha: string; newSha: string; kind: string }[]): void {
  const stmt = db.prepare(
    `INSERT INTO commit_rewrites (project_path, old_sha, new_sha, kind) VALUES (?, ?, ?, ?)
     ON CONFLICT(project_path, old_sha) DO UPDATE SET new_sha = excluded.new_sha, kind = excluded.kind`,
  );
  db.transaction(() => {
    for (const p of pairs) stmt.run(projectPath, p.oldSha, p.newSha, p.kind);
  }).immediate();
}

/** Every sha the rewrite map says was replaced (amended or rebased away). */
export function rewrittenShas(db: Db, projectPath: string): string[] {
  return (db.prepare('SELECT old_sha FROM commit_rewrites WHERE project_path = ?').all(projectPath) as { old_sha: string }[]).map((r) => r.old_sha);
}

/** Follows the rewrite map from `sha` to the commit it became (itself when never rewritten). */
export function resolveRewrite(db: Db, projectPath: string, sha: string): string {
  const stmt = db.prepare('SELECT new_sha FROM commit_rewrites WHERE project_path = ? AND old_sha = ?');
  let current = sha;
  for (let hops = 0; hops < 50; hops++) {
    const row = stmt.get(projectPath, current) as { new_sha: string } | undefined;
    if (!row || row.new_sha === current) break;
    current = row.new_sha;
  }
  return current;
}

interface RawCommit {
  id: number;
  sha: string;
  author_name: string;
  author_email: string;
  committer_name: string | null;
  authored_at: number;
  committed_at: number;
  subject: string;
  body: string;
  parents: string;
  patch_id: string | null;
}
interface RawFile {
  f_path: string;
  f_status: ChangeStatus;
  f_old_path: string | null;
  f_added: number | null;
  f_removed: number | null;
}

function toCommit(r: RawCommit): CommitRow {
  return {
    sha: r.sha,
    authorName: r.author_name,
    authorEmail: r.author_email,
    committerName: r.committer_name,
    authoredAt: r.authored_at,
    committedAt: r.committed_at,
    subject: r.subject,
    body: r.body,
    parents: r.parents ? r.parents.split(' ') : [],
    patchId: r.patch_id,
  };
}
