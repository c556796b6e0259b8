// The entry of dist/fast.cjs, the bundle the command lines of src/cli/fast-path.ts run from
// (scripts/build.mjs). Each command's module is imported where it runs, so a command line loads
// only its own command and the application (in the CommonJS bundle an import() is a lazy init).
// The bundle holds its own copy of every module it uses, so its errors are only recognised by its
// own reportError: the error classes of the ESM chunks are other classes.
import { reportError } from './exit.js';
import type { GitOutput } from './early-blame.js';
import type { FastCommand } from './fast-path.js';
import type { ReadThread } from '../read-thread.js';

/**
 * Runs a command line fast-path.ts parsed and returns the exit code (a failure is reported on
 * stderr). What bin.ts started before loading this bundle: for `why FILE:LINE` the git blame
 * (early-blame.ts), for `ingest` the read worker.
 */
export async function fastMain(fast: FastCommand, early: { blame?: Promise<GitOutput>; readThread?: ReadThread } = {}): Promise<number> {
  try {
    if (fast.command === 'why') {
      const { runWhy } = await import('./commands/why.js');
      await runWhy(fast.args, early.blame);
    } else if (fast.command === 'search') {
      const { runSearch } = await import('./commands/search.js');
      await runSearch(fast.args);
    } else if (fast.command === 'context') {
      const { runContextHook } = await import('./commands/context.js');
      await runContextHook(fast.args);
    } else if (fast.command === 'ingest') {
      const { runIngest } = await import('./commands/ingest.js');
      await runIngest(fast.args, early.readThread);
    } else {
      const { runIndex } = await import('./commands/index-cmd.js');
      await runIndex(fast.args);
    }
    return 0;
  } catch (err) {
    return await reportError(err);
  }
}
