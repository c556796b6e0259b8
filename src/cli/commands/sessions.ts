import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { placeOf } from '../context.js';
import { bold, day, dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';

interface SessionsArgs extends GlobalArgs, OutputArgs {
  project?: string;
  source?: string;
  since?: string;
  limit?: number;
  all?: boolean;
}

export const sessionsCommand: CommandModule<GlobalArgs, SessionsArgs> = {
  command: 'sessions',
  describe: 'List the chat sessions lore has stored, most recent first',
  builder: (y) =>
    withJson(y)
      .option('project', { type: 'string', describe: 'only this repository (a path; "." for the current one)' })
      .option('source', { type: 'string', describe: 'only this source (claude-code, codex, ...)' })
      .option('since', { type: 'string', describe: 'only sessions active since a date (2026-01-31) or a span (7d, 2w, 12h)' })
      .option('limit', { type: 'number', default: 50, describe: 'at most this many (0: all)' })
      .option('all', { type: 'boolean', describe: 'also the sessions where nothing was typed (a tool started and left)' }) as never,
  handler: async (args) => {
    const { sessions } = await import('../../app/index.js');
    const since = args.since !== undefined ? parseSince(args.since) : undefined;
    const { project, sessions: rows, untyped } = await sessions(placeOf(args), { project: args.project, source: args.source, since, limit: args.limit ? args.limit : undefined, all: args.all });
    if (args.json) return printJson(rows);
    const hidden = untyped > 0 ? dim(`(${untyped} session${untyped === 1 ? '' : 's'} where nothing was typed not listed; --all lists them)`) : '';
    if (rows.length === 0) return print(hidden || (project || args.source || since ? 'no sessions match' : 'no sessions stored yet; run `lore ingest`'));
    // Ids differ in length (an Aider session's is `<hash>-<offset>`): pad them so the columns line up.
    const idWidth = Math.max(...rows.map((s) => shortId(s.id).length));
    for (const s of rows) {
      const when = s.lastMessageAt ?? s.createdAt;
      const edits = `${String(s.edits).padStart(4)} ${s.edits === 1 ? 'edit ' : 'edits'}`;
      print(
        `${bold(shortId(s.id).padEnd(idWidth))}  ${when ? day(when) : '          '}  ${(s.source ?? '').padEnd(11)} ${String(s.messages).padStart(5)} msg ${edits}  ${s.title ?? dim('(untitled)')}`,
      );
      if (!project) print(dim(`    ${s.projectPath || '(unknown project)'}`));
    }
    if (hidden) print(hidden);
  },
};

/** `claude-code:3fe1b6bc-dbd0-…` → `claude-code:3fe1b6bc`: enough for `lore show`, which takes prefixes. */
export function shortId(id: string): string {
  // Native ids are mostly UUIDs: their first 8 characters are unique enough; a subagent keeps its suffix.
  return id.replace(/^([\w-]+:)([0-9a-f]{8})[0-9a-f-]{28}/i, '$1$2');
}

/** An ISO date, or a span back from now: 30m, 12h, 7d, 2w. */
export function parseSince(text: string, now = Date.now()): string {
  const span = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  if (span) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[span[2] as 'm' | 'h' | 'd' | 'w'];
    return new Date(now - Number(span[1]) * unit).toISOString();
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--since ${text} is neither a date nor a span`, 'use a date like 2026-01-31 or a span like 7d, 12h, 2w');
  return new Date(t).toISOString();
}
