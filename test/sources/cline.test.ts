import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cline } from '../../src/sources/cline.js';
import { collect, countWhere, envFor, tempDir } from './adapter-harness.js';

// No real Cline/Roo task dir with a usable license exists (test/fixtures/real/SOURCES.md), so
// these tasks are built from the documented format (format doc §7; cline ExtensionMessage.ts
// ClineMessage/ClineSayTool, HistoryItem.ts; Roo history_item.json): ui_messages.json entries with
// ts/type/say|ask/text, tool entries whose text is a JSON ClineSayTool, the cwd in the history index.
const TASK_ID = '1769053680585';
const T0 = 1769053680585;

function write(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
}

const sayTool = (tool: Record<string, unknown>) => JSON.stringify(tool);

function clineTask(ext = 'saoudrizwan.claude-dev', id = TASK_ID): { ext: string; task: string } {
  const extDir = join(tempDir(), 'Code/User/globalStorage', ext);
  const task = join(extDir, 'tasks', id);
  write(join(task, 'ui_messages.json'), [
    { ts: T0, type: 'say', say: 'task', text: 'Add input validation to the signup form' },
    { ts: T0 + 10, type: 'say', say: 'api_req_started', text: '{"tokensIn":100,"tokensOut":20}' },
    { ts: T0 + 20, type: 'say', say: 'reasoning', text: 'Look at the form first.' },
    { ts: T0 + 30, type: 'say', say: 'text', text: 'I will read the form component.' },
    { ts: T0 + 40, type: 'say', say: 'tool', text: sayTool({ tool: 'readFile', path: 'src/Signup.tsx' }) },
    { ts: T0 + 50, type: 'ask', ask: 'tool', partial: true, text: sayTool({ tool: 'editedExistingFile', path: 'src/Sig' }) },
    {
      ts: T0 + 50,
      type: 'ask',
      ask: 'tool',
      text: sayTool({ tool: 'editedExistingFile', path: 'src/Signup.tsx', diff: '------- SEARCH\nconst ok = true;\n=======\nconst ok = validate(form);\n+++++++ REPLACE' }),
    },
    { ts: T0 + 50, type: 'say', say: 'checkpoint_created' },
    { ts: T0 + 60, type: 'say', say: 'tool', text: sayTool({ tool: 'newFileCreated', path: 'src/validate.ts', content: 'export const validate = () => true;\n' }) },
    { ts: T0 + 70, type: 'ask', ask: 'command', text: 'npm test' },
    { ts: T0 + 80, type: 'say', say: 'command_output', text: 'PASS 3 tests' },
    { ts: T0 + 90, type: 'say', say: 'completion_result', text: 'Validation added.' },
    { ts: T0 + 95, type: 'ask', ask: 'completion_result', text: '' },
    { ts: T0 + 100, type: 'say', say: 'user_feedback', text: 'Also remove the old helper' },
    { ts: T0 + 110, type: 'say', say: 'tool', text: sayTool({ tool: 'fileDeleted', path: 'src/oldHelper.ts' }) },
    { ts: T0 + 120, type: 'ask', ask: 'followup', text: '{"question":"Keep the tests for it?","options":["yes","no"]}' },
  ]);
  write(join(task, 'api_conversation_history.json'), [{ role: 'user', content: [{ type: 'text', text: '<task>\nAdd input validation to the signup form\n</task>' }] }]);
  write(join(extDir, 'state/taskHistory.json'), [
    { id: '1769000000000', ts: 1769000000000, task: 'other', cwdOnTaskInitialization: '/elsewhere' },
    { id, ts: T0, task: 'Add input validation to the signup form', cwdOnTaskInitialization: '/home/dev/webapp', modelId: 'claude-sonnet-4' },
  ]);
  return { ext: extDir, task };
}

