import type { WhyArgs } from './commands/why.js';

/**
 * `lore why TARGET [--json] [--all] [--evidence] [-C DIR] [--db FILE]`, the command users run
 * most and wait on, parsed without yargs: loading and configuring yargs with every command costs
 * more than answering. Anything else (help, completion, another command, an option this parser
 * does not know, a malformed line) returns undefined and goes to the full parser, which also
 * owns every usage error.
 */
export function fastWhyArgs(argv: readonly string[]): WhyArgs | undefined {
  const args: Partial<WhyArgs> & { _?: never } = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--json' || token === '--all' || token === '--evidence') {
      args[token.slice(2) as 'json' | 'all' | 'evidence'] = true;
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
  if (positional.length !== 2 || positional[0] !== 'why') return undefined;
  return { ...args, target: positional[1]! } as WhyArgs;
}
