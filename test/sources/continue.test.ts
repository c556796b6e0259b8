import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { continueDev, fromFileUri } from '../../src/sources/continue.js';
import { adapterById } from '../../src/sources/index.js';
import { REAL, count, readAll, tempDir } from './adapter-harness.js';

const CLI = join(REAL, 'continue/git-ai/continue-cli-session-simple.json');
const SID = '2dbfd673-096d-4773-b5f3-9023894a7355';

function plant(root: string, src: string | object, name = `${SID}.json`): string {
  const dir = join(root, 'sessions');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  if (typeof src === 'string') copyFileSync(src, file);
  else writeFileSync(file, JSON.stringify(src));
  return file;
}

describe('continue adapter on the real session', () => {
  it('is registered', () => {
    expect(adapterById('continue')).toBe(continueDev);
  });

  // Hand count: history = 1 user, then 3 assistant messages (text + Read call; no text + MultiEdit
  // call; text), each call with a toolCallState holding its output: 1 prompt, 2 answers, 2 calls,
  // 2 results; MultiEdit with one edit on the absolute path of index.ts.
  it('reads the CLI session: prompt, answers, tool calls and results, the MultiEdit edit, the workspace as cwd', async () => {
    const root = tempDir();
    const file = plant(root, CLI);
    writeFileSync(join(root, 'sessions/sessions.json'), JSON.stringify([{ sessionId: SID, title: 'File Reading and Appending', dateCreated: '1765046718042', workspaceDirectory: '/Users/svarlamov/projects/testing-git' }]));
    const r = await readAll(continueDev, file);
    expect(r.skips).toEqual([]);
    expect([...r.sessions.values()]).toMatchObject([{ id: `continue:${SID}`, cwd: '/Users/svarlamov/projects/testing-git', title: 'File Reading and Appending', createdAt: new Date(1765046718042).toISOString() }]);
    expect([count(r, 'user', 'prompt'), count(r, 'assistant', 'text'), count(r, 'assistant', 'tool_call'), count(r, 'tool', 'tool_result')]).toEqual([1, 2, 2, 2]);
    const edits = [...r.edits.values()];
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({
      path: '/Users/svarlamov/projects/testing-git/index.ts',
      cwd: '/Users/svarlamov/projects/testing-git',
      tool: 'MultiEdit',
      messageId: `continue:${SID}:toolu_01A5VynEbmpZhHTheifTMQMb`,
      requestId: `continue:${SID}:0`,
      createdAt: new Date(1765046718042).toISOString(),
    });
    expect(edits[0]!.newText!.split('\n')).toHaveLength(5);
    expect(edits[0]!.oldText!.split('\n')).toHaveLength(4);
    expect(r.messages.get(`continue:${SID}:0`)!.content).toBe('Add another hello world line to @index.ts');
  });
});

