import type { Reporter } from '../events.js';
import { learn as recordLearning, learnings as listLearnings, resolveTarget, type LearningInfo, type LearningsResult } from '../query/index.js';
import { catchUpRepo } from './catch-up.js';
import { openRepoContext, type Place } from './repo-context.js';
import type { QueryOptions } from './why.js';

/** `lore learn TEXT --file F...`: records a learning about files of the repository. */
export async function learn(place: Place, text: string, files: string[], category?: string): Promise<LearningInfo> {
  const ctx = await openRepoContext(place);
  try {
    const paths = files.map((f) => resolveTarget(f, place.cwd, ctx.repo.root).path);
    return recordLearning(ctx.db, ctx.repo.root, text, paths, category);
  } finally {
    ctx.db.close();
  }
}

/** `lore learnings [FILE]`: catches up (docs/solutions may have changed), then lists the learnings, stale ones flagged. */
export async function learnings(place: Place, file: string | undefined, report: Reporter, options: QueryOptions = {}): Promise<LearningsResult> {
  const ctx = await openRepoContext(place);
  try {
    if (options.catchUp !== false) await catchUpRepo(ctx, report, { chatsOfRepo: true });
    const path = file ? resolveTarget(file, place.cwd, ctx.repo.root).path : undefined;
    return listLearnings(ctx.db, ctx.repo.root, path);
  } finally {
    ctx.db.close();
  }
}
