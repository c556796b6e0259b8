import { childProcess } from '../builtins.js';
import { gitEnv, gitRaw } from './run.js';

/**
 * Reading what other tools keep in git (Entire's checkpoints branch): many small files of a
 * branch's tree in one `git cat-file --batch`, whatever their number.
 */

/** The contents of `rev:path` specs, in order; null for one that does not exist (or is not a blob). */
export function readObjects(root: string, specs: string[]): Promise<(string | null)[]> {
  if (specs.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = childProcess().execFile('git', ['cat-file', '--batch'], { cwd: root, encoding: 'buffer', maxBuffer: 1 << 30, env: gitEnv() }, (err, stdout) => {
      if (err) return reject(err);
      const out: (string | null)[] = [];
      let at = 0;
      for (let i = 0; i < specs.length && at < stdout.length; i++) {
        const nl = stdout.indexOf(10, at);
        if (nl < 0) break;
        // `<oid> <type> <size>`, or `<spec> missing` / `ambiguous` with no body.
        const header = stdout.subarray(at, nl).toString('utf8').split(' ');
        const size = Number(header[2]);
        if (header.length !== 3 || !Number.isFinite(size)) {
          out.push(null);
          at = nl + 1;
          continue;
        }
        out.push(header[1] === 'blob' ? stdout.subarray(nl + 1, nl + 1 + size).toString('utf8') : null);
        at = nl + 1 + size + 1;
      }
      while (out.length < specs.length) out.push(null);
      resolve(out);
    });
    child.stdin?.on('error', () => undefined);
    // A spec is one line for cat-file: a path with a newline cannot be asked for.
    child.stdin?.end(`${specs.map((s) => s.replace(/\n/g, ' ')).join('\n')}\n`);
  });
}

/** The object ids of `rev:path` specs (trees included), in order; null for one that does not exist. */
export async function objectIds(root: string, specs: string[]): Promise<(string | null)[]> {
  if (specs.length === 0) return [];
  const r = await gitRaw(root, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], `${specs.map((s) => s.replace(/\n/g, ' ')).join('\n')}\n`);
  const lines = r.stdout.split('\n');
  return specs.map((_, i) => {
    const m = /^([0-9a-f]{40,64}) \w+$/.exec(lines[i] ?? '');
    return m ? m[1]! : null;
  });
}

/** Every file path of `rev`'s tree ([] when git cannot list it). */
export async function treeFiles(root: string, rev: string): Promise<string[]> {
  const r = await gitRaw(root, ['ls-tree', '-r', '--name-only', '-z', rev]);
  return r.code === 0 ? r.stdout.split('\0').filter(Boolean) : [];
}

/** Refs named `branch` here: the local branch first, then each remote's (`refs/remotes/<remote>/<branch>`). */
export async function branchRefs(root: string, branch: string): Promise<string[]> {
  const r = await gitRaw(root, ['for-each-ref', '--format=%(refname)', `refs/heads/${branch}`, 'refs/remotes/']);
  if (r.code !== 0) return [];
  const refs = r.stdout.split('\n').filter(Boolean);
  const local = refs.filter((x) => x === `refs/heads/${branch}`);
  const remote = refs.filter((x) => x.startsWith('refs/remotes/') && x.endsWith(`/${branch}`) && x.split('/').length === 3 + branch.split('/').length).sort((a, b) => (a.startsWith('refs/remotes/origin/') ? -1 : b.startsWith('refs/remotes/origin/') ? 1 : a < b ? -1 : 1));
  return [...local, ...remote];
}
