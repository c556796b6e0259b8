// The entry of dist/why.cjs, the bundle `lore why` runs from (scripts/build.mjs). The bundle holds
// its own copy of every module it uses, so its errors are only recognised by its own reportError:
// the error classes of the ESM chunks are other classes.
import { runWhy, type WhyArgs } from './commands/why.js';
import { reportError } from './exit.js';

/** Answers `lore why` and returns the exit code (a failure is reported on stderr). */
export async function whyMain(args: WhyArgs): Promise<number> {
  try {
    await runWhy(args);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