describe('continue adapter on written cases', () => {
  it('decodes file:// workspace URIs, and reads the IDE edit tools', async () => {
    expect(fromFileUri('file:///Users/me/my%20app')).toBe('/Users/me/my app');
    expect(fromFileUri('file:///c%3A/Users/me/app')).toBe('c:\\Users\\me\\app');
    expect(fromFileUri('/plain/path')).toBe('/plain/path');
    const root = tempDir();
    const call = (id: string, name: string, args: object) => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } });
    const file = plant(root, {
      sessionId: 's1',
      title: 'IDE',
      workspaceDirectory: 'file:///home/me/app',
      history: [
        { message: { role: 'user', content: [{ type: 'text', text: 'rename it' }, { type: 'imageUrl', imageUrl: { url: 'data:...' } }] }, contextItems: [] },
        {
          message: { role: 'assistant', content: '', toolCalls: [call('c1', 'create_new_file', { filepath: 'file:///home/me/app/new.ts', contents: 'x' }), call('c2', 'single_find_and_replace', { filepath: 'src/a.ts', old_string: 'a', new_string: 'b' }), call('c3', 'edit_existing_file', { filepath: 'src/b.ts', changes: 'y' })] },
          toolCallStates: [{ toolCallId: 'c3', status: 'errored', parsedArgs: { filepath: 'src/b.ts', changes: 'y' } }],
        },
        { message: { role: 'tool', content: 'created', toolCallId: 'c1' } },
      ],
    });
    const r = await readAll(continueDev, file);
    expect(r.skips).toEqual([]);
    expect([...r.sessions.values()][0]!.cwd).toBe('/home/me/app');
    expect(r.messages.get('continue:s1:0')!.content).toBe('rename it\n[image]');
    expect([...r.edits.values()].map((e) => [e.tool, e.path, e.oldText ?? null, e.newText ?? null])).toEqual([
      ['create_new_file', '/home/me/app/new.ts', null, 'x'],
      ['single_find_and_replace', 'src/a.ts', 'a', 'b'],
    ]);
    expect(r.messages.get('continue:s1:c1:result')!.content).toBe('created');
  });

  it('re-reads a rewritten session whole and skips it while unchanged', async () => {
    const root = tempDir();
    const file = plant(root, CLI);
    const a = await readAll(continueDev, file);
    expect((await readAll(continueDev, file, a.cursor)).records.map((x) => x.kind)).toEqual(['checkpoint']);
    const s = JSON.parse(readFileSync(file, 'utf8')) as { history: unknown[] };
    s.history.push({ message: { role: 'user', content: 'and one more' }, contextItems: [] });
    writeFileSync(file, JSON.stringify(s));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const b = await readAll(continueDev, file, a.cursor);
    expect(count(b, 'user', 'prompt')).toBe(2);
    expect([...a.messages.keys()].every((id) => b.messages.has(id))).toBe(true);
  });

  it('skips bad JSON, a wrong shape and bad history entries, keeping the good ones', async () => {
    const root = tempDir();
    const bad = plant(root, CLI, 'bad.json');
    writeFileSync(bad, '{"sessionId": "x", "history": [');
    expect((await readAll(continueDev, bad)).skips[0]!.reason).toMatch(/^invalid JSON/);
    const wrong = plant(root, { sessionId: 1, history: 'no' }, 'wrong.json');
    expect((await readAll(continueDev, wrong)).skips).toEqual([{ reason: 'not a Continue session (no sessionId or history)' }]);
    const mixed = plant(root, { sessionId: 's2', history: [null, { message: { role: 'robot', content: 'x' } }, { message: { role: 'user', content: 'fine' } }] }, 's2.json');
    const r = await readAll(continueDev, mixed);
    expect(r.skips).toEqual([{ reason: 'history[0] has no message with a role' }, { reason: 'history[1] has an unknown role "robot"' }]);
    expect([...r.messages.values()].map((m) => m.content)).toEqual(['fine']);
  });
});

describe('continue adapter locating sessions', () => {
  it('finds sessions under ~/.continue on each OS, not the index, and under CONTINUE_GLOBAL_DIR', async () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const home = tempDir();
      const file = plant(join(home, '.continue'), CLI);
      writeFileSync(join(home, '.continue/sessions/sessions.json'), '[]');
      expect(await continueDev.locate({ env: {}, home, platform, knownRepos: [] })).toEqual([file]);
    }
    const global = tempDir();
    const file = plant(global, CLI);
    const home = tempDir();
    plant(join(home, '.continue'), CLI);
    expect(await continueDev.locate({ env: { CONTINUE_GLOBAL_DIR: global }, home, platform: 'linux', knownRepos: [] })).toEqual([file]);
  });

  it('matches session files on either separator, not the index', () => {
    expect(continueDev.matches('/h/.continue/sessions/abc.json')).toBe(true);
    expect(continueDev.matches('C:\\Users\\me\\.continue\\sessions\\abc.json')).toBe(true);
    expect(continueDev.matches('/h/.continue/sessions/sessions.json')).toBe(false);
    expect(continueDev.matches('/h/.continue/config.json')).toBe(false);
  });
});
