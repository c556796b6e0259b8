import { gitRaw } from './run.js';

/** Lines a commit added to and removed from one file (without the +/- marker). */
export interface FileDiff {
  added: string[];
  removed: string[];
}

/**
 * The added and removed lines of `sha` (against its first parent), per path after the change.
 * `-U0`: context lines would blur which lines the commit really wrote. Empty map for a merge's
 * combined diff or an unknown commit.
 */
export async function commitDiff(root: string, sha: string, paths: string[] = []): Promise<Map<string, FileDiff>> {
  const args = ['-c', 'core.quotePath=false', 'show', '--format=', '--no-color', '--no-ext-diff', '--no-textconv', '-U0', '-M', '--first-parent', '-m', sha, '--', ...paths];
  const r = await gitRaw(root, args);
  return r.code === 0 ? parseDiff(r.stdout) : new Map();
}

/** Parses unified diff text into added/removed lines per (new) path. */
export function parseDiff(text: string): Map<string, FileDiff> {
  const out = new Map<string, FileDiff>();
  let current: FileDiff | undefined;
  let oldPath: string | undefined;
  let inHunk = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      oldPath = undefined;
      inHunk = false;
      continue;
    }
    if (!inHunk && line.startsWith('--- ')) {
      oldPath = stripPrefix(line.slice(4));
      continue;
    }
    if (!inHunk && line.startsWith('+++ ')) {
      const path = stripPrefix(line.slice(4)) ?? oldPath;
      if (path) {
        current = out.get(path) ?? { added: [], removed: [] };
        out.set(path, current);
      }
      continue;
    }
    if (line.startsWith('@@')) {
      inHunk = true;
      continue;
    }
    if (!current || !inHunk) continue;
    if (line.startsWith('+')) current.added.push(line.slice(1));
    else if (line.startsWith('-')) current.removed.push(line.slice(1));
  }
  return out;
}

// `a/path`, `b/path`, `/dev/null`, or a C-quoted "b/pa\"th".
function stripPrefix(raw: string): string | undefined {
  let s = raw.replace(/\t$/, '');
  if (s === '/dev/null') return undefined;
  if (s.startsWith('"') && s.endsWith('"')) s = JSON.parse(s.replace(/\\([0-7]{3})/g, (_, o: string) => `\\u00${parseInt(o, 8).toString(16).padStart(2, '0')}`)) as string;
  return s.replace(/^[ab]\//, '');
}

/** The newest commit before `sha` (in its ancestry) that touched `path`, with its commit time. */
export async function previousCommitOf(root: string, sha: string, path: string): Promise<{ sha: string; committedAt: number } | undefined> {
  const r = await gitRaw(root, ['log', '-1', '--format=%H %ct', `${sha}^`, '--', path]);
  if (r.code !== 0) return undefined; // a root commit has no parent
  const [prev, ct] = r.stdout.trim().split(' ');
  return prev ? { sha: prev, committedAt: Number(ct) } : undefined;
}
