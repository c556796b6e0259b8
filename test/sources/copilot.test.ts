import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copilot } from '../../src/sources/copilot.js';
import { REAL, collect, countWhere, envFor, tempDir } from './adapter-harness.js';

const FIX = join(REAL, 'copilot-vscode/git-ai');
const SESSION = '331fed7f-cfd6-409c-8502-06a56322b636';

/** A VS Code workspace storage dir for /Users/svarlamov/projects/testing-git holding `name` from the fixtures. */
function inWorkspace(name: string, target = `chatSessions/${SESSION}${name.endsWith('.jsonl') ? '.jsonl' : '.json'}`): string {
  const ws = join(tempDir(), 'User/workspaceStorage/5a1b2c');
  mkdirSync(join(ws, target, '..'), { recursive: true });
  writeFileSync(join(ws, 'workspace.json'), JSON.stringify({ folder: 'file:///Users/svarlamov/projects/testing-git' }));
  writeFileSync(join(ws, target), readFileSync(join(FIX, name)));
  return join(ws, target);
}

describe('copilot adapter: chat sessions', () => {
  // Checked by hand (python over the JSON): 3 requests ("What can you help me with?", "Change Bonjour
  // World to hello world", "Search for any other mentions of Bonjour"), each with Markdown response
  // parts; toolCallRounds hold 2 tool calls: replace_string_in_file on .../testing-git/index.ts and
  // grep_search. The textEditGroup and codeblockUri parts name the same file as the tool call.
  // Requests 2 and 3 answer in two pieces, before and after their tool call: 5 texts.
  it('reads the real .json session: 3 prompts, 5 answer texts, 2 tool calls, 1 edit with old and new text', async () => {
    const r = await collect(copilot, inWorkspace('copilot_session_simple.json'));
    expect(r.skips).toEqual([]);
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]).toMatchObject({ id: `copilot:${SESSION}`, cwd: '/Users/svarlamov/projects/testing-git', title: 'Assistance with TypeScript project tasks', createdAt: '2025-10-07T13:50:46.680Z' });
    expect(r.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['What can you help me with?', 'Change Bonjour World to hello world', 'Search for any other mentions of Bonjour']);
    expect(countWhere(r.messages, (m) => m.role === 'assistant' && m.kind === 'text')).toBe(5);
    expect(countWhere(r.messages, (m) => m.kind === 'tool_call')).toBe(2);
    expect(r.edits).toHaveLength(1);
    expect(r.edits[0]).toMatchObject({
      tool: 'replace_string_in_file',
      path: '/Users/svarlamov/projects/testing-git/index.ts',
      cwd: '/Users/svarlamov/projects/testing-git',
      requestId: `copilot:${SESSION}:request_e838f1ef-f292-49ab-92fc-3317408b67f1`,
      createdAt: '2025-10-07T13:51:50.791Z',
    });
    expect(r.edits[0]!.oldText).toContain("console.log('Bonjour World');");
    expect(r.edits[0]!.newText).toContain("console.log('hello world');");
  });

  it('renders an answer as the chat view shows it: in order around its tool calls, file references by name, no empty fences', async () => {
    const r = await collect(copilot, inWorkspace('copilot_session_simple.json'));
    const change = r.messages.slice(r.messages.findIndex((m) => m.content === 'Change Bonjour World to hello world'));
    expect(change.slice(0, 4).map((m) => [m.kind, m.content.split(' {')[0]])).toEqual([
      ['prompt', 'Change Bonjour World to hello world'],
      ['text', 'I\'ll change "Bonjour World" to "hello world" in your selected text.'],
      ['tool_call', 'replace_string_in_file'],
      // The parts: "... line 10 of your ", an inlineReference to index.ts, " file."; the edit widget's fences dropped.
      ['text', 'Done! I\'ve changed "Bonjour World" to "hello world" in line 10 of your `index.ts` file.'],
    ]);
    const first = r.messages.find((m) => m.kind === 'text')!;
    expect(first.content).toContain('you have a TypeScript project with an `index.ts` file that prints "Bonjour"');
    for (const m of r.messages) expect(m.content).not.toMatch(/```\s*```/);
  });

  it('reads the real .jsonl mutation log to exactly the records of the .json', async () => {
    const json = await collect(copilot, inWorkspace('copilot_session_simple.json'));
    const log = await collect(copilot, inWorkspace('copilot_session_simple.jsonl'));
    expect(log.skips).toEqual([]);
    expect(log.messages.map((m) => [m.id, m.content])).toEqual(json.messages.map((m) => [m.id, m.content]));
    expect(log.edits).toEqual(json.edits);
  });

  it('replays set, append and delete mutations, and waits for a partial line', async () => {
    const file = join(tempDir(), 'chatSessions/s1.jsonl');
    mkdirSync(join(file, '..'));
    const req = (id: string, text: string) => ({ requestId: id, timestamp: 1700000000000, message: { text }, response: [] });
    writeFileSync(file, `${JSON.stringify({ kind: 0, v: { version: 3, sessionId: 's1', creationDate: 1700000000000, requests: [req('r1', 'first')] } })}\n`);
    const first = await collect(copilot, file);
    expect(first.messages.map((m) => m.content)).toEqual(['first']);

    appendFileSync(file, `${JSON.stringify({ kind: 2, k: ['requests'], v: [req('r2', 'second')] })}\n`);
    appendFileSync(file, `${JSON.stringify({ kind: 1, k: ['requests', 1, 'response'], v: [{ value: 'the answer' }] })}\n`);
    appendFileSync(file, '{"kind":1,"k":["customTitle"],"v":"Ti');
    const second = await collect(copilot, file, first.cursor);
    expect(second.skips).toEqual([]);
    expect(second.messages.map((m) => [m.role, m.content])).toEqual([['user', 'first'], ['user', 'second'], ['assistant', 'the answer']]);
    expect(second.sessions[0]!.title).toBe('first');

    appendFileSync(file, `tle"}\n${JSON.stringify({ kind: 3, k: ['requests', 0] })}\n`);
    const third = await collect(copilot, file, second.cursor);
    expect(third.sessions[0]!.title).toBe('Title');
    expect(third.messages.map((m) => m.content)).toEqual(['second', 'the answer']);

    const unchanged = await collect(copilot, file, third.cursor);
    expect([unchanged.sessions.length, unchanged.messages.length]).toEqual([0, 0]);
  });

  it('skips bad JSON and wrong types without throwing', async () => {
    const dir = join(tempDir(), 'chatSessions');
    mkdirSync(dir);
    writeFileSync(join(dir, 'half.json'), '{"version": 3, "sessionId": "x", "requests": [');
    const half = await collect(copilot, join(dir, 'half.json'));
    expect(half.skips[0]!.reason).toMatch(/bad JSON/);
    expect(half.checkpoints).toHaveLength(1);

    writeFileSync(join(dir, 'types.json'), JSON.stringify({ sessionId: 'y', requests: [42, { requestId: 'r', message: { text: 7 } }, { requestId: 'ok', message: { text: 'fine' } }] }));
    const types = await collect(copilot, join(dir, 'types.json'));
    expect(types.skips.map((s) => s.reason)).toEqual(['request 0: not an object', 'request r: no message text']);
    expect(types.messages.map((m) => m.content)).toEqual(['fine']);

    writeFileSync(join(dir, 'log.jsonl'), `${JSON.stringify({ kind: 1, k: ['a'], v: 1 })}\nnot json\n${JSON.stringify({ kind: 0, v: { sessionId: 'z', requests: [] } })}\n${JSON.stringify({ kind: 9 })}\n`);
    const log = await collect(copilot, join(dir, 'log.jsonl'));
    expect(log.skips).toEqual([
      { line: 1, reason: 'mutation kind 1 before the initial snapshot' },
      { line: 2, reason: 'invalid JSON' },
      { line: 4, reason: 'unknown mutation kind 9' },
    ]);
    expect(log.sessions.map((s) => s.id)).toEqual(['copilot:z']);
  });
});

