import { gitRaw } from './run.js';

/** A line a commit added: its number in the commit's version of the file, and its text. */
export interface AddedLine {
  line: number;
  text: string;
}

/**
 * The lines each file of `sha` added, numbered as in the commit's version of the file (against
 * its first parent; a root commit adds every line). Agent Trace wants ranges "at the recorded
 * revision": a `-U0` diff's hunk headers number exactly those.
 */
export async function addedLines(root: string, sha: string): Promise<Map<string, AddedLine[]>> {
  const r = await gitRaw(root, ['-c', 'core.quotePath=false', 'show', '--format=', '--no-color', '--no-ext-diff', '--no-textconv', '-U0', '-M', '--first-parent', '-m', sha]);
  const out = new Map<string, AddedLine[]>();
  if (r.code !== 0) return out;
  let current: AddedLine[] | null = null;
  // Between `diff --git` and the first hunk: an added line that starts with "++ " reads as `+++ `.
  let header = false;
  let next = 0;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('diff --git ')) {
      header = true;
      current = null;
    } else if (header && line.startsWith('+++ ')) {
      const path = line.slice(4);
      current = path === '/dev/null' ? null : [];
      if (current) out.set(path.replace(/^"?b\//, '').replace(/"$/, ''), current);
    } else if (current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      if (m) {
        header = false;
        next = Number(m[1]);
      } else if (!header && line.startsWith('+')) current.push({ line: next++, text: line.slice(1) });
    }
  }
  return out;
}

/** Every commit reachable from HEAD, oldest first ([] in a repository with no commit). */
export async function historyShas(root: string): Promise<string[]> {
  const r = await gitRaw(root, ['rev-list', '--reverse', '--topo-order', 'HEAD']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}
