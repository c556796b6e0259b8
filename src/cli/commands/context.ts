import type { CommandModule } from 'yargs';
import type { ContextResult, FileContext } from '../../app/index.js';
import { UsageError } from '../../errors.js';
import { placeOf } from '../context.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';

/** The agents whose hooks can hand lore's context to the model (docs: README, "Hooking lore into an agent"). */
export const HOOK_CLIENTS = ['claude', 'codex', 'gemini'] as const;
export type HookClient = (typeof HOOK_CLIENTS)[number];

interface ContextArgs extends GlobalArgs, OutputArgs {
  files?: string[];
  'max-chars': number;
  hook?: HookClient;
  'print-hook'?: HookClient | 'cursor';
}

/** What a hook hands the model by default: a few lines per file, not a page. */
export const DEFAULT_MAX_CHARS = 2000;

export const contextCommand: CommandModule<GlobalArgs, ContextArgs> = {
  command: 'context [files..]',
  describe: 'What an agent should know before changing FILE: its origin request, the last requests that changed it, active learnings and decisions, its importers',
  builder: (y) =>
    withJson(y)
      .positional('files', { type: 'string', array: true, describe: 'files of this repository' })
      .option('max-chars', { type: 'number', default: DEFAULT_MAX_CHARS, describe: 'at most this many characters, most relevant first' })
      .option('hook', { type: 'string', choices: HOOK_CLIENTS, describe: "run as the agent's hook: read its hook JSON on stdin, answer in its format" })
      .option('print-hook', { type: 'string', choices: [...HOOK_CLIENTS, 'cursor'], describe: 'print the hook configuration for an agent (lore edits none)' }) as never,
  handler: async (args) => {
    if (args['print-hook']) return void process.stdout.write(hookRecipe(args['print-hook']));
    if (args.hook) return runContextHook({ client: args.hook, maxChars: args['max-chars'], ...(args.C ? { C: args.C } : {}), ...(args.db ? { db: args.db } : {}) });
    const files = (args.files ?? []).map(String);
    if (files.length === 0) throw new UsageError('name the files to give context for', 'lore context src/a.ts [src/b.ts ...]');
    if (!Number.isInteger(args['max-chars']) || args['max-chars'] < 100) throw new UsageError(`--max-chars must be a whole number ≥ 100, got ${args['max-chars']}`);
    const { fileContext } = await import('../../app/index.js');
    const r = await fileContext(placeOf(args), files);
    if (args.json) return printJson(r);
    if (!r.indexed) return print('nothing indexed yet: run `lore init` in this repository');
    print(renderContext(r.files, args['max-chars']));
  },
};

const oneLine = (text: string, max: number): string => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};
const day = (iso: string): string => iso.slice(0, 10);
const from = (tool: string | null, date: string): string => `${tool ?? 'chat'}, ${day(date)}`;

/**
 * The context of each file within `maxChars`: every file's one-line summary first, then, across the
 * files, the origin requests, the learnings that still hold, the decisions, and the newest requests
 * that changed them, as long as they fit. Lines stay grouped by file.
 */
export function renderContext(files: FileContext[], maxChars: number): string {
  const known = files.filter((f) => f.known);
  const unknown = files.filter((f) => !f.known);
  const tiers: { file: number; line: string }[][] = [[], [], [], [], []];
  known.forEach((f, i) => {
    tiers[0]!.push({ file: i, line: `${f.file}: ${f.summary}` });
    const origin = f.origin?.request;
    if (origin) tiers[1]!.push({ file: i, line: `  created for: "${oneLine(origin.text, 300)}" (${from(origin.tool, origin.date)})` });
    for (const l of f.learnings) tiers[2]!.push({ file: i, line: `  learning [${l.category}]: ${oneLine(l.content, 300)}` });
    for (const d of f.decisions) tiers[3]!.push({ file: i, line: `  decision (${day(d.date)}): "${oneLine(d.sentence, 240)}"` });
    for (const q of f.requests.slice(0, 5)) tiers[4]!.push({ file: i, line: `  changed for: "${oneLine(q.text, 200)}" (${from(q.tool, q.date)})` });
  });
  const kept: string[][] = known.map(() => []);
  let left = maxChars;
  let dropped = false;
  for (const tier of tiers) {
    for (const item of tier) {
      if (item.line.length + 1 > left) {
        dropped = true;
        continue;
      }
      kept[item.file]!.push(item.line);
      left -= item.line.length + 1;
    }
  }
  const out = kept.filter((lines) => lines.length > 0).flat();
  const none = unknown.length > 0 ? `no history in lore: ${unknown.map((f) => f.file).join(', ')}` : '';
  if (none && none.length + 1 <= left) {
    out.push(none);
    left -= none.length + 1;
  }
  const more = '(more: lore why FILE)';
  if (dropped && more.length + 1 <= left) out.push(more);
  return out.join('\n');
}

