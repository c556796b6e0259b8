#!/usr/bin/env node
// The executable. Kept tiny: `lore why`, `index`, `ingest`, `search` and `context --hook` go straight to their implementation, in
// one code-cached CommonJS bundle (dist/fast.cjs, see scripts/build.mjs); every other command line
// loads the full parser (src/cli/main.ts).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBlame } from './early-blame.js';
import { fastCommand } from './fast-path.js';
import { codeCacheDir } from '../config/cache-dir.js';
import { requireCached } from './require-cached.js';
import { startReadThread } from '../read-thread.js';

/** The content hash of dist/fast.cjs (scripts/build.mjs), which names its code caches. */
declare const __LORE_FAST_HASH__: string;

// `lore sessions | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

async function run(argv: string[]): Promise<void> {
  const fast = fastCommand(argv);
  if (fast) {
    const blame = fast.command === 'why' ? startBlame(fast.args.target, fast.args.C ?? process.cwd()) : undefined;
    const readThread = fast.command === 'ingest' ? earlyReadThread() : undefined;
    const bundle = fileURLToPath(new URL('fast.cjs', import.meta.url));
    // One cache per command: each holds the functions its own runs compiled.
    const cache = join(codeCacheDir(), `${fast.command}-${__LORE_FAST_HASH__}-${process.version}-${process.arch}.v8`);
    const fastModule = requireCached<typeof import('./fast-main.js')>(bundle, cache);
    process.exitCode = await fastModule.exports.fastMain(fast, { blame, readThread });
    if (process.exitCode === 0) fastModule.saveCache();
    return;
  }
  // By URL: this file is built as CommonJS (dist/cli.cjs), the rest of the CLI as ES modules.
  const { main } = (await import(new URL('main.js', import.meta.url).href)) as typeof import('./main.js');
  return main(argv);
}

/**
 * `lore ingest`'s read worker (src/ingest/off-thread.ts), started before lore loads so that the
 * thread's start overlaps the command's: a big ingest takes it over, any other lets it end. Not on
 * one core, where the ingest reads in its own thread.
 */
function earlyReadThread() {
  const script = fileURLToPath(new URL('ingest-worker.js', import.meta.url));
  return availableParallelism() >= 2 && existsSync(script) ? startReadThread(script) : undefined;
}

// Loaded only on failure: every chunk this file imports is one more module each `lore why` links.
run(process.argv.slice(2)).catch(async (err: unknown) => {
  const { reportError } = (await import(new URL('exit.js', import.meta.url).href)) as typeof import('./exit.js');
  process.exitCode = await reportError(err);
});
