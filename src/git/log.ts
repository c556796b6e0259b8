import { StringDecoder } from 'node:string_decoder';
import type { ChangeStatus, FileChange, LineCount, NewCommit } from '../db/index.js';
import { gitError, gitRaw, gitStream, isMissingObject, NO_FETCH_ENV } from './run.js';
import { skipUnreadable, type Pass, type Skipped } from './unreadable.js';

export type { FileChange };

/** A commit as `git log` yields it: the stored shape (src/db) before its patch-id is known. */
export type CommitRecord = Omit<NewCommit, 'patchId'>;

const RS = '\x1e';
const US = '\x1f';
// Fields end with a unit separator so the body (last) may hold anything but NUL.
// The committer's name beside the author's: Aider marks its commits `Name (aider)` in either.
export const LOG_FORMAT = `${RS}%H${US}%P${US}%an${US}%ae${US}%cn${US}%at${US}%ct${US}%s${US}%b${US}`;

/**
 * `git log` arguments whose output parseCommit understands: raw status with renames, NUL-separated.
 * No --numstat: line counts need every blob diffed (several times the cost of --raw on a large
 * history), so they are counted later by the enrich pass (enrich.ts). Pass '--numstat' in
 * `revisions` to get them here too; parseChanges reads both.
 */
export function logArgs(revisions: string[]): string[] {
  return ['log', '-z', '--raw', '-M', '--no-abbrev', '--no-color', '--no-ext-diff', '--no-textconv', `--format=${LOG_FORMAT}`, ...revisions, '--'];
}

/**
 * Streams `git log` for the given revisions (e.g. ['HEAD', '--not', tip]) and calls onCommit
 * for each commit in git's order, then `onChunk` once the commits of each chunk of git's output
 * have been passed (a point to store them while git writes the next). Memory stays flat whatever
 * the history size.
 */
export async function readLog(cwd: string, revisions: string[], onCommit: (c: CommitRecord) => void, onChunk?: () => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  await gitStream(cwd, logArgs(revisions), (chunk) => {
    pending += decoder.write(chunk);
    let start = pending.indexOf(RS);
    let next = pending.indexOf(RS, start + 1);
    while (start !== -1 && next !== -1) {
      const c = parseCommit(pending.slice(start + 1, next));
      if (c) onCommit(c);
      start = next;
      next = pending.indexOf(RS, start + 1);
    }
    pending = start === -1 ? pending : pending.slice(start);
    onChunk?.();
  }, NO_FETCH_ENV);
  pending += decoder.end();
  if (pending.startsWith(RS)) {
    const c = parseCommit(pending.slice(1));
    if (c) onCommit(c);
  }
  onChunk?.();
}

/** Parses one record of LOG_FORMAT output (without its leading RS). Returns undefined when malformed. */
export function parseCommit(record: string): CommitRecord | undefined {
  const fields = record.split(US);
  if (fields.length < 10) return undefined;
  const [sha, parents, authorName, authorEmail, committerName, at, ct, subject] = fields as [string, string, string, string, string, string, string, string];
  if (!/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  const body = fields.slice(8, -1).join(US).replace(/\s+$/, '');
  const tail = fields[fields.length - 1] ?? '';
  return {
    sha,
    parents: parents ? parents.split(' ') : [],
    authorName,
    authorEmail,
    committerName,
    authoredAt: Number(at) || 0,
    committedAt: Number(ct) || 0,
    subject,
    body,
    files: parseChanges(tail),
  };
}

/** Parses the NUL-separated --raw and --numstat entries that follow a commit header. */
export function parseChanges(tail: string): FileChange[] {
  const tokens = tail.split('\0');
  const byPath = new Map<string, FileChange>();
  const order: FileChange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = (tokens[i] ?? '').replace(/^\n+/, '');
    if (token === '') continue;
    if (token.startsWith(':')) {
      // :<old mode> <new mode> <old sha> <new sha> <status>[score]
      const status = token.slice(token.lastIndexOf(' ') + 1);
      const kind = status[0] as ChangeStatus;
      if (kind === 'R' || kind === 'C') {
        const oldPath = tokens[++i] ?? '';
        const path = tokens[++i] ?? '';
        const change: FileChange = { path, status: kind, oldPath };
        byPath.set(path, change);
        order.push(change);
      } else if ('AMDT'.includes(kind) && kind) {
        const path = tokens[++i] ?? '';
        const change: FileChange = { path, status: kind };
        byPath.set(path, change);
        order.push(change);
      } else {
        i++; // unmerged or unknown status: skip its path
      }
      continue;
    }
    const numstat = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(token);
    if (!numstat) continue;
    let path = numstat[3] ?? '';
    if (path === '') {
      i += 2; // a rename: old and new path follow as their own tokens
      path = tokens[i] ?? '';
    }
    const change = byPath.get(path);
    if (change && numstat[1] !== '-') {
      change.added = Number(numstat[1]);
      change.removed = Number(numstat[2]);
    }
  }
  return order;
}

/** Parses `--numstat -z` entries: `added\tremoved\tpath`, or `added\tremoved\t` then old and new path for a rename. */
export function parseNumstat(tail: string): LineCount[] {
  const tokens = tail.split('\0');
  const out: LineCount[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec((tokens[i] ?? '').replace(/^\n+/, ''));
    if (!m) continue;
    let path = m[3] ?? '';
    if (path === '') {
      i += 2;
      path = tokens[i] ?? '';
    }
    const binary = m[1] === '-';
    out.push({ path, added: binary ? null : Number(m[1]), removed: binary ? null : Number(m[2]) });
  }
  return out;
}

/**
 * Line counts per file for each of `shas` (non-merge commits), from one `git log --no-walk
 * --numstat` when every blob can be read. Commits with a blob missing from the repository are
 * left out and listed in `unreadable` (skipUnreadable, which asks `screen` which ones they are).
 */
export function readNumstat(cwd: string, shas: string[], screen?: () => Promise<Set<string>>): Promise<Skipped<LineCount[]>> {
  return skipUnreadable(shas, (some) => numstatPass(cwd, some), screen);
}

async function numstatPass(cwd: string, shas: string[]): Promise<Pass<LineCount[]>> {
  const counts = new Map<string, LineCount[]>();
  if (shas.length === 0) return { results: counts, last: undefined, stopped: false };
  const args = ['log', '--no-walk=unsorted', '--stdin', '-z', '--numstat', '-M', '--no-color', '--no-ext-diff', '--no-textconv', `--format=${RS}%H${US}`];
  const r = await gitRaw(cwd, args, shas.join('\n') + '\n', NO_FETCH_ENV);
  if (r.code !== 0 && !isMissingObject(r.stderr)) throw gitError(args, r.stderr);
  let last: string | undefined;
  for (const rec of r.stdout.split(RS)) {
    const sep = rec.indexOf(US);
    if (sep === -1) continue;
    last = rec.slice(0, sep);
    counts.set(last, parseNumstat(rec.slice(sep + 1)));
  }
  return { results: counts, last, stopped: r.code !== 0 };
}