/** The file paths a hook's tool call is about to change, from each agent's hook input. */
export function hookTargets(client: HookClient, input: Record<string, unknown>): string[] {
  const toolInput = (input.tool_input ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? [v] : []);
  if (client === 'codex') {
    // apply_patch sends the patch: its `*** Add/Update/Delete File: PATH` headers name the files.
    const patch = [toolInput.command, toolInput.patch, toolInput.input].find((v) => typeof v === 'string') as string | undefined;
    if (!patch) return [];
    return [...new Set([...patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((m) => m[1]!.trim()))];
  }
  if (client === 'gemini') return str(toolInput.file_path ?? toolInput.absolute_path ?? toolInput.path);
  return str(toolInput.file_path ?? toolInput.notebook_path);
}

/** The hook's answer, in the shape each agent reads back (empty: nothing to add). */
export function hookOutput(client: HookClient, context: string): string {
  if (context === '') return '';
  const text = `lore: what is known about the file(s) this change touches (the requests that shaped them, rules that apply):\n${context}`;
  if (client === 'gemini') return JSON.stringify({ hookSpecificOutput: { additionalContext: text } });
  return JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: text } });
}

/**
 * `lore context --hook CLIENT`: the agent's hook. It must never stand in the way of an edit: any
 * failure (no repository, no database, a file outside the repository, bad input) ends it silently
 * with exit 0, so the edit goes ahead without context.
 */
export async function runContextHook(args: { client: HookClient; maxChars?: number; C?: string; db?: string }): Promise<void> {
  try {
    const raw = await readStdin();
    const input = JSON.parse(raw) as Record<string, unknown>;
    const cwd = args.C ?? (typeof input.cwd === 'string' && input.cwd !== '' ? input.cwd : process.cwd());
    const files = hookTargets(args.client, input);
    if (files.length === 0) return;
    const { fileContext } = await import('../../app/index.js');
    const r = await fileContext({ cwd, ...(args.db ? { db: args.db } : {}), env: process.env }, files);
    if (!r.indexed) return;
    const out = hookOutput(args.client, renderContext(r.files.filter((f) => f.known), args.maxChars ?? DEFAULT_MAX_CHARS));
    // JSON escapes every control character in the data: nothing reaches a terminal raw.
    if (out) process.stdout.write(`${out}\n`);
  } catch {
    // The edit goes ahead without lore's context.
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (data += chunk));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

/** The hook configuration for each agent, from its documentation; lore installs none of them. */
export function hookRecipe(client: HookClient | 'cursor'): string {
  const json = (value: object): string => `${JSON.stringify(value, null, 2)}\n`;
  switch (client) {
    case 'claude':
      // Claude Code: .claude/settings.json (this project) or ~/.claude/settings.json; timeout in seconds.
      return json({ hooks: { PreToolUse: [{ matcher: 'Edit|Write|MultiEdit', hooks: [{ type: 'command', command: 'lore context --hook claude', timeout: 10 }] }] } });
    case 'codex':
      // Codex: ~/.codex/hooks.json or .codex/hooks.json; apply_patch is its edit tool.
      return json({ hooks: { PreToolUse: [{ matcher: 'apply_patch', hooks: [{ type: 'command', command: 'lore context --hook codex' }] }] } });
    case 'gemini':
      // Gemini CLI's BeforeTool cannot add context; AfterTool can, to a read the model makes before it edits.
      return json({ hooks: { AfterTool: [{ matcher: 'read_file', hooks: [{ name: 'lore-context', type: 'command', command: 'lore context --hook gemini', timeout: 10000 }] }] } });
    case 'cursor':
      return [
        "Cursor's hooks cannot add context before an edit (preToolUse answers allow/deny; only sessionStart",
        "and postToolUse add context), so lore has no hook for Cursor: give Cursor's agent lore's MCP server:",
        '  lore mcp --print-config cursor > .cursor/mcp.json',
        '',
      ].join('\n');
  }
}
