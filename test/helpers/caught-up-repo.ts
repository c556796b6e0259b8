import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { catchUp } from '../../src/app/index.js';
import { openDb, type Db } from '../../src/db/index.js';
import { findRepo, type RepoInfo } from '../../src/git/index.js';
import { commit, gitRepo } from './git-repo.js';

/**
 * A real temp repository with one first commit of `files`, and a database (inside its .git)
 * caught up with it; the database is closed when the test finishes.
 */
export async function caughtUpRepo(files: Record<string, string>, date: string): Promise<{ dir: string; repo: RepoInfo; db: Db }> {
  const dir = gitRepo();
  commit(dir, files, 'initial', { date });
  const db = openDb(join(dir, '.git', 'test-lore.db'));
  onTestFinished(() => {
    db.close();
  });
  const repo = await findRepo(dir);
  await catchUp(db, repo);
  return { dir, repo, db };
}
