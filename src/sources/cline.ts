import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type ForeignStore, openForeignStore } from '../db/index.js';
import { isRecord, parseJson, previousStamp, stampOf, str, wholeFileCursor } from './file-state.js';
import { parseSearchReplace } from './patch-text.js';
import type { Cursor, MessageRecord, SourceAdapter, SourceEnv, SourceRecord } from './types.js';
import { isDir, isFile, listDir, toIso, unique, VSCODE_ENV, vscodeUserDirs } from './vscode-paths.js';
import { childPath } from './walk.js';

/**
 * Cline, Roo Code and Kilo Code (docs/sources.md): one dir per task,
 * `<globalStorage>/<extension id>/tasks/<taskId>/`, every file rewritten whole (often mid-stream, so
 * a half-written file is a skip until it changes). The transcript comes from `ui_messages.json`
 * (a timestamp on every entry), else `api_conversation_history.json`. The cwd is only in the task
 * history index: `state/taskHistory.json` (newer Cline), `history_item.json` / `tasks/_index.json`
 * (Roo), or the `taskHistory` of the extension's entry in VS Code's global `state.vscdb` (older Cline).
 */

const EXTENSIONS: Record<string, string> = {
  'saoudrizwan.claude-dev': 'cline',
  'rooveterinaryinc.roo-cline': 'roo',
  'kilocode.kilo-code': 'kilo',
};
const APPS = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'];

/** ui_messages tool kinds that change a file (Cline ClineSayTool, Roo's additions). */
const UI_EDIT_TOOLS = new Set(['editedExistingFile', 'newFileCreated', 'fileDeleted', 'appliedDiff', 'insertContent', 'searchAndReplace']);
/** API tool names that change a file (git-ai classify_tool(Agent::Cline), Roo's apply_diff family). */
const API_EDIT_TOOLS = new Set(['write_to_file', 'replace_in_file', 'apply_patch', 'apply_diff', 'insert_content', 'search_and_replace', 'new_rule']);
/** ui `say` kinds that are bookkeeping, not conversation. */
const QUIET_SAYS = new Set([
  'api_req_started',
  'api_req_finished',
  'api_req_retried',
  'api_req_deleted',
  'checkpoint_created',
  'shell_integration_warning',
  'browser_action_launch',
  'browser_action_result',
  'mcp_server_request_started',
  'deleted_api_reqs',
  'clineignore_error',
  'diff_error',
  'load_mcp_documentation',
  'info',
  'task_progress',
  'condense_context',
  'hook_status',
]);

export const cline: SourceAdapter = {
  id: 'cline',
  name: 'Cline / Roo Code',
  envOverrides: ['CLINE_DATA_DIR', 'CLINE_DIR', ...VSCODE_ENV],
  watchRoots: (senv) => tasksDirs(senv).map((path) => ({ path, depth: 2 })),
  watchedFiles: /\.json$/,
  async locate(senv) {
    // The transcript file stands for its task: Cline rewrites it in place on every change (the
    // task dir's own mtime would not move), so the ingest's stat check sees each update.
    const found: string[] = [];
    for (const tasks of tasksDirs(senv)) {
      for (const id of listDir(tasks)) {
        const file = ['ui_messages.json', 'api_conversation_history.json'].map((f) => join(tasks, id, f)).find(isFile);
        if (!id.startsWith('_') && file) found.push(file);
      }
    }
    return found;
  },
  matches(path) {
    const parts = path.split(/[\\/]+/).filter(Boolean);
    if (parts.at(-2) === 'tasks') return true;
    return parts.at(-3) === 'tasks' && ['ui_messages.json', 'api_conversation_history.json'].includes(parts.at(-1) ?? '');
  },
  read(file, from) {
    // A file inside the task dir stands for its task.
    return readTask(isDir(file) ? file : dirname(file), from);
  },
};

/** `tasks/` of each editor's extension storage and of the CLI's data dirs: `tasks/<taskId>/<file>.json`. */
function tasksDirs(senv: SourceEnv): string[] {
  const extensionDirs = vscodeUserDirs(senv, APPS).flatMap((user) => Object.keys(EXTENSIONS).map((ext) => childPath(user, 'globalStorage', ext, 'tasks')));
  return unique([...extensionDirs, ...clineDataDirs(senv).map((root) => join(root, 'tasks'))]);
}

