import { childProcess } from '../builtins.js';
import { git, gitEnv, isMissingObject, NO_FETCH_ENV } from './run.js';
import { skipUnreadable, type Pass, type Skipped } from './unreadable.js';

/**
 * Stable patch-ids (`git patch-id --stable`) for the given commits, so links survive a rebase or
 * squash done where no hook saw it. Merges, empty commits and pure renames get none, nor do
 * commits with a blob missing from the repository (listed in `unreadable`, skipUnreadable).
 */
export function computePatchIds(root: string, shas: string[], screen?: () => Promise<Set<string>>): Promise<Skipped<string>> {
  return skipUnreadable(shas, (some) => patchIdPass(root, some), screen);
}

function patchIdPass(root: string, shas: string[]): Promise<Pass<string>> {
  if (shas.length === 0) return Promise.resolve({ results: new Map(), last: undefined, stopped: false });
  return new Promise((resolve, reject) => {
    const env = { ...gitEnv(), ...NO_FETCH_ENV };
    const args = ['log', '-p', '--no-walk=unsorted', '--stdin', '--no-color', '--no-ext-diff', '--no-textconv', '--format=commit %H'];
    const log = childProcess().spawn('git', args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    log.stdin.on('error', () => {});
    log.stdin.end(shas.join('\n') + '\n');
    let stderr = '';
    log.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 10_000) stderr += d;
    });
    const logExit = new Promise<number | null>((done) => log.on('close', done));
    const pid = childProcess().spawn('git', ['patch-id', '--stable'], { cwd: root, env, stdio: ['pipe', 'pipe', 'ignore'] });
    log.stdout.pipe(pid.stdin);
    pid.stdin.on('error', () => {}); // patch-id may exit early on odd input; the result is then partial
    let out = '';
    pid.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    log.on('error', reject);
    pid.on('error', reject);
    pid.on('close', () => {
      void logExit.then((code) => {
        // Any other failure (log cut off when patch-id exits early) leaves a partial result, as ever.
        const stopped = code !== 0 && isMissingObject(stderr);
        // patch-id prints one line per commit with a diff, in log's order: the last one is where a
        // log that stopped was (its id, of a partial diff, is dropped by skipUnreadable).
        const ids = new Map<string, string>();
        let last: string | undefined;
        for (const line of out.split('\n')) {
          const [patchId, sha] = line.split(' ');
          if (patchId && sha) {
            ids.set(sha, patchId);
            last = sha;
          }
        }
        resolve({ results: ids, last, stopped });
      });
    });
  });
}

/**
 * Of `shas`, the commits no remote-tracking branch contains yet, and whether the repository has
 * remote-tracking branches at all (without them, every commit is unpublished; not asked, and
 * false, when `shas` is empty). Only unpublished commits can still be rebased or amended without
 * rewriting what others have.
 */
export async function unpublishedCommits(root: string, shas: string[]): Promise<{ unpublished: Set<string>; remotes: boolean }> {
  // Nothing to ask about (a catch-up of recent commits): no git process.
  if (shas.length === 0) return { unpublished: new Set(), remotes: false };
  const remotes = (await git(root, ['for-each-ref', '--count=1', '--format=%(refname)', 'refs/remotes/'])).trim() !== '';
  if (!remotes) return { unpublished: new Set(shas), remotes };
  // --no-walk: filter the given commits, not their ancestry.
  const out = await git(root, ['rev-list', '--no-walk=unsorted', '--stdin', '--not', '--remotes'], shas.join('\n') + '\n', NO_FETCH_ENV);
  return { unpublished: new Set(out.split('\n').filter(Boolean)), remotes };
}
