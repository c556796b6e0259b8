import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { SearchHit, SearchResult } from '../../app/index.js';
import { placeOf } from '../context.js';
import { bold, cyan, day, dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

/** What `lore search` runs on, from yargs or from src/cli/fast-path.ts. */
export interface SearchRunArgs extends GlobalArgs, OutputArgs {
  /** The query's words as typed (after `--` too). */
  words: string[];
  project?: string | string[];
  source?: string | string[];
  role?: string | string[];
  since?: string;
  until?: string;
  file?: string;
  kind?: string | string[];
  limit: number;
  mode: 'hybrid' | 'fts' | 'vector';
}

interface SearchArgs extends Omit<SearchRunArgs, 'words'> {
  query?: (string | number)[];
  _: (string | number)[];
}

export const searchCommand: CommandModule<GlobalArgs, SearchArgs> = {
  command: 'search [query..]',
  describe: 'Search chats, commits and learnings by words and by meaning (full text + vectors)',
  builder: (y) =>
    withJson(y)
      .positional('query', { type: 'string', array: true, describe: 'words to find; any characters are taken as text (after `--` too)' })
      .option('project', { type: 'string', describe: 'only this repository (path; `.` for the current one)' })
      .option('source', { type: 'string', describe: 'only this tool: claude-code, codex, git, ...' })
      .option('role', { type: 'string', describe: 'only messages with this role: user, assistant, system, tool' })
      .option('since', { type: 'string', describe: 'only items on or after this date (YYYY-MM-DD or ISO 8601)' })
      .option('until', { type: 'string', describe: 'only items on or before this date' })
      .option('file', { type: 'string', describe: 'only items linked to this file (edits, commits, relationships)' })
      .option('kind', { type: 'string', describe: 'only this kind of item: message, commit, learning' })
      .option('limit', { alias: 'n', type: 'number', default: 10, describe: 'how many hits' })
      .option('mode', { type: 'string', choices: ['hybrid', 'fts', 'vector'], default: 'hybrid', describe: 'ranking: both fused, full text only, vectors only' }) as never,
  // Words after `--` (for a query starting with '-') arrive in `_`, after the command name.
  handler: (args) => runSearch({ ...args, words: [...(args.query ?? []), ...args._.slice(1)].map(String) }),
};

/** Answers `lore search` (also reached without yargs, from src/cli/fast-path.ts). */
export async function runSearch(args: SearchRunArgs): Promise<void> {
  const { search } = await import('../../app/index.js');
  const query = args.words.join(' ');
  if (query.trim() === '') throw new UsageError('give the words to search for', 'lore search "why did we drop the ORM"');
  if (!Number.isInteger(args.limit) || args.limit < 1) throw new UsageError(`--limit must be a positive integer, not ${args.limit}`);
  const request = {
    query,
    limit: args.limit,
    mode: args.mode,
    ...(args.project ? { projects: list(args.project) } : {}),
    ...(args.source ? { sources: list(args.source) } : {}),
    ...(args.role ? { roles: oneOf(list(args.role), ['user', 'assistant', 'system', 'tool'], 'role') } : {}),
    ...(args.since ? { since: dateBound(args.since, 'since') } : {}),
    ...(args.until ? { until: dateBound(args.until, 'until') } : {}),
    ...(args.kind ? { kinds: oneOf(list(args.kind), ['message', 'commit', 'learning'] as const, 'kind') } : {}),
    ...(args.file ? { file: args.file } : {}),
  };
  const report = stderrReporter();
  try {
    const result = await search(placeOf(args), request, report);
    report.stop();
    if (result.vectors.status === 'model-changed') {
      process.stderr.write(
        `lore: the stored vectors were made by ${result.vectors.model}, but the configured model is ${result.vectors.current}; searching full text only.\nhint: run \`lore reindex --vectors\`\n`,
      );
    }
    if (args.json) printJson({ ...result, hits: result.hits.map((h) => ({ ...h, snippet: markers(h.snippet) })) });
    else renderSearch(result);
  } finally {
    report.stop();
  }
}

/** In --json, matches are wrapped in «guillemets». */
function markers(snippet: string): string {
  return snippet.replaceAll('\u0002', '«').replaceAll('\u0003', '»');
}

function renderSearch(r: SearchResult): void {
  if (r.empty) {
    print('nothing indexed yet: run `lore init` (or `lore index`) in a repository, or `lore watch`');
    return;
  }
  if (r.hits.length === 0) {
    print(`no matches for ${JSON.stringify(r.query)}`);
    return;
  }
  r.hits.forEach((h, i) => renderHit(h, i + 1));
}

function renderHit(h: SearchHit, n: number): void {
  const what = h.kind === 'commit' ? `commit ${h.sha?.slice(0, 10) ?? ''}` : h.kind === 'learning' ? 'learning' : `${h.role ?? 'message'}`;
  const where = h.kind === 'commit' ? (h.project ?? '') : (h.sessionTitle ?? h.sessionId ?? '');
  print(`${dim(`${n}.`)} ${cyan(what)}  ${h.date ? day(h.date) : '----------'}  ${h.tool ?? ''}  ${dim(where.slice(0, 70))}`);
  const snippet = h.snippet.replace(/\s+/g, ' ').replace(/\u0002([^\u0003]*)\u0003/g, (_, m: string) => bold(m));
  print(`   ${snippet}`);
  if (h.files.length > 0) print(`   ${dim(`files: ${h.files.join(', ')}`)}`);
  print(`   ${dim(h.id)}`);
}

/** A repeatable option, also comma-separated: --kind message,commit or --kind message --kind commit. */
function list(value: string | string[]): string[] {
  return [value].flat().flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
}

function oneOf<T extends string>(values: string[], allowed: readonly T[], name: string): T[] {
  for (const v of values) if (!allowed.includes(v as T)) throw new UsageError(`--${name} ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  return values as T[];
}

function dateBound(text: string, which: 'since' | 'until'): string {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dayOnly ? `${text}T${which === 'since' ? '00:00:00.000' : '23:59:59.999'}Z` : text);
  if (Number.isNaN(ms)) throw new UsageError(`--${which} ${JSON.stringify(text)} is not a date`, 'use YYYY-MM-DD or an ISO 8601 timestamp');
  return new Date(ms).toISOString();
}