/** Cline CLI/SDK data dir (cline legacy-state-reader.ts::resolveDataDir). */
function clineDataDirs({ env, home }: SourceEnv): string[] {
  const dirs: string[] = [];
  if (env.CLINE_DATA_DIR) dirs.push(env.CLINE_DATA_DIR);
  if (env.CLINE_DIR) dirs.push(join(env.CLINE_DIR, 'data'));
  dirs.push(join(home, '.cline', 'data'));
  return dirs;
}

/** `cline`, `roo` or `kilo` from the extension dir the task lives in. */
function toolOf(extDir: string): string {
  return EXTENSIONS[basename(extDir).toLowerCase()] ?? 'cline';
}

interface HistoryItem {
  cwd?: string;
  task?: string;
  ts?: number;
  modelId?: string;
}

function readJson(path: string): { ok: true; value: unknown } | { ok: false; error: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : { ok: false, error: `unreadable (${code ?? String(err)})` };
  }
  const parsed = parseJson(text);
  return parsed.ok ? parsed : { ok: false, error: `bad JSON (${parsed.error})` };
}

function toHistoryItem(v: Record<string, unknown>): HistoryItem {
  const ws = Array.isArray(v.workspaceIds) ? str(v.workspaceIds[0]) : undefined;
  return {
    cwd: str(v.cwdOnTaskInitialization) ?? str(v.workspace) ?? ws ?? str(v.shadowGitConfigWorkTree),
    task: str(v.task),
    ts: typeof v.ts === 'number' ? v.ts : undefined,
    modelId: str(v.modelId),
  };
}

/** The task's entry in whichever history index exists. */
function findHistoryItem(taskDir: string, taskId: string): HistoryItem | undefined {
  const extDir = dirname(dirname(taskDir));
  const own = readJson(join(taskDir, 'history_item.json'));
  if (own?.ok && isRecord(own.value)) return toHistoryItem(own.value);
  for (const index of [join(extDir, 'state', 'taskHistory.json'), join(extDir, 'tasks', '_index.json')]) {
    const parsed = readJson(index);
    if (parsed?.ok) {
      const hit = findById(parsed.value, taskId);
      if (hit) return toHistoryItem(hit);
    }
  }
  // Older Cline: VS Code globalState, i.e. the extension's key in the User dir's global state.vscdb.
  const vscdb = join(dirname(extDir), 'state.vscdb');
  if (!isFile(vscdb)) return undefined;
  let store: ForeignStore | undefined;
  try {
    store = openForeignStore(vscdb);
    const raw = store.all<{ value: unknown }>('SELECT value FROM ItemTable WHERE key = ?', [basename(extDir)])[0]?.value;
    const parsed = parseJson(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw ?? ''));
    const hit = parsed.ok && isRecord(parsed.value) ? findById(parsed.value.taskHistory, taskId) : undefined;
    return hit && toHistoryItem(hit);
  } catch {
    return undefined;
  } finally {
    store?.close();
  }
}

/** An object with `id === taskId` in an array, an object of arrays, or a map keyed by id. */
function findById(value: unknown, taskId: string): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return value.find((v): v is Record<string, unknown> => isRecord(v) && v.id === taskId);
  if (!isRecord(value)) return undefined;
  if (isRecord(value[taskId])) return value[taskId] as Record<string, unknown>;
  for (const v of Object.values(value)) {
    if (Array.isArray(v)) {
      const hit = findById(v, taskId);
      if (hit) return hit;
    }
  }
  return undefined;
}

