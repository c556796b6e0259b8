import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultHookPaths, type HookPaths } from '../../src/git/index.js';

/** Hook paths whose worker is a no-op script: tests read the queue and run catchUp themselves. */
export function quietPaths(): HookPaths {
  const dir = mkdtempSync(join(tmpdir(), 'lore-worker-'));
  const worker = join(dir, 'noop-worker.js');
  writeFileSync(worker, '// does nothing\n');
  return { ...defaultHookPaths(), worker };
}

/** The events lore's hooks queued in `repo` (one line each), oldest first. */
export function queueOf(repo: string): string[] {
  const path = join(repo, '.git/lore/queue');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
}
