import type { IndexArgs } from './commands/index-cmd.js';

/**
 * `lore index [--json] [--wait] [-q|--quiet] [-C DIR] [--db FILE]` parsed without yargs (as
 * `lore why` is, fast-path.ts): loading and configuring yargs with every command costs ~30 ms of
 * CPU, a tenth of a 10,000-commit backfill. Anything else (help, another option, a malformed
 * line) returns undefined and goes to the full parser, which owns every usage error.
 */
export function fastIndexArgs(argv: readonly string[]): IndexArgs | undefined {
  const args: Partial<IndexArgs> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--json' || token === '--wait' || token === '--quiet') {
      args[token.slice(2) as 'json' | 'wait' | 'quiet'] = true;
      continue;
    }
    if (token === '-q') {
      args.quiet = true;
      continue;
    }
    const valued = /^(-C|--C|--db)(?:=(.*))?$/.exec(token);
    if (valued) {
      const value = valued[2] ?? argv[++i];
      if (value === undefined || value === '' || (valued[2] === undefined && value.startsWith('-'))) return undefined;
      if (valued[1] === '--db') args.db = value;
      else args.C = value;
      continue;
    }
    if (token.startsWith('-')) return undefined;
    positional.push(token);
  }
  if (positional.length !== 1 || positional[0] !== 'index') return undefined;
  return args as IndexArgs;
}
