#!/usr/bin/env node
// The executable. Kept tiny: `lore why` and `lore index` go straight to their implementation (why's
// as one code-cached bundle, see scripts/build.mjs); every other command line loads the full parser
// (src/cli/main.ts).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fastIndexArgs, fastWhyArgs } from './fast-path.js';
import { codeCacheDir, requireCached } from './require-cached.js';

/** The content hash of dist/why.cjs (scripts/build.mjs), which names its code cache. */
declare const __LORE_WHY_HASH__: string;

// `lore sessions | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

async function run(argv: string[]): Promise<void> {
  const why = fastWhyArgs(argv);
  if (why) {
    const bundle = fileURLToPath(new URL('why.cjs', import.meta.url));
    const cache = join(codeCacheDir(), `why-${__LORE_WHY_HASH__}-${process.version}-${process.arch}.v8`);
    const whyModule = requireCached<typeof import('./why-main.js')>(bundle, cache);
    process.exitCode = await whyModule.exports.whyMain(why);
    if (process.exitCode === 0) whyModule.saveCache();
    return;
  }
  const index = fastIndexArgs(argv);
  if (index) {
    const { runIndex } = await import('./commands/index-cmd.js');
    return runIndex(index);
  }
  const { main } = await import('./main.js');
  return main(argv);
}

// Loaded only on failure: every chunk this file imports is one more module each `lore why` links.
run(process.argv.slice(2)).catch(async (err: unknown) => {
  const { reportError } = await import('./exit.js');
  process.exitCode = reportError(err);
});
