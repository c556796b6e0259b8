import type { CommandModule } from 'yargs';
import type { IngestResult } from '../../app/index.js';
import type { ReadThread } from '../../read-thread.js';
import { placeOf } from '../context.js';
import { bold, dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

export interface IngestArgs extends GlobalArgs, OutputArgs {
  source?: string | string[];
  paths?: string[];
  quiet?: boolean;
  _: (string | number)[];
}

export const ingestCommand: CommandModule<GlobalArgs, IngestArgs> = {
  command: 'ingest [paths..]',
  describe: 'Read AI chat transcripts (all detected sources, or the given files/directories) into the database',
  builder: (y) =>
    withJson(y)
      .positional('paths', { type: 'string', array: true, describe: 'transcript files or directories (default: every source found on this machine)' })
      // Not an array option: yargs would take the paths after `--source NAME` as more names. A
      // repeated --source still gives a list, and a comma-separated one is split below.
      .option('source', { type: 'string', requiresArg: true, describe: 'only this source (claude-code, codex, ...); repeatable or comma-separated' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing but errors' }) as never,
  handler: (args) => runIngest(args),
};

/**
 * `lore ingest`: called by yargs, or straight from the command line (fast-path.ts). `readThread`:
 * the read worker bin.ts started with the command, which a big ingest takes over.
 */
export async function runIngest(args: IngestArgs, readThread?: ReadThread): Promise<void> {
  const { ingestChats, offerReadThread } = await import('../../app/index.js');
  if (readThread) offerReadThread(readThread);
  const report = stderrReporter({ quiet: args.quiet });
  try {
    const result = await ingestChats(placeOf(args), { sources: sourceNames(args.source), paths: pathsOf(args) }, report);
    report.stop();
    if (args.json) printJson(result);
    else if (!args.quiet) renderIngest(result);
  } finally {
    report.stop();
  }
}

function sourceNames(source: string | string[] | undefined): string[] | undefined {
  if (source === undefined) return undefined;
  return [source].flat().flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** The positional paths, and those after `--` (a path starting with '-'), which yargs leaves in `_`. */
function pathsOf(args: IngestArgs): string[] | undefined {
  const paths = [...(args.paths ?? []), ...args._.slice(1).map(String)];
  return paths.length ? paths : undefined;
}

/** The per-source summary table, then why lines were skipped. */
export function renderIngest(result: IngestResult): void {
  const rows = result.sources.filter((s) => s.files > 0);
  if (rows.length === 0) {
    const where = result.paths?.length ? ` in ${result.paths.join(', ')}` : '';
    print(`no chat transcripts found${where} (looked for: ${result.lookedFor.join(', ')})`);
    if (where) print(dim('files are known by the names and folders each tool gives them; to read one kept elsewhere: lore ingest --source NAME PATH'));
    return;
  }
  const header = ['source', 'files', 'read', 'sessions', 'messages', 'edits', 'skipped', 'redacted', 'excluded'];
  const table = rows.map((s) => [
    s.source,
    String(s.files),
    String(s.filesRead),
    String(s.sessions),
    String(s.messages),
    String(s.edits),
    String(Object.values(s.skipped).reduce((a, b) => a + b, 0)),
    String(s.redactions),
    String(s.excluded),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  print(bold(line(header)));
  for (const r of table) print(line(r));
  for (const s of rows) {
    for (const [reason, n] of Object.entries(s.skipped)) print(dim(`${s.source}: skipped ${n} × ${reason}`));
  }
  print(dim(`${(result.durationMs / 1000).toFixed(1)}s; files not read were unchanged since the last ingest`));
}

/** One line for `lore index` / `lore init`: what the chat ingest stage did. */
export function chatsLine(result: IngestResult | undefined): string {
  if (!result) return 'chats: not read';
  const read = result.sources.filter((s) => s.sessions > 0 || s.messages > 0);
  if (read.length === 0) return `chats: nothing new (${result.sources.reduce((n, s) => n + s.files, 0)} transcript files unchanged)`;
  const sum = (k: 'sessions' | 'messages' | 'edits') => read.reduce((n, s) => n + s[k], 0);
  return `chats: ${sum('sessions')} session${sum('sessions') === 1 ? '' : 's'} updated (${sum('messages')} messages, ${sum('edits')} edits) from ${read.map((s) => s.source).join(', ')}`;
}
