import { childProcess } from '../builtins.js';
import { git } from './run.js';

/**
 * Stable patch-ids (`git patch-id --stable`) for the given commits, so links survive a rebase or
 * squash done where no hook saw it. Merges, empty commits and pure renames get none.
 */
export function computePatchIds(root: string, shas: string[]): Promise<Map<string, string>> {
  if (shas.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const env = { ...process.env, LC_ALL: 'C', GIT_PAGER: 'cat' };
    const log = childProcess().spawn('git', ['log', '-p', '--no-walk=unsorted', '--stdin', '--no-color', '--no-ext-diff', '--no-textconv', '--format=commit %H'], { cwd: root, env, stdio: ['pipe', 'pipe', 'ignore'] });
    log.stdin.on('error', () => {});
    log.stdin.end(shas.join('\n') + '\n');
    const pid = childProcess().spawn('git', ['patch-id', '--stable'], { cwd: root, env, stdio: ['pipe', 'pipe', 'ignore'] });
    log.stdout.pipe(pid.stdin);
    pid.stdin.on('error', () => {}); // patch-id may exit early on odd input; the result is then partial
    let out = '';
    pid.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    log.on('error', reject);
    pid.on('error', reject);
    pid.on('close', () => {
      const ids = new Map<string, string>();
      for (const line of out.split('\n')) {
        const [patchId, sha] = line.split(' ');
        if (patchId && sha) ids.set(sha, patchId);
      }
      resolve(ids);
    });
  });
}

/**
 * Of `shas`, the commits no remote-tracking branch contains yet: all of them in a repository
 * without remotes. Only these can still be rebased or amended without rewriting what others have.
 */
export async function unpublishedCommits(root: string, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const remotes = await git(root, ['for-each-ref', '--count=1', '--format=%(refname)', 'refs/remotes/']);
  if (remotes.trim() === '') return new Set(shas);
  // --no-walk: filter the given commits, not their ancestry.
  const out = await git(root, ['rev-list', '--no-walk=unsorted', '--stdin', '--not', '--remotes'], shas.join('\n') + '\n');
  return new Set(out.split('\n').filter(Boolean));
}
