import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copilotCli } from '../../src/sources/copilot-cli.js';
import { trailerTool } from '../../src/link/evidence.js';
import { REAL, collect, copyFixture, envFor, readAll, tempDir } from './adapter-harness.js';

const FIX = 'copilot-cli/git-ai/session-state';
const SESSION = '301561f1-558a-43e9-a144-82d3ca12ab62';
const BARE = 'abc12345-0000-1111-2222-333344445555';

/** A home whose `~/.copilot/session-state` holds the real fixture sessions. */
function homeWithSessions(): { home: string; state: string } {
  const home = tempDir();
  const state = join(home, '.copilot', 'session-state');
  copyFixture(FIX, state);
  return { home, state };
}

/** A session folder under `root` whose events.jsonl holds `lines`. */
function sessionFile(root: string, id: string, lines: unknown[]): string {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return file;
}

const event = (type: string, data: Record<string, unknown>, n: number) => ({ type, data, id: `e${n}`, timestamp: `2026-06-18T19:13:${String(40 + n).padStart(2, '0')}.000Z`, parentId: n > 1 ? `e${n - 1}` : null });

describe('copilot-cli adapter', () => {
  it('finds session-state/<id>/events.jsonl under ~/.copilot on every OS, and only there', async () => {
    const { home, state } = homeWithSessions();
    writeFileSync(join(state, SESSION, 'workspace.yaml'), 'id: x\n');
    const want = [join(state, SESSION, 'events.jsonl'), join(state, BARE, 'events.jsonl')];
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect((await copilotCli.locate(envFor(home, platform))).sort()).toEqual(want.sort());
    }
    expect(copilotCli.matches(want[0]!)).toBe(true);
    expect(copilotCli.matches(join(state, SESSION, 'workspace.yaml'))).toBe(false);
    // Copilot Chat's transcripts are copilot.ts's, though they hold the same events.
    expect(copilotCli.matches(join(home, 'Code/User/workspaceStorage/h/GitHub.copilot-chat/transcripts/s.jsonl'))).toBe(false);
  });

  it('honours COPILOT_HOME (which replaces ~/.copilot) and the older $XDG_STATE_HOME/.copilot', async () => {
    const home = tempDir();
    const moved = join(home, 'elsewhere');
    const a = sessionFile(join(moved, 'session-state'), 's-a', [event('session.start', { sessionId: 's-a' }, 1)]);
    const b = sessionFile(join(home, 'state', '.copilot', 'session-state'), 's-b', [event('session.start', { sessionId: 's-b' }, 1)]);
    sessionFile(join(home, '.copilot', 'session-state'), 's-c', [event('session.start', { sessionId: 's-c' }, 1)]);
    expect(await copilotCli.locate(envFor(home, 'linux', { COPILOT_HOME: moved, XDG_STATE_HOME: join(home, 'state') }))).toEqual([a, b]);
    expect(copilotCli.watchRoots(envFor(home, 'win32', { COPILOT_HOME: moved })).map((r) => r.path)).toEqual([join(moved, 'session-state')]);
  });

  // Checked by hand: session.start (cwd /Users/test/project), session.model_change, one prompt, one
  // answer whose toolRequests name `create` of hello.py, then tool.execution_start/complete of the
  // same call (toolCallId tool-1), whose result has no `content`.
  it('reads the real events.jsonl: the cwd, 1 prompt, 1 answer, 1 create call stored once as an edit', async () => {
    const { state } = homeWithSessions();
    const r = await readAll(copilotCli, join(state, SESSION, 'events.jsonl'));
    // session.model_change carries nothing lore stores: passed over, not a skipped line (issue 13).
    expect(r.skips).toEqual([]);
    expect([...r.sessions.values()]).toEqual([
      expect.objectContaining({ id: `copilot-cli:${SESSION}`, source: 'copilot-cli', cwd: '/Users/test/project', title: 'create a hello world file', createdAt: '2026-05-12T00:21:05.216Z' }),
    ]);
    const messages = [...r.messages.values()];
    expect(messages.map((m) => [m.role, m.kind, m.content])).toEqual([
      ['user', 'prompt', 'create a hello world file'],
      ['assistant', 'text', "I'll create a hello world file for you."],
      ['assistant', 'tool_call', `create {"path":"/Users/test/project/hello.py","file_text":"print('hello world')\\n"}`],
      ['tool', 'tool_result', 'ok'],
    ]);
    expect([...r.edits.values()]).toEqual([
      expect.objectContaining({
        id: `copilot-cli:${SESSION}:tool-1#0`,
        tool: 'create',
        path: '/Users/test/project/hello.py',
        newText: "print('hello world')\n",
        requestId: `copilot-cli:${SESSION}:a1b2c3d4-1111-2222-3333-444455556666`,
        cwd: '/Users/test/project',
      }),
    ]);
  });

  it('reads the second real session (no model change, no tools): a prompt and its answer', async () => {
    const { state } = homeWithSessions();
    const r = await collect(copilotCli, join(state, BARE, 'events.jsonl'));
    expect(r.skips).toEqual([]);
    expect(r.sessions[0]).toMatchObject({ id: `copilot-cli:${BARE}`, cwd: '/Users/test/project' });
    expect(r.messages.map((m) => [m.kind, m.content])).toEqual([
      ['prompt', 'hello'],
      ['text', 'Hi! How can I help?'],
    ]);
  });

  it("stores the CLI's edit, create and bare apply_patch calls as edits, and resumes after a partial line", async () => {
    const root = tempDir();
    const patch = '*** Begin Patch\n*** Update File: /w/app.py\n@@\n-a = 1\n+a = 2\n*** Add File: /w/notes.md\n+hi\n*** End Patch';
    const file = sessionFile(root, 's1', [
      event('session.start', { sessionId: 's1', version: 1, producer: 'copilot-agent', copilotVersion: '1.0.63', startTime: '2026-06-18T19:13:41.562Z', context: { cwd: '/w' } }, 1),
      event('user.message', { content: 'bump a', attachments: [] }, 2),
      event('tool.execution_start', { toolCallId: 'c1', toolName: 'edit', arguments: { path: '/w/app.py', old_str: 'a = 1', new_str: 'a = 2' } }, 3),
      event('tool.execution_start', { toolCallId: 'c2', toolName: 'apply_patch', arguments: patch }, 4),
    ]);
    const partial = JSON.stringify(event('tool.execution_start', { toolCallId: 'c3', toolName: 'str_replace_editor', arguments: { command: 'create', path: '/w/b.py', file_text: 'b = 1\n' } }, 5));
    appendFileSync(file, partial.slice(0, 40));
    const first = await readAll(copilotCli, file);
    expect(first.skips).toEqual([]);
    expect([...first.edits.values()].map((e) => [e.tool, e.path, e.oldText, e.newText])).toEqual([
      ['edit', '/w/app.py', 'a = 1', 'a = 2'],
      ['apply_patch', '/w/app.py', 'a = 1', 'a = 2'],
      ['apply_patch', '/w/notes.md', undefined, 'hi'],
    ]);
    expect(first.messages.get('copilot-cli:s1:c2')?.content).toBe(`apply_patch ${patch}`);

    appendFileSync(file, `${partial.slice(40)}\n`);
    const next = await readAll(copilotCli, file, first.cursor);
    expect([...next.sessions.keys()]).toEqual(['copilot-cli:s1']);
    expect([...next.edits.values()].map((e) => [e.path, e.newText, e.requestId])).toEqual([['/w/b.py', 'b = 1\n', 'copilot-cli:s1:e2']]);
  });

  it('titles a session by the first line of a pasted, many-line first prompt', async () => {
    const root = tempDir();
    const file = sessionFile(root, 's3', [event('session.start', { sessionId: 's3' }, 1), event('user.message', { content: '\n  fix the failing build\n\nerror TS2304: x\n  at y.ts:1' }, 2)]);
    const r = await readAll(copilotCli, file);
    expect(r.sessions.get('copilot-cli:s3')?.title).toBe('fix the failing build');
  });

  it("takes the cwd from the session's workspace.yaml when session.start names none", async () => {
    const root = tempDir();
    const file = sessionFile(root, 's2', [event('session.start', { sessionId: 's2' }, 1), event('user.message', { content: 'hi' }, 2)]);
    writeFileSync(join(root, 's2', 'workspace.yaml'), 'id: s2\ncwd: "/home/ann/my repo"\nuser_named: false\n');
    const r = await collect(copilotCli, file);
    expect(r.sessions[0]).toMatchObject({ id: 'copilot-cli:s2', cwd: '/home/ann/my repo' });
  });

  it('leaves the commit trailer it writes to copilot, which matches its sessions too', () => {
    expect(trailerTool('fix\n\nCo-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>')).toBe('copilot');
  });

  it('skips a file that went away instead of throwing', async () => {
    const r = await collect(copilotCli, join(REAL, 'copilot-cli', 'missing', 'events.jsonl'));
    expect(r.messages).toEqual([]);
    expect(r.skips).toEqual([{ line: undefined, reason: expect.stringContaining('not a readable file') }]);
  });
});