async function* readTask(taskDir: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const taskId = basename(taskDir);
  const extDir = dirname(dirname(taskDir));
  const files = ['ui_messages.json', 'api_conversation_history.json', 'history_item.json'].map((f) => join(taskDir, f));
  const indexes = [join(extDir, 'state', 'taskHistory.json'), join(extDir, 'tasks', '_index.json'), join(dirname(extDir), 'state.vscdb')];
  const stamp = stampOf([...files, ...indexes]);
  if (previousStamp(from) === stamp) {
    yield { kind: 'checkpoint', cursor: from! };
    return;
  }
  const tool = toolOf(extDir);
  const sessionId = `${tool}:${taskId}`;
  const history = findHistoryItem(taskDir, taskId);
  const ui = readJson(files[0]!);
  const api = ui?.ok && Array.isArray(ui.value) ? undefined : readJson(files[1]!);
  if (ui && !ui.ok) yield { kind: 'skip', reason: `${files[0]}: ${ui.error}` };
  if (api && !api.ok) yield { kind: 'skip', reason: `${files[1]}: ${api.error}` };
  if (ui?.ok && !Array.isArray(ui.value)) yield { kind: 'skip', reason: `${files[0]}: not a JSON array` };
  const uiMessages = ui?.ok && Array.isArray(ui.value) ? ui.value : undefined;
  const apiMessages = api?.ok && Array.isArray(api.value) ? api.value : undefined;
  if (!uiMessages && !apiMessages) {
    if (!ui && !api) yield { kind: 'skip', reason: `${taskDir}: no ui_messages.json or api_conversation_history.json` };
    // A half-written file: keep the old cursor so the task is read again when it changes.
    return;
  }
  const firstUi = uiMessages?.find((m): m is Record<string, unknown> => isRecord(m) && m.say === 'task');
  yield {
    kind: 'session',
    session: {
      id: sessionId,
      source: 'cline',
      cwd: history?.cwd,
      title: history?.task ?? str(firstUi?.text),
      createdAt: toIso(firstUi?.ts) ?? toIso(history?.ts) ?? (/^\d{12,}$/.test(taskId) ? toIso(Number(taskId)) : undefined),
      metadata: { extension: basename(extDir), model: history?.modelId, transcript: uiMessages ? 'ui_messages' : 'api_conversation_history' },
    },
  };
  if (uiMessages) yield* mapUiMessages(sessionId, uiMessages, history?.cwd);
  else yield* mapApiMessages(sessionId, apiMessages!, history?.cwd);
  yield { kind: 'checkpoint', cursor: wholeFileCursor(join(taskDir, uiMessages ? 'ui_messages.json' : 'api_conversation_history.json'), stamp) };
}

function message(m: MessageRecord): SourceRecord {
  return { kind: 'message', message: m };
}

/** The user-visible text of an ask whose text is JSON ({question}, {response}) or plain. */
function askText(text: string): string {
  const parsed = parseJson(text);
  if (parsed.ok && isRecord(parsed.value)) return str(parsed.value.question) ?? str(parsed.value.response) ?? text;
  return text;
}

function* mapUiMessages(sessionId: string, list: unknown[], cwd: string | undefined): Generator<SourceRecord> {
  const used = new Map<string, number>();
  let promptId: string | undefined;
  for (const [index, m] of list.entries()) {
    if (!isRecord(m)) {
      yield { kind: 'skip', reason: `ui message ${index}: not an object` };
      continue;
    }
    if (m.partial === true) continue; // a streaming fragment; the final entry follows
    const type = m.type;
    const kind = type === 'say' ? str(m.say) : type === 'ask' ? str(m.ask) : undefined;
    if (!kind) {
      yield { kind: 'skip', reason: `ui message ${index}: no type/say/ask` };
      continue;
    }
    // ts is the key; entries sharing a millisecond get a suffix in file order.
    const base = typeof m.ts === 'number' ? String(m.ts) : `i${index}`;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    const id = `${sessionId}:${n === 0 ? base : `${base}-${n}`}`;
    const at = toIso(m.ts);
    const text = str(m.text) ?? '';
    if (type === 'say' && (kind === 'task' || kind === 'user_feedback')) {
      promptId = id;
      yield message({ id, sessionId, role: 'user', kind: 'prompt', content: text, createdAt: at });
    } else if (type === 'say' && (kind === 'text' || kind === 'completion_result')) {
      if (text) yield message({ id, sessionId, role: 'assistant', kind: 'text', content: text, createdAt: at });
    } else if (type === 'say' && kind === 'reasoning') {
      if (text || str(m.reasoning)) yield message({ id, sessionId, role: 'assistant', kind: 'thinking', content: text || str(m.reasoning)!, createdAt: at });
    } else if (type === 'ask' && (kind === 'followup' || kind === 'plan_mode_respond' || kind === 'act_mode_respond')) {
      if (text) yield message({ id, sessionId, role: 'assistant', kind: 'text', content: askText(text), createdAt: at });
    } else if (kind === 'tool') {
      const parsed = parseJson(text);
      if (!parsed.ok || !isRecord(parsed.value)) {
        yield { kind: 'skip', reason: `ui message ${index}: tool text is not JSON` };
        continue;
      }
      const t = parsed.value;
      const name = str(t.tool) ?? 'unknown';
      yield message({ id, sessionId, role: 'assistant', kind: 'tool_call', content: `${name} ${str(t.path) ?? ''}`.trim(), createdAt: at, metadata: { tool: name, ask: type === 'ask' } });
      const path = str(t.path);
      if (UI_EDIT_TOOLS.has(name) && path) {
        const diff = str(t.diff);
        const sr = diff ? parseSearchReplace(diff) : undefined;
        yield {
          kind: 'edit',
          edit: { id: `${id}#0`, sessionId, messageId: id, requestId: promptId, path, cwd, tool: name, oldText: sr?.oldText, newText: sr?.newText ?? str(t.content), createdAt: at },
        };
      }
    } else if (kind === 'command') {
      yield message({ id, sessionId, role: 'assistant', kind: 'tool_call', content: `execute_command ${text}`, createdAt: at, metadata: { tool: 'execute_command' } });
    } else if (kind === 'command_output') {
      yield message({ id, sessionId, role: 'tool', kind: 'tool_result', content: text, createdAt: at });
    } else if (kind === 'error' || kind === 'api_req_failed' || kind === 'mistake_limit_reached') {
      yield message({ id, sessionId, role: 'system', kind: 'meta', content: text, createdAt: at, metadata: { say: kind } });
    } else if (!QUIET_SAYS.has(kind) && type !== 'ask') {
      // Other says (user_feedback_diff, mcp_server_response, ...) are kept as context, not dropped silently.
      if (text) yield message({ id, sessionId, role: 'system', kind: 'meta', content: text, createdAt: at, metadata: { say: kind } });
    }
  }
}

