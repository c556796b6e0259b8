import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * End-to-end tests spawn dist/cli.cjs: build it once if `vitest` runs without `npm test`.
 * Every temp directory of the run (tests', and the CLIs' they start) goes under one directory,
 * removed at the end: a full run makes thousands of repositories and databases, and left in
 * /tmp they filled the disk over a day of runs. LORE_KEEP_TMP=1 keeps them for a post-mortem.
 */
export default function setup(): () => void {
  if (!existsSync('dist/cli.cjs') || process.env.LORE_TEST_REBUILD) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  const run = mkdtempSync(join(tmpdir(), 'lore-test-run-'));
  process.env.TMPDIR = run;
  return () => {
    if (process.env.LORE_KEEP_TMP) process.stderr.write(`lore tests: temp files kept in ${run}\n`);
    else {
      // A detached worker a test started may still be writing there (ENOTEMPTY): retried, and
      // if it still fails, said, since a leftover directory is no failure of the tests.
      try {
        rmSync(run, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (err) {
        process.stderr.write(`lore tests: could not remove ${run}: ${(err as Error).message}\n`);
      }
    }
  };
}
