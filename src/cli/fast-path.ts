import type { HookClient } from './commands/context.js';
import type { IndexArgs } from './commands/index-cmd.js';
import type { IngestArgs } from './commands/ingest.js';
import type { SearchRunArgs } from './commands/search.js';
import type { WhyArgs } from './commands/why.js';

/**
 * The command lines users (and their agents' hooks) run most and wait on, parsed without yargs: loading and configuring
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

/**
 * The value of an option a pattern matched (`--name=value`, its group 2, or the next token), or
 * undefined when it is missing, empty or looks like an option: the full parser reports those.
 */
function optionValue(match: RegExpExecArray, value: string | undefined): string | undefined {
  return value === undefined || value === '' || (match[2] === undefined && value.startsWith('-')) ? undefined : value;
}

/**
 * `--` at `argv[i]`: every token after it is a positional of `command`, which must have come
 * before it (else the line is not that command's). False when it had not.
 */
function takeRest(argv: readonly string[], i: number, positional: string[], command: string): boolean {
  if (positional[0] !== command) return false;
  positional.push(...argv.slice(i + 1));
  return true;
}

/** Stores a global option's value (GLOBAL_VALUED's `-C`/`--C` or `--db`) where every command reads it. */
function setGlobal(args: { C?: string; db?: string }, name: string, value: string): void {
  if (name === '--db') args.db = value;
  else args.C = value;
}

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
      const value = optionValue(valued, valued[2] ?? argv[++i]);
      if (value === undefined) return undefined;
      setGlobal(args as { C?: string; db?: string }, valued[1]!, value);
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

export interface ContextHookArgs {
  client: HookClient;
  maxChars?: number;
  C?: string;
  db?: string;
}

/** The agents `lore context --hook` answers (HOOK_CLIENTS in commands/context.ts, not imported: this file stays small). */
const HOOK_CLIENTS: readonly string[] = ['claude', 'codex', 'gemini'];

/**
 * `lore context --hook CLIENT [--max-chars N] [-C DIR] [--db FILE]`: an agent runs it before every
 * edit, so it answers from the code-cached bundle too.
 */
export function fastContextHookArgs(argv: readonly string[]): ContextHookArgs | undefined {
  if (argv[0] !== 'context') return undefined;
  const args: Partial<ContextHookArgs> = {};
  for (let i = 1; i < argv.length; i++) {
    const m = /^(--hook|--max-chars|-C|--C|--db)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) return undefined;
    const value = optionValue(m, m[2] ?? argv[++i]);
    if (value === undefined) return undefined;
    if (m[1] === '--hook') {
      if (!HOOK_CLIENTS.includes(value)) return undefined;
      args.client = value as HookClient;
    } else if (m[1] === '--max-chars') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 100) return undefined;
      args.maxChars = n;
    } else setGlobal(args, m[1]!, value);
  }
  return args.client ? (args as ContextHookArgs) : undefined;
}

/** `lore search`'s options that take a value: those a user may repeat (or comma-separate), and the others. */
const SEARCH_LISTS: Record<string, 'project' | 'source' | 'role' | 'kind'> = { '--project': 'project', '--source': 'source', '--role': 'role', '--kind': 'kind' };
const SEARCH_VALUED = /^(--project|--source|--role|--kind|--since|--until|--file|--limit|-n|--mode|-C|--C|--db)(?:=(.*))?$/;
const SEARCH_MODES: readonly string[] = ['hybrid', 'fts', 'vector'];

/**
 * `lore search WORDS... [--json] [--project P] [--source S] [--role R] [--kind K] [--since D]
 * [--until D] [--file F] [-n|--limit N] [--mode M] [-C DIR] [--db FILE] [-- WORDS...]`. A value
 * yargs would read otherwise (a repeated single option, a limit that is not a positive integer, a
 * mode it does not know, a word starting with `-` before `--`) leaves the line to the full parser.
 */
