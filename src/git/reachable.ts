import { getRepoState, isReachComputedFor, linkedWithoutPatchId, reachState, rewrittenShas, storePatchIds, storeUnreachable, type Db } from '../db/index.js';
import { computePatchIds } from './patch-id.js';
import type { RepoInfo } from './repo.js';
import { git } from './run.js';

/**
 * Records which stored commits HEAD no longer reaches (after an --amend, a rebase, a
 * `reset --hard`, a checkout of another branch), so `lore why` lists what `git log` lists. Done
 * once per HEAD: while HEAD stays, this is one lookup. When it moved, git walks only from the
 * commits that could have fallen out of reach (earlier heads and tips, rewritten commits, those
 * already out of reach, which may be back) down to where HEAD's history begins: a fast-forward
 * costs a walk of nothing.
 */
export async function updateReachable(db: Db, repo: RepoInfo, head: string): Promise<void> {
  if (isReachComputedFor(db, repo.root, head)) return;
  const state = reachState(db, repo.root);
  const candidates = new Set([...(state.head ? [state.head] : []), ...(getRepoState(db, repo.root)?.indexedTips ?? []), ...state.unreachable, ...rewrittenShas(db, repo.root)]);
  candidates.delete(head);
  let unreachable: string[] = [];
  if (candidates.size > 0) {
    // --ignore-missing: a rewritten commit git has since pruned is simply out of reach.
    const out = await git(repo.root, ['rev-list', '--ignore-missing', '--stdin', `^${head}`], [...candidates].join('\n') + '\n');
    unreachable = out.split('\n').filter((l) => l !== '');
  }
  storeUnreachable(db, repo.root, head, unreachable);
  // A linked commit that just fell out of reach may have been rewritten where no hook saw it: its
  // patch-id, if it has none yet (src/git/enrich.ts), lets the copy find its links. Its objects are
  // still there (reflog). Only commits with links: a branch switch costs a lookup per commit left
  // behind, and once the patch-ids of the linked ones among them.
  const known = new Set(state.unreachable);
  const lacking = linkedWithoutPatchId(db, repo.root, unreachable.filter((sha) => !known.has(sha)));
  if (lacking.length > 0) storePatchIds(db, repo.root, (await computePatchIds(repo.root, lacking)).results);
}
