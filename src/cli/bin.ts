#!/usr/bin/env node
// The executable. Kept tiny: `lore why` and `lore index` go straight to their implementation; every other
// command line loads the full parser (src/cli/main.ts).
import { reportError } from './exit.js';
import { fastIndexArgs, fastWhyArgs } from './fast-path.js';

// `lore sessions | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

async function run(argv: string[]): Promise<void> {
  const why = fastWhyArgs(argv);
  if (why) {
    const { runWhy } = await import('./commands/why.js');
    return runWhy(why);
  }
  const index = fastIndexArgs(argv);
  if (index) {
    const { runIndex } = await import('./commands/index-cmd.js');
    return runIndex(index);
  }
  const { main } = await import('./main.js');
  return main(argv);
}

run(process.argv.slice(2)).catch((err: unknown) => {
  process.exitCode = reportError(err);
});
