import type { IndexArgs } from './commands/index-cmd.js';
import type { WhyArgs } from './commands/why.js';

/**
 * The command lines users run most and wait on, parsed without yargs: loading and configuring
 * yargs with every command costs more than answering `lore why` (docs/performance.md, "Commands
 * and workers"). Anything else (help, completion, another command, an option a spec
 * does not name, a malformed line) returns undefined and goes to the full parser, which also owns
 * every usage error.
 */
interface FastSpec {
  command: string;
  /** Boolean options: the token as typed → the argument it sets. */
  flags: Record<string, string>;
  /** Names of the positional arguments after the command, all required. */
  positionals: string[];
}

/** `-C DIR` and `--db FILE`, accepted by every command (also as `-C=DIR`, `--db=FILE`). */
const GLOBAL_VALUED = /^(-C|--C|--db)(?:=(.*))?$/;

function fastArgs(argv: readonly string[], spec: FastSpec): Record<string, string | boolean> | undefined {
  const args: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const flag = Object.hasOwn(spec.flags, token) ? spec.flags[token] : undefined;
    if (flag) {
      args[flag] = true;
      continue;
    }
    const valued = GLOBAL_VALUED.exec(token);
    if (valued) {
      const value = valued[2] ?? argv[++i];
      if (value === undefined || value === '' || (valued[2] === undefined && value.startsWith('-'))) return undefined;
      args[valued[1] === '--db' ? 'db' : 'C'] = value;
      continue;
    }
    if (token.startsWith('-')) return undefined;
    positional.push(token);
  }
  if (positional.length !== spec.positionals.length + 1 || positional[0] !== spec.command) return undefined;
  spec.positionals.forEach((name, i) => (args[name] = positional[i + 1]!));
  return args;
}

/** `lore why TARGET [--json] [--all] [--evidence] [-C DIR] [--db FILE]`. */
export function fastWhyArgs(argv: readonly string[]): WhyArgs | undefined {
  return fastArgs(argv, { command: 'why', flags: { '--json': 'json', '--all': 'all', '--evidence': 'evidence' }, positionals: ['target'] }) as WhyArgs | undefined;
}

/** `lore index [--json] [--wait] [-q|--quiet] [-C DIR] [--db FILE]`. */
export function fastIndexArgs(argv: readonly string[]): IndexArgs | undefined {
  return fastArgs(argv, { command: 'index', flags: { '--json': 'json', '--wait': 'wait', '--quiet': 'quiet', '-q': 'quiet' }, positionals: [] }) as IndexArgs | undefined;
}

/** A command line the fast path answers: dist/fast.cjs runs it (src/cli/fast-main.ts). */
export type FastCommand = { command: 'why'; args: WhyArgs } | { command: 'index'; args: IndexArgs };

/** `lore why` or `lore index` as the functions above take them; undefined for anything else. */
export function fastCommand(argv: readonly string[]): FastCommand | undefined {
  const why = fastWhyArgs(argv);
  if (why) return { command: 'why', args: why };
  const index = fastIndexArgs(argv);
  return index && { command: 'index', args: index };
}
