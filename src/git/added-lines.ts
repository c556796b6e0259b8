import { gitRaw } from './run.js';

/**
 * The line ranges each file of `sha` added, numbered as in the commit's version of the file
 * (against its first parent; a root commit adds every line). Agent Trace wants ranges "at the
 * recorded revision": a `-U0` diff's hunk headers give exactly those.
 */
export async function addedRanges(root: string, sha: string): Promise<Map<string, [number, number][]>> {
  const r = await gitRaw(root, ['-c', 'core.quotePath=false', 'show', '--format=', '--no-color', '--no-ext-diff', '--no-textconv', '-U0', '-M', '--first-parent', '-m', sha]);
  const out = new Map<string, [number, number][]>();
  if (r.code !== 0) return out;
  let current: [number, number][] | null = null;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('+++ ')) {
      const path = line.slice(4);
      current = path === '/dev/null' ? null : [];
      if (current) out.set(path.replace(/^"?b\//, '').replace(/"$/, ''), current);
      continue;
    }
    const m = current ? /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line) : null;
    if (m && current) {
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count > 0) current.push([start, start + count - 1]);
    }
  }
  return out;
}

/** Every commit reachable from HEAD, oldest first ([] in a repository with no commit). */
export async function historyShas(root: string): Promise<string[]> {
  const r = await gitRaw(root, ['rev-list', '--reverse', '--topo-order', 'HEAD']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}