describe('copilot adapter: extension transcripts', () => {
  // Reconstructed (test/fixtures/real/RECONSTRUCTED.md): a transcript with the settings events of the
  // Copilot SDK's schema and a user.message a tool filled (empty content, transformedContent only).
  it('passes over the known events that carry nothing to store, and keeps injected turns out of the prompts', async () => {
    const file = join(REAL, 'copilot-vscode/reconstructed/workspace/GitHub.copilot-chat/transcripts/7f3c2a91-4b6e-4d2f-8a1c-93e5d07b6f21.jsonl');
    const r = await collect(copilot, file);
    // session.model_change, session.mode_changed, system.message, session.info, session.task_complete, session.shutdown
    expect(r.skips).toEqual([]);
    expect(r.messages.map((m) => [m.role, m.kind, m.content.slice(0, 40)])).toEqual([
      ['user', 'prompt', 'Add a joke about recursion to jokes.csv'],
      ['assistant', 'text', "I'll add the joke to the end of the file"],
      ['assistant', 'tool_call', 'replace_string_in_file {"filePath":"/Use'],
      ['tool', 'tool_result', 'The following files were successfully ed'],
      ['system', 'meta', '<attachment filePath="/Users/test/jokes/'],
      ['assistant', 'text', 'I added a joke about recursion to `jokes'],
    ]);
    expect(r.messages[4]!.metadata).toEqual({ injected: true });
    // The edit belongs to the typed prompt, not to the injected turn after it.
    expect(r.edits).toEqual([expect.objectContaining({ path: '/Users/test/jokes/jokes.csv', requestId: r.messages[0]!.id })]);
    expect(r.sessions.at(-1)!.title).toBe('Add a joke about recursion to jokes.csv');
  });

  it('still names an event type it does not know as a skipped line', async () => {
    const dir = tempDir();
    const file = join(dir, 't.jsonl');
    writeFileSync(file, `${JSON.stringify({ type: 'session.start', data: { sessionId: 's' } })}\n${JSON.stringify({ type: 'widget.spun', data: {} })}\n`);
    expect((await collect(copilot, file)).skips).toEqual([{ line: 2, reason: 'unknown event type widget.spun' }]);
  });

  // By hand: 11 events; 1 user.message, 2 assistant.message (each with one toolRequest: read_file,
  // apply_patch on /Users/test/project/src/main.ts), 2 tool.execution_start repeating those calls,
  // 2 tool.execution_complete. No context.cwd in session.start.
  it('reads the real event stream: 1 prompt, 2 answers, 2 tool calls once each, 1 apply_patch edit', async () => {
    const r = await collect(copilot, join(FIX, 'copilot_vscode_event_stream.jsonl'));
    expect(r.skips).toEqual([]);
    // The session record comes again with a title once the first prompt is seen (the ingest merges them).
    expect([...new Set(r.sessions.map((s) => s.id))]).toEqual(['copilot:5fcddc54-3ba1-4fc4-88ac-86bd2ce74c19']);
    expect(r.sessions.at(-1)!.title).toBe('Add a comment to the file');
    expect(r.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['Add a comment to the file']);
    expect(countWhere(r.messages, (m) => m.role === 'assistant' && m.kind === 'text')).toBe(2);
    expect(countWhere(r.messages, (m) => m.kind === 'tool_call')).toBe(2);
    expect(new Set(r.messages.map((m) => m.id)).size).toBe(r.messages.length);
    expect(r.edits.map((e) => [e.tool, e.path, e.oldText, e.newText])).toEqual([['apply_patch', '/Users/test/project/src/main.ts', "console.log('hello');", "// Entry point\nconsole.log('hello');"]]);
    expect(r.edits[0]!.requestId).toBe('copilot:5fcddc54-3ba1-4fc4-88ac-86bd2ce74c19:0930d95b-a423-4b8d-9290-87a5fae384cd');
  });

  it('takes the cwd of the real transcript from the workspace.json beside its storage dir', async () => {
    const r = await collect(copilot, join(FIX, 'copilot_vscode_workspace/GitHub.copilot-chat/transcripts/test-session-abc.jsonl'));
    expect(r.skips).toEqual([]);
    expect(r.sessions[0]).toMatchObject({ id: 'copilot:test-session-abc', cwd: '/Users/test/project' });
    expect(r.messages.map((m) => [m.role, m.kind])).toEqual([['user', 'prompt'], ['assistant', 'tool_call'], ['tool', 'tool_result']]);
  });

  it('prefers the cwd in session.start and reads appended events from the offset', async () => {
    const file = inWorkspace('copilot_vscode_workspace/GitHub.copilot-chat/transcripts/test-session-abc.jsonl', 'GitHub.copilot-chat/transcripts/t1.jsonl');
    const text = readFileSync(file, 'utf8').replace('"startTime"', '"context":{"cwd":"/repo/from/data"},"startTime"');
    writeFileSync(file, text);
    const first = await collect(copilot, file);
    expect(first.sessions[0]!.cwd).toBe('/repo/from/data');
    expect(first.cursor!.offset).toBe(Buffer.byteLength(text));

    const next = JSON.stringify({ type: 'user.message', data: { content: 'And the tests' }, id: 'ev-9', timestamp: '2026-05-11T23:20:00.000Z' });
    appendFileSync(file, next.slice(0, 20));
    const partial = await collect(copilot, file, first.cursor);
    expect([partial.messages.length, partial.skips.length]).toEqual([0, 0]);
    expect(partial.cursor!.offset).toBe(first.cursor!.offset);

    appendFileSync(file, `${next.slice(20)}\n{"type":"mystery.event","data":{}}\n{oops\n`);
    const rest = await collect(copilot, file, partial.cursor);
    expect(rest.sessions).toEqual([]);
    expect(rest.messages.map((m) => [m.id, m.kind])).toEqual([['copilot:test-session-abc:ev-9', 'prompt']]);
    expect(rest.skips).toEqual([
      { line: 2, reason: 'unknown event type mystery.event' },
      { line: 3, reason: 'invalid JSON' },
    ]);
  });

  it('reads a truncated and rewritten transcript again from the start', async () => {
    const file = inWorkspace('copilot_vscode_event_stream.jsonl', 'GitHub.copilot-chat/transcripts/t2.jsonl');
    const first = await collect(copilot, file);
    writeFileSync(file, `${readFileSync(file, 'utf8').split('\n').slice(0, 2).join('\n')}\n`);
    const again = await collect(copilot, file, first.cursor);
    expect(new Set(again.sessions.map((s) => s.id)).size).toBe(1);
    expect(again.messages.map((m) => m.kind)).toEqual(['prompt']);
  });
});