/** Fallback: the Anthropic-style messages sent to the model. */
function* mapApiMessages(sessionId: string, list: unknown[], cwd: string | undefined): Generator<SourceRecord> {
  let promptId: string | undefined;
  for (const [index, m] of list.entries()) {
    if (!isRecord(m) || (m.role !== 'user' && m.role !== 'assistant')) {
      yield { kind: 'skip', reason: `api message ${index}: not a {role, content} message` };
      continue;
    }
    const id = `${sessionId}:api${index}`;
    const at = toIso(m.ts);
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content.filter(isRecord) : [];
    const text = blocks
      .filter((b) => b.type === 'text')
      .map((b) => str(b.text) ?? '')
      .join('\n');
    if (m.role === 'user') {
      // Cline wraps the human's words in <task>/<feedback>/<answer> and appends <environment_details>.
      const human = /<(task|feedback|answer|user_message)>\s*([\s\S]*?)\s*<\/\1>/.exec(text)?.[2];
      const results = blocks.filter((b) => b.type === 'tool_result');
      if (human !== undefined) {
        promptId = id;
        yield message({ id, sessionId, role: 'user', kind: 'prompt', content: human, createdAt: at });
      } else if (results.length > 0) {
        yield message({ id, sessionId, role: 'tool', kind: 'tool_result', content: results.map((r) => (typeof r.content === 'string' ? r.content : JSON.stringify(r.content ?? ''))).join('\n'), createdAt: at });
      } else if (text) {
        yield message({ id, sessionId, role: 'user', kind: 'meta', content: text, createdAt: at });
      }
      continue;
    }
    if (text) yield message({ id, sessionId, role: 'assistant', kind: 'text', content: text, createdAt: at });
    // Native tool_use blocks, and the XML tool calls older Cline wrote inside the text.
    const calls: Array<{ name: string; input: Record<string, unknown> }> = blocks
      .filter((b) => b.type === 'tool_use')
      .map((b) => ({ name: str(b.name) ?? 'unknown', input: isRecord(b.input) ? b.input : {} }));
    for (const x of text.matchAll(/<(write_to_file|replace_in_file|apply_diff|insert_content|search_and_replace)>([\s\S]*?)<\/\1>/g)) {
      const input: Record<string, unknown> = {};
      for (const f of x[2]!.matchAll(/<(path|content|diff)>\n?([\s\S]*?)\n?<\/\1>/g)) input[f[1]!] = f[2];
      calls.push({ name: x[1]!, input });
    }
    for (const [i, call] of calls.entries()) {
      const callId = `${id}:${i}`;
      yield message({ id: callId, sessionId, role: 'assistant', kind: 'tool_call', content: `${call.name} ${JSON.stringify(call.input)}`, createdAt: at, metadata: { tool: call.name } });
      const path = str(call.input.path) ?? str(call.input.absolutePath);
      if (!API_EDIT_TOOLS.has(call.name) || !path) continue;
      const diff = str(call.input.diff);
      const sr = diff ? parseSearchReplace(diff) : undefined;
      yield {
        kind: 'edit',
        edit: { id: `${callId}#0`, sessionId, messageId: callId, requestId: promptId, path, cwd, tool: call.name, oldText: sr?.oldText, newText: sr?.newText ?? str(call.input.content), createdAt: at },
      };
    }
  }
}