export function fastSearchArgs(argv: readonly string[]): SearchRunArgs | undefined {
  const args: Partial<SearchRunArgs> & Record<string, unknown> = { limit: 10, mode: 'hybrid' };
  const positional: string[] = [];
  const lists: Partial<Record<'project' | 'source' | 'role' | 'kind', string[]>> = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      if (!takeRest(argv, i, positional, 'search')) return undefined;
      break;
    }
    if (token === '--json') {
      args.json = true;
      continue;
    }
    const valued = SEARCH_VALUED.exec(token);
    if (valued) {
      const value = optionValue(valued, valued[2] ?? argv[++i]);
      if (value === undefined) return undefined;
      const name = valued[1]!;
      const list = SEARCH_LISTS[name];
      if (list) {
        (lists[list] ??= []).push(value);
        continue;
      }
      const key = name === '-n' || name === '--limit' ? 'limit' : name === '--C' ? '-C' : name;
      if (seen.has(key)) return undefined;
      seen.add(key);
      if (key === 'limit') {
        if (!/^[1-9][0-9]{0,8}$/.test(value)) return undefined;
        args.limit = Number(value);
      } else if (key === '--mode') {
        if (!SEARCH_MODES.includes(value)) return undefined;
        args.mode = value as SearchRunArgs['mode'];
      } else if (key === '-C') args.C = value;
      else args[key.slice(2)] = value;
      continue;
    }
    if (token.startsWith('-')) return undefined;
    positional.push(token);
  }
  if (positional[0] !== 'search' || positional.length < 2) return undefined;
  return { ...args, ...lists, words: positional.slice(1) } as SearchRunArgs;
}

/**
 * `lore ingest [PATHS...] [--source S]... [-q|--quiet] [--json] [-C DIR] [--db FILE] [-- PATHS...]`:
 * a big ingest starts its read worker sooner without yargs' start-up in front of it. Sources are
 * passed on as typed (repeated or comma-separated); an unknown one is the ingest's usage error,
 * as it is through yargs.
 */
export function fastIngestArgs(argv: readonly string[]): IngestArgs | undefined {
  const args: Partial<IngestArgs> = {};
  const positional: string[] = [];
  const sources: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      if (!takeRest(argv, i, positional, 'ingest')) return undefined;
      break;
    }
    if (token === '--json') args.json = true;
    else if (token === '-q' || token === '--quiet') args.quiet = true;
    else {
      const valued = /^(--source)(?:=(.*))?$/.exec(token) ?? GLOBAL_VALUED.exec(token);
      if (valued) {
        const value = optionValue(valued, valued[2] ?? argv[++i]);
        if (value === undefined) return undefined;
        if (valued[1] === '--source') sources.push(value);
        else setGlobal(args, valued[1]!, value);
      } else if (token.startsWith('-')) return undefined;
      else positional.push(token);
    }
  }
  if (positional[0] !== 'ingest') return undefined;
  const paths = positional.slice(1);
  return { ...args, ...(sources.length ? { source: sources } : {}), ...(paths.length ? { paths } : {}), _: ['ingest'] } as IngestArgs;
}

/** A command line the fast path answers: dist/fast.cjs runs it (src/cli/fast-main.ts). */
export type FastCommand =
  | { command: 'why'; args: WhyArgs }
  | { command: 'index'; args: IndexArgs }
  | { command: 'ingest'; args: IngestArgs }
  | { command: 'context'; args: ContextHookArgs }
  | { command: 'search'; args: SearchRunArgs };

/** `lore why`, `lore index`, `lore ingest`, `lore context --hook` or `lore search` as the functions above take them; undefined for anything else. */
export function fastCommand(argv: readonly string[]): FastCommand | undefined {
  const why = fastWhyArgs(argv);
  if (why) return { command: 'why', args: why };
  const hook = fastContextHookArgs(argv);
  if (hook) return { command: 'context', args: hook };
  const search = fastSearchArgs(argv);
  if (search) return { command: 'search', args: search };
  const ingest = fastIngestArgs(argv);
  if (ingest) return { command: 'ingest', args: ingest };
  const index = fastIndexArgs(argv);
  return index && { command: 'index', args: index };
}