describe('copilot adapter: locate', () => {
  it.each([
    ['linux', {}, '.config/Code/User'],
    ['linux', { XDG_CONFIG_HOME: 'xdg' }, 'xdg/Code - Insiders/User'],
    ['darwin', {}, 'Library/Application Support/VSCodium/User'],
    ['win32', { APPDATA: 'AppData/Roaming' }, 'AppData/Roaming/Code/User'],
    ['win32', {}, 'AppData/Roaming/Code - Insiders/User'],
    ['linux', { VSCODE_APPDATA: 'custom' }, 'custom/Code/User'],
    ['darwin', { VSCODE_PORTABLE: 'portable' }, 'portable/user-data/User'],
    ['linux', {}, '.vscode-server/data/User'],
  ] as const)('finds chat sessions and transcripts on %s %o under %s', async (platform, env, rel) => {
    const home = tempDir('lore-home-');
    const user = join(home, rel);
    const files = [
      'workspaceStorage/h1/chatSessions/a.json',
      'workspaceStorage/h1/chatSessions/b.jsonl',
      'workspaceStorage/h1/GitHub.copilot-chat/transcripts/c.jsonl',
      'globalStorage/emptyWindowChatSessions/d.jsonl',
    ];
    for (const f of files) {
      mkdirSync(join(user, f, '..'), { recursive: true });
      writeFileSync(join(user, f), '{}\n');
    }
    writeFileSync(join(user, 'workspaceStorage/h1/chatSessions/notes.txt'), '');
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, join(home, v)]));
    const found = await copilot.locate(envFor(home, platform, resolved));
    expect(found.sort()).toEqual(files.map((f) => join(user, f)).sort());
    expect(found.every((f) => copilot.matches(f))).toBe(true);
  });
});
