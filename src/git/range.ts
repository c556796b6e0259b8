import { BadRangeError } from '../errors.js';
import { gitRaw } from './run.js';

/** A range of commits as `lore pr` takes it: `BASE..HEAD`, commits oldest first. */
export interface CommitRange {
  /** What the user wrote, or `<default branch>..HEAD`. */
  spec: string;
  base: string;
  head: string;
  /** Commits reachable from head and not from base, oldest first. */
  shas: string[];
}

/**
 * Resolves `spec` (`BASE..HEAD`, `BASE..`, or `BASE` alone meaning `BASE..HEAD`); without one,
 * the merge-base of HEAD with the default branch (origin's HEAD, else main, master, trunk) up to
 * HEAD: the commits a pull request from this branch would carry.
 */
export async function resolveRange(root: string, spec?: string): Promise<CommitRange> {
  let baseRef: string;
  let headRef: string;
  if (spec) {
    if (spec.includes('...')) throw new BadRangeError(`${spec}: a symmetric range (A...B) is not a pull request's commits`, 'write BASE..HEAD');
    const [b = '', h = ''] = spec.includes('..') ? spec.split('..') : [spec, ''];
    baseRef = b || 'HEAD';
    headRef = h || 'HEAD';
  } else {
    const branch = await defaultBranch(root);
    if (!branch) throw new BadRangeError('no default branch found (no origin/HEAD, main, master or trunk)', 'name the range: lore pr BASE..HEAD');
    baseRef = branch;
    headRef = 'HEAD';
  }
  const head = await revParse(root, headRef);
  const baseSha = await revParse(root, baseRef);
  const base = spec ? baseSha : ((await mergeBase(root, baseSha, head)) ?? baseSha);
  const r = await gitRaw(root, ['rev-list', '--reverse', '--topo-order', `${base}..${head}`]);
  if (r.code !== 0) throw new BadRangeError(`git cannot list ${baseRef}..${headRef}: ${r.stderr.trim().split('\n')[0] ?? ''}`, 'check the range with `git log BASE..HEAD`');
  const shas = r.stdout.split('\n').filter(Boolean);
  // A description of no commits (run on the default branch itself) would be an empty pull request.
  if (shas.length === 0) {
    throw new BadRangeError(
      `${spec ?? `${baseRef}..HEAD`} has no commits`,
      spec ? 'check the range with `git log BASE..HEAD`' : `HEAD has not left ${baseRef}: run it on your branch, or name a range such as lore pr HEAD~3..HEAD`,
    );
  }
  return { spec: spec ?? `${baseRef}..HEAD`, base, head, shas };
}

async function revParse(root: string, ref: string): Promise<string> {
  const r = await gitRaw(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (r.code !== 0) throw new BadRangeError(`${ref} is not a commit of this repository`, 'name a branch, tag or sha: lore pr BASE..HEAD');
  return r.stdout.trim();
}

async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  const r = await gitRaw(root, ['merge-base', a, b]);
  return r.code === 0 ? r.stdout.trim() || undefined : undefined;
}

/** The repository's default branch as a ref git can resolve, or undefined. */
export async function defaultBranch(root: string): Promise<string | undefined> {
  const origin = await gitRaw(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  if (origin.code === 0 && origin.stdout.trim()) return origin.stdout.trim();
  for (const name of ['main', 'master', 'trunk']) {
    const r = await gitRaw(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${name}`]);
    if (r.code === 0) return name;
  }
  return undefined;
}
