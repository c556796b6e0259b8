import type { CommandModule } from 'yargs';
import type { StoredEdit, StoredMessage } from '../../app/index.js';
import { placeOf } from '../context.js';
import { bold, cyan, dim, green, print, printJson, withJson, yellow, type GlobalArgs, type OutputArgs } from '../output.js';

interface ShowArgs extends GlobalArgs, OutputArgs {
  session: string;
  full?: boolean;
}

export const showCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show <session>',
  describe: 'Print a stored chat session as a readable transcript, its file edits marked',
  builder: (y) =>
    withJson(y)
      .positional('session', { type: 'string', demandOption: true, describe: 'session id or a unique prefix (from `lore sessions`)' })
      .option('full', { type: 'boolean', describe: 'print tool output and thinking in full' }) as never,
  handler: async (args) => {
    const { showSession } = await import('../../app/index.js');
    const { session, messages, edits } = await showSession(placeOf(args), args.session);
    if (args.json) return printJson({ session, messages, edits });
    print(bold(session.title ?? '(untitled)'));
    print(dim(`${session.id}  ${session.source ?? ''}  ${session.projectPath}`));
    print(dim(`${session.createdAt ?? '?'} → ${session.lastMessageAt ?? '?'}   ${messages.length} messages, ${edits.length} edits`));
    const byMessage = new Map<string, StoredEdit[]>();
    for (const e of edits) byMessage.set(e.messageId ?? '', [...(byMessage.get(e.messageId ?? '') ?? []), e]);
    for (const m of messages) {
      // Nothing to show (a whitespace-only text block stored before this was dropped at ingest).
      if (!m.content.trim() && !byMessage.has(m.id)) continue;
      renderMessage({ ...m, content: tidy(m.content) }, args.full ?? false);
      for (const e of byMessage.get(m.id) ?? []) renderEdit(e);
      byMessage.delete(m.id);
    }
    for (const rest of byMessage.values()) for (const e of rest) renderEdit(e);
  },
};

function renderMessage(m: StoredMessage, full: boolean): void {
  const kind = String(m.metadata.kind ?? '');
  const time = m.createdAt ? dim(m.createdAt.slice(11, 19)) + ' ' : '';
  print();
  if (kind === 'prompt') {
    print(`${time}${bold(cyan('you'))}`);
    print(indent(m.content));
  } else if (m.role === 'assistant') {
    print(`${time}${bold('assistant')}${kind === 'thinking' ? dim(' (thinking)') : ''}`);
    print(indent(kind === 'thinking' && !full ? clip(m.content, 5) : m.content));
    if (full && typeof m.metadata.thinking === 'string') print(dim(indent(`(thinking) ${m.metadata.thinking}`)));
  } else if (kind === 'tool_result') {
    print(`${time}${dim(`tool result${m.metadata.tool ? ` (${String(m.metadata.tool)})` : ''}${m.metadata.isError ? ' — error' : ''}`)}`);
    print(dim(indent(full ? m.content : clip(m.content, 3))));
  } else {
    print(`${time}${dim(m.role + (kind ? ` (${kind})` : ''))}`);
    print(dim(indent(full ? m.content : clip(m.content, 3))));
  }
}

function renderEdit(e: StoredEdit): void {
  const lines = (t: string | null) => (t ? t.split('\n').length : 0);
  const failed = e.metadata.failed === true;
  const mark = failed ? yellow('✗ edit rejected') : green('✎ edit');
  print(`  ${mark} ${bold(e.path)} ${dim(`(${e.tool}, -${lines(e.oldText)} +${lines(e.newText)} lines)`)}`);
}

/** Without the blank lines around the text (inside it they may be code's). */
function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
}

function clip(text: string, maxLines: number): string {
  const lines = text.split('\n');
  return lines.length <= maxLines ? text : `${lines.slice(0, maxLines).join('\n')}\n… (${lines.length - maxLines} more lines; --full)`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