describe('cline adapter', () => {
  it('reads a Cline task: prompts, answers, tool calls, edits with the cwd from the task history', async () => {
    const { task } = clineTask();
    const r = await collect(cline, task);
    expect(r.skips).toEqual([]);
    expect(r.sessions).toEqual([
      expect.objectContaining({ id: `cline:${TASK_ID}`, source: 'cline', cwd: '/home/dev/webapp', title: 'Add input validation to the signup form', createdAt: '2026-01-22T03:48:00.585Z' }),
    ]);
    expect(r.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['Add input validation to the signup form', 'Also remove the old helper']);
    expect(r.messages.filter((m) => m.role === 'assistant' && m.kind === 'text').map((m) => m.content)).toEqual(['I will read the form component.', 'Validation added.', 'Keep the tests for it?']);
    expect(countWhere(r.messages, (m) => m.kind === 'thinking')).toBe(1);
    expect(countWhere(r.messages, (m) => m.kind === 'tool_call')).toBe(5);
    expect(r.edits.map((e) => [e.tool, e.path, e.cwd, e.oldText, e.newText, e.requestId])).toEqual([
      ['editedExistingFile', 'src/Signup.tsx', '/home/dev/webapp', 'const ok = true;', 'const ok = validate(form);', `cline:${TASK_ID}:${T0}`],
      ['newFileCreated', 'src/validate.ts', '/home/dev/webapp', undefined, 'export const validate = () => true;\n', `cline:${TASK_ID}:${T0}`],
      ['fileDeleted', 'src/oldHelper.ts', '/home/dev/webapp', undefined, undefined, `cline:${TASK_ID}:${T0 + 100}`],
    ]);
    // Entries sharing a millisecond get distinct, deterministic ids.
    expect(r.edits[0]!.messageId).toBe(`cline:${TASK_ID}:${T0 + 50}`);
    expect(new Set(r.messages.map((m) => m.id)).size).toBe(r.messages.length);
  });

  it('reads a Roo Code task with its cwd from history_item.json', async () => {
    const id = '0b6c3a52-7b6e-4f6e-9d1e-2f3a4b5c6d7e';
    const { task } = clineTask('rooveterinaryinc.roo-cline', id);
    write(join(task, 'history_item.json'), { id, ts: T0, task: 'Roo task', workspace: '/home/dev/roo-app' });
    const r = await collect(cline, task);
    expect(r.sessions[0]).toMatchObject({ id: `roo:${id}`, cwd: '/home/dev/roo-app', title: 'Roo task' });
    expect(r.edits.every((e) => e.sessionId === `roo:${id}` && e.cwd === '/home/dev/roo-app')).toBe(true);
  });

  it('finds the cwd of an older Cline in the taskHistory kept in VS Code global state', async () => {
    const { ext, task } = clineTask();
    writeFileSync(join(ext, 'state/taskHistory.json'), '[]');
    const db = new Database(join(ext, '..', 'state.vscdb'));
    db.exec('CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)');
    db.prepare('INSERT INTO ItemTable VALUES (?, ?)').run('saoudrizwan.claude-dev', JSON.stringify({ taskHistory: [{ id: TASK_ID, ts: T0, task: 'from vscdb', cwdOnTaskInitialization: '/home/dev/legacy' }] }));
    db.close();
    const r = await collect(cline, task);
    expect(r.sessions[0]).toMatchObject({ cwd: '/home/dev/legacy', title: 'from vscdb' });
  });

  it('falls back to api_conversation_history.json, with native and XML tool calls', async () => {
    const { task } = clineTask();
    rmSync(join(task, 'ui_messages.json'));
    write(join(task, 'api_conversation_history.json'), [
      { role: 'user', ts: T0, content: [{ type: 'text', text: '<task>\nRename foo\n</task>' }, { type: 'text', text: '<environment_details>...</environment_details>' }] },
      { role: 'assistant', ts: T0 + 1, content: [{ type: 'text', text: 'Renaming.\n<write_to_file>\n<path>src/foo.ts</path>\n<content>\nexport const bar = 1;\n</content>\n</write_to_file>' }] },
      { role: 'user', ts: T0 + 2, content: [{ type: 'tool_result', tool_use_id: 'x', content: 'written' }] },
      { role: 'assistant', ts: T0 + 3, content: [{ type: 'tool_use', id: 't1', name: 'replace_in_file', input: { path: 'src/index.ts', diff: '<<<<<<< SEARCH\nfoo\n=======\nbar\n>>>>>>> REPLACE' } }] },
      { role: 'user', ts: T0 + 4, content: '<feedback>\nlooks good\n</feedback>' },
    ]);
    const r = await collect(cline, task);
    expect(r.skips).toEqual([]);
    expect(r.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['Rename foo', 'looks good']);
    expect(r.edits.map((e) => [e.tool, e.path, e.oldText, e.newText])).toEqual([
      ['write_to_file', 'src/foo.ts', undefined, 'export const bar = 1;'],
      ['replace_in_file', 'src/index.ts', 'foo', 'bar'],
    ]);
  });

  it('reads a task again only when one of its files or the history index changes', async () => {
    const { task, ext } = clineTask();
    const first = await collect(cline, task);
    const same = await collect(cline, task, first.cursor);
    expect([same.sessions.length, same.messages.length, same.checkpoints.length]).toEqual([0, 0, 1]);
    write(join(ext, 'state/taskHistory.json'), [{ id: TASK_ID, ts: T0, task: 'renamed', cwdOnTaskInitialization: '/home/dev/webapp' }]);
    const next = await collect(cline, task, same.cursor);
    expect(next.sessions[0]!.title).toBe('renamed');
    expect(next.messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
  });

  it('skips a half-written file and entries of the wrong type without throwing', async () => {
    const { task } = clineTask();
    write(join(task, 'ui_messages.json'), '[{"ts": 1, "type": "say", "say": "task", "te');
    const half = await collect(cline, task);
    expect(half.skips.map((s) => s.reason)).toEqual([expect.stringMatching(/ui_messages\.json: bad JSON/)]);
    // The api history is used meanwhile; the stamp covers ui_messages.json, so its next write is read.
    expect(half.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['Add input validation to the signup form']);
    const fixed = await (async () => {
      write(join(task, 'ui_messages.json'), [{ ts: 9, type: 'say', say: 'task', text: 'complete now' }]);
      return collect(cline, task, half.cursor);
    })();
    expect(fixed.messages.map((m) => m.content)).toEqual(['complete now']);

    write(join(task, 'ui_messages.json'), [42, { ts: 5, type: 'say', say: 'tool', text: 'not json' }, { ts: 6, type: 'nope' }, { ts: 7, type: 'say', say: 'task', text: 'still read' }]);
    const types = await collect(cline, task);
    expect(types.skips.map((s) => s.reason)).toEqual(['ui message 0: not an object', 'ui message 1: tool text is not JSON', 'ui message 2: no type/say/ask']);
    expect(types.messages.map((m) => m.content)).toEqual(['still read']);

    write(join(task, 'ui_messages.json'), '{"not": "an array"}');
    const wrong = await collect(cline, task);
    expect(wrong.skips.map((s) => s.reason)).toEqual([expect.stringMatching(/not a JSON array/)]);
  });

  it.each([
    ['linux', {}, '.config/Code/User/globalStorage/saoudrizwan.claude-dev'],
    ['darwin', {}, 'Library/Application Support/Cursor/User/globalStorage/rooveterinaryinc.roo-cline'],
    ['win32', { APPDATA: 'AppData/Roaming' }, 'AppData/Roaming/Code - Insiders/User/globalStorage/kilocode.kilo-code'],
    ['linux', {}, '.cline/data'],
    ['win32', { CLINE_DATA_DIR: 'cline-data' }, 'cline-data'],
  ] as const)('locates task dirs on %s %o under %s', async (platform, env, rel) => {
    const home = tempDir('lore-home-');
    const root = join(home, rel);
    write(join(root, 'tasks/1700000000000/ui_messages.json'), []);
    write(join(root, 'tasks/1700000000000/api_conversation_history.json'), []);
    write(join(root, 'tasks/0b6c3a52-7b6e/api_conversation_history.json'), []);
    mkdirSync(join(root, 'tasks/1700000000001'), { recursive: true }); // created, nothing written yet
    writeFileSync(join(root, 'tasks/_index.json'), '[]');
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, join(home, v)]));
    const found = await cline.locate(envFor(home, platform, resolved));
    expect(found.sort()).toEqual([join(root, 'tasks/0b6c3a52-7b6e/api_conversation_history.json'), join(root, 'tasks/1700000000000/ui_messages.json')]);
    expect(found.every((f) => cline.matches(f))).toBe(true);
  });
});
