import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codex } from '../../src/sources/codex.js';
import { adapterById } from '../../src/sources/index.js';
import { REAL, count, readAll, tempDir } from './adapter-harness.js';

const CODEMIE = join(REAL, 'codex/codemie-code/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl');
const SIMPLE = join(REAL, 'codex/git-ai/codex-session-simple.jsonl');
const LOCAL1 = join(REAL, 'codex/localpush/rollout-2026-02-23T13-19-38-019c8a70-dda7-7f33-98ea-f30553347322.jsonl');
const LOCAL2 = join(REAL, 'codex/localpush/rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl');

const line = (type: string, payload: unknown, ts = '2026-01-01T00:00:00.000Z'): string => `${JSON.stringify({ timestamp: ts, type, payload })}\n`;
const meta = (id: string, cwd = '/work/app'): string => line('session_meta', { id, timestamp: '2026-01-01T00:00:00.000Z', cwd, originator: 'codex_cli_rs', cli_version: '0.1.0' });
const userItem = (text: string): string => line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const userEvent = (text: string): string => line('event_msg', { type: 'user_message', message: text });
const assistantItem = (text: string): string => line('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
const agentEvent = (text: string): string => line('event_msg', { type: 'agent_message', message: text });

describe('codex adapter on the real rollouts', () => {
  it('is registered', () => {
    expect(adapterById('codex')).toBe(codex);
  });

  // Hand counts (python over the file): 2 event_msg.user_message (each also a response_item user
  // message), 13 agent_message each twinned by a response_item assistant message, 43 exec_command +
  // 54 write_stdin + 2 update_plan function_calls + 3 apply_patch custom_tool_calls + 3
  // web_search_calls = 105 calls; 99 function_call_output + 3 custom_tool_call_output = 102 results;
  // 3 patch_apply_end repeat the 3 apply_patch edits; line 3 developer + line 4 AGENTS.md = 2 context.
  it('reads the codemie-code 0.125 rollout once per message, with its three apply_patch edits', async () => {
    const r = await readAll(codex, CODEMIE);
    expect(r.skips).toEqual([]);
    expect([...r.sessions.keys()]).toEqual(['codex:019e1625-789d-76c0-80ab-3724b5ddb799']);
    const s = r.sessions.get('codex:019e1625-789d-76c0-80ab-3724b5ddb799')!;
    expect(s.cwd).toBe('/Users/Sample_User/repos/codemie-ai/codemie-code');
    expect(s.createdAt).toBe('2026-05-11T08:26:55.042Z');
    expect(s.title).toBe('show tools');
    expect((s.metadata?.git as { branch: string }).branch).toBe('feat/codex-agent-plugin');
    const prompts = [...r.messages.values()].filter((m) => m.kind === 'prompt');
    expect(prompts.map((m) => m.content)).toEqual(['show tools', "let's update the defailt context compart to 90 in env var"]);
    expect(prompts.map((m) => m.id)).toEqual(['codex:019e1625-789d-76c0-80ab-3724b5ddb799:L6', 'codex:019e1625-789d-76c0-80ab-3724b5ddb799:L22']);
    expect(count(r, 'assistant', 'text')).toBe(13);
    expect(count(r, 'assistant', 'tool_call')).toBe(105);
    expect(count(r, 'tool', 'tool_result')).toBe(102);
    expect(count(r, 'system', 'meta')).toBe(2);
    const edits = [...r.edits.values()];
    expect(edits.map((e) => e.path)).toEqual([
      'src/agents/plugins/__tests__/codemie-code-reasoning.test.ts',
      'src/agents/plugins/codemie-code.plugin.ts',
      'src/agents/plugins/opencode/opencode.plugin.ts',
    ]);
    for (const e of edits) {
      expect(e.cwd).toBe('/Users/Sample_User/repos/codemie-ai/codemie-code');
      expect(e.tool).toBe('apply_patch');
      expect(e.requestId).toBe('codex:019e1625-789d-76c0-80ab-3724b5ddb799:L22');
      expect(r.messages.get(e.messageId!)?.kind).toBe('tool_call');
    }
    expect(edits[1]!.newText).toContain('threshold: 0.9,');
    expect(edits[1]!.oldText).not.toContain('threshold: 0.9,');
    expect(edits[1]!.createdAt).toBe('2026-05-11T08:42:24.599Z');
    // The patch's own hunk lines, whole: what linking compares with the commit.
    expect(edits[1]!.patch).toMatch(/^@@/);
    expect(edits[1]!.patch).toContain('\n+      threshold: 0.9,\n');
    expect(edits[1]!.patch).toContain("\n     share: 'disabled',\n");
  });

  // git-ai's hand-made rollout: no event_msg at all, apply_patch as a function_call {"patch": ...}.
  it('reads a rollout without events and an apply_patch function_call with a relative path', async () => {
    const r = await readAll(codex, SIMPLE);
    expect(r.skips).toEqual([]);
    expect([...r.sessions.keys()]).toEqual(['codex:019c4b43-1451-7af3-be4c-5576369bf1ba']);
    expect(r.sessions.get('codex:019c4b43-1451-7af3-be4c-5576369bf1ba')!.cwd).toBe('/Users/test/projects/git-ai');
    expect(count(r, 'user', 'prompt')).toBe(1);
    expect(count(r, 'assistant', 'text')).toBe(1);
    const [edit] = [...r.edits.values()];
    expect(r.edits.size).toBe(1);
    expect(edit).toMatchObject({
      path: 'src/main.rs',
      cwd: '/Users/test/projects/git-ai',
      oldText: 'fn main() {}',
      newText: 'fn greet() { println!("hello"); }\nfn main() { greet(); }',
      messageId: 'codex:019c4b43-1451-7af3-be4c-5576369bf1ba:call_abc123',
      requestId: 'codex:019c4b43-1451-7af3-be4c-5576369bf1ba:L3',
    });
  });

  // Sanitized Desktop 0.104 rollouts: each has one event_msg.user_message; its response_item twin
  // and the injected context (lines 4-5, 9, 11) carry placeholder text, so only the event is the prompt.
  // Assistant text: 1 and 6 agent_message, each twinned by a response_item; reasoning likewise.
  it('reads the sanitized Desktop rollouts with one prompt each', async () => {
    const a = await readAll(codex, LOCAL1);
    expect(a.skips).toEqual([]);
    expect(a.sessions.get('codex:019c8a70-dda7-7f33-98ea-f30553347322')!.cwd).toBe('/redacted/path/da0ba47443');
    expect([count(a, 'user', 'prompt'), count(a, 'assistant', 'text'), count(a, 'assistant', 'thinking'), count(a, 'assistant', 'tool_call')]).toEqual([1, 1, 1, 1]);
    const b = await readAll(codex, LOCAL2);
    expect(b.skips).toEqual([]);
    expect([count(b, 'user', 'prompt'), count(b, 'assistant', 'text'), count(b, 'assistant', 'thinking'), count(b, 'assistant', 'tool_call'), count(b, 'tool', 'tool_result')]).toEqual([1, 6, 6, 5, 5]);
    expect(b.edits.size).toBe(0);
  });
});

describe('codex adapter on prompts an IDE wrapped', () => {
  // Reconstructed (test/fixtures/real/RECONSTRUCTED.md): a VS Code extension rollout whose two
  // prompts are wrapped in "# Context from my IDE setup:" and "# Files mentioned by the user:".
  it('titles the session with the request, not the wrapper, and keeps the prompt whole', async () => {
    const r = await readAll(codex, join(REAL, 'codex/reconstructed/rollout-2026-03-02T14-05-11-019cab12-7e40-7c21-9a55-3f0d8b2e6c14.jsonl'));
    expect(r.skips).toEqual([]);
    expect([...r.sessions.values()][0]).toMatchObject({ cwd: '/Users/test/api', title: 'add a /health route that returns the git sha' });
    const prompts = [...r.messages.values()].filter((m) => m.kind === 'prompt');
    expect(prompts.map((m) => m.content.split('\n')[0])).toEqual(['# Context from my IDE setup:', '# Files mentioned by the user:']);
    expect(prompts[0]!.content).toContain('## Active file: src/server/routes.ts');
    expect([...r.edits.values()]).toEqual([expect.objectContaining({ path: 'src/server/routes.ts', requestId: prompts[0]!.id })]);
  });

  it('titles a session whose first prompt names files the same way', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout-2026-01-01T00-00-00-019c0000-0000-7000-8000-000000000001.jsonl');
    writeFileSync(file, meta('019c0000-0000-7000-8000-000000000001') + userEvent('# Files mentioned by the user:\n\n## a.png: /tmp/a.png\n\n## My request for Codex:\nFix the command execution.\n'));
    expect([...(await readAll(codex, file)).sessions.values()][0]!.title).toBe('Fix the command execution.');
  });
});

describe('codex adapter reading incrementally', () => {
  it('gives the same rows when the rollout is read in two pieces cut anywhere', async () => {
    const full = await readAll(codex, CODEMIE);
    const bytes = readFileSync(CODEMIE);
    const dir = tempDir();
    const lineStarts = [0];
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lineStarts.push(i + 1);
    // Cuts inside the lines around each prompt pair (RI user, then event) and an edit.
    const cuts = [5, 6, 7, 21, 22, 23, 24, 257, 258, 259].flatMap((n) => [lineStarts[n - 1]!, lineStarts[n - 1]! + 10]);
    for (const cut of cuts) {
      const file = join(dir, `rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl`);
      writeFileSync(file, bytes.subarray(0, cut));
      const first = await readAll(codex, file);
      appendFileSync(file, bytes.subarray(cut));
      const both = await readAll(codex, file, first.cursor, first);
      expect(both.skips, `cut at ${cut}`).toEqual([]);
      expect([...both.messages.keys()].sort(), `cut at ${cut}`).toEqual([...full.messages.keys()].sort());
      expect([...both.edits.keys()].sort()).toEqual([...full.edits.keys()].sort());
      expect(both.messages.get('codex:019e1625-789d-76c0-80ab-3724b5ddb799:L22')?.kind).toBe('prompt');
    }
  });

  it('waits for the newline of a half-written last line', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout-2026-01-01T00-00-00-11111111-2222-3333-4444-555555555555.jsonl');
    const done = assistantItem('first answer');
    const half = userEvent('second request');
    writeFileSync(file, meta('11111111-2222-3333-4444-555555555555') + userEvent('do it') + done + half.slice(0, 20));
    const a = await readAll(codex, file);
    expect(a.skips).toEqual([]);
    expect([...a.messages.values()].map((m) => m.content)).toEqual(['do it', 'first answer']);
    appendFileSync(file, half.slice(20));
    const b = await readAll(codex, file, a.cursor);
    expect([...b.messages.values()].map((m) => m.content)).toEqual(['second request']);
    expect(b.cursor!.offset).toBe(readFileSync(file).length);
  });

  it('stores a trailing user response_item as context, and makes it the prompt when its event follows', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout-2026-01-01T00-00-00-11111111-2222-3333-4444-555555555555.jsonl');
    writeFileSync(file, meta('11111111-2222-3333-4444-555555555555') + userEvent('one') + assistantItem('answer one') + userItem('two'));
    const a = await readAll(codex, file);
    const id = 'codex:11111111-2222-3333-4444-555555555555:L4';
    expect(a.messages.get(id)).toMatchObject({ role: 'system', kind: 'meta', content: 'two' });
    appendFileSync(file, userEvent('two') + assistantItem('answer two'));
    const b = await readAll(codex, file, a.cursor, a);
    expect(b.messages.get(id)).toMatchObject({ role: 'user', kind: 'prompt', content: 'two' });
    expect([...b.messages.values()].map((m) => m.content)).toEqual(['one', 'answer one', 'two', 'answer two']);
  });

  it('reads a rewritten rollout again from the start', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout-2026-01-01T00-00-00-11111111-2222-3333-4444-555555555555.jsonl');
    writeFileSync(file, meta('11111111-2222-3333-4444-555555555555') + userEvent('one') + assistantItem('answer one'));
    const a = await readAll(codex, file);
    writeFileSync(file, meta('11111111-2222-3333-4444-555555555555', '/other') + userEvent('two') + assistantItem('answer two') + assistantItem('more'));
    const b = await readAll(codex, file, a.cursor);
    expect([...b.messages.values()].map((m) => m.content)).toEqual(['two', 'answer two', 'more']);
    expect([...b.sessions.values()][0]!.cwd).toBe('/other');
  });
});

describe('codex adapter on bad and unusual input', () => {
  it('skips bad lines with a reason and keeps the good ones around them', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout-2026-01-01T00-00-00-11111111-2222-3333-4444-555555555555.jsonl');
    writeFileSync(
      file,
      meta('11111111-2222-3333-4444-555555555555') +
        userEvent('fix it') +
        '{"timestamp": "x", "type": "response_item", "payload": {"type": "message", "role": \n' +
        line('response_item', 'not an object') +
        line('response_item', { type: 'message', role: 'assistant', content: 42 }) +
        line('world_state', { foo: 1 }) +
        line('response_item', { type: 'brand_new_item' }) +
        '[1,2,3]\n' +
        assistantItem('fixed'),
    );
    const r = await readAll(codex, file);
    expect(r.skips).toEqual([
      { line: 3, reason: 'invalid JSON' },
      { line: 4, reason: 'response_item without a payload object' },
      { line: 5, reason: 'message without content' },
      { line: 6, reason: 'unknown record type "world_state"' },
      { line: 7, reason: 'unknown response_item type "brand_new_item"' },
      { line: 8, reason: 'not a JSON object' },
    ]);
    expect([...r.messages.values()].map((m) => m.content)).toEqual(['fix it', 'fixed']);
  });

  it('keeps a user response_item as the prompt only when no event twin follows, and injected context as meta', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout-2026-01-01T00-00-00-11111111-2222-3333-4444-555555555555.jsonl');
    writeFileSync(
      file,
      meta('11111111-2222-3333-4444-555555555555') +
        userItem('# AGENTS.md instructions for /work/app\n\n<INSTRUCTIONS>be nice</INSTRUCTIONS>') +
        userItem('<environment_context>\n  <cwd>/work/app</cwd>\n</environment_context>') +
        userItem('add a flag') +
        userEvent('add a flag') +
        agentEvent('Adding it.') +
        assistantItem('Adding it.') +
        assistantItem('Done.') +
        agentEvent('Done.'),
    );
    const r = await readAll(codex, file);
    expect([...r.messages.values()].map((m) => `${m.role}/${m.kind}:${m.content.slice(0, 12)}`)).toEqual([
      'system/meta:# AGENTS.md ',
      'system/meta:<environment',
      'user/prompt:add a flag',
      'assistant/text:Adding it.',
      'assistant/text:Done.',
    ]);
  });

  it('finds apply_patch in shell calls, with added, deleted and moved files and absolute paths', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout-2026-01-01T00-00-00-11111111-2222-3333-4444-555555555555.jsonl');
    const patch = '*** Begin Patch\n*** Add File: docs/new.md\n+# New\n+text\n*** Delete File: old.txt\n*** Update File: /abs/src/a.ts\n*** Move to: /abs/src/b.ts\n@@\n-const a = 1;\n+const b = 1;\n*** End Patch';
    writeFileSync(
      file,
      meta('11111111-2222-3333-4444-555555555555') +
        line('turn_context', { cwd: '/work/app/sub' }) +
        userEvent('reorganize') +
        line('response_item', { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['apply_patch', patch], workdir: '/work/app/sub' }), call_id: 'c1' }) +
        line('event_msg', { type: 'patch_apply_end', call_id: 'c1', success: true, changes: { '/work/app/sub/docs/new.md': { type: 'add', content: '# New\ntext\n' } } }) +
        line('response_item', { type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: x.py\n@@\n-a\n+b\n*** End Patch\nEOF" }), call_id: 'c2' }) +
        line('event_msg', { type: 'patch_apply_end', call_id: 'c3', success: true, changes: { '/work/app/sub/y.py': { type: 'update', unified_diff: '@@ -1 +1 @@\n-old\n+new\n' } } }) +
        line('event_msg', { type: 'patch_apply_end', call_id: 'c4', success: false, changes: { '/work/app/sub/z.py': { type: 'update', unified_diff: '@@ -1 +1 @@\n-old\n+new\n' } } }),
    );
    const r = await readAll(codex, file);
    expect(r.skips).toEqual([]);
    expect([...r.edits.values()].map((e) => [e.path, e.oldText ?? null, e.newText ?? null])).toEqual([
      ['docs/new.md', null, '# New\ntext'],
      ['old.txt', null, null],
      ['/abs/src/a.ts', 'const a = 1;', null],
      ['/abs/src/b.ts', null, 'const b = 1;'],
      ['x.py', 'a', 'b'],
      ['/work/app/sub/y.py', 'old', 'new'],
    ]);
    for (const e of r.edits.values()) expect(e.cwd).toBe('/work/app/sub');
    expect(r.sessions.get('codex:11111111-2222-3333-4444-555555555555')!.cwd).toBe('/work/app');
  });

  it('reports an unreadable file as a skip, not an error', async () => {
    const r = await readAll(codex, join(tempDir(), 'rollout-missing.jsonl'));
    expect(r.skips).toEqual([{ reason: 'cannot read file: ENOENT' }]);
  });
});

describe('codex adapter locating rollouts', () => {
  const name = 'rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl';
  function plant(root: string, sub: string): string {
    const dir = join(root, sub);
    mkdirSync(dir, { recursive: true });
    copyFileSync(SIMPLE, join(dir, name));
    writeFileSync(join(dir, 'notes.txt'), 'x');
    return join(dir, name);
  }

  it('finds live and archived rollouts under ~/.codex on each OS, the live copy winning', async () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const home = tempDir();
      const live = plant(join(home, '.codex'), 'sessions/2026/05/11');
      plant(join(home, '.codex'), 'archived_sessions/2026/05/11');
      const archived = plant(join(home, '.codex'), 'archived_sessions/2026/04/01');
      const found = await codex.locate({ env: {}, home, platform, knownRepos: [] });
      expect(found).toEqual([live, archived]);
    }
  });

  it('honours CODEX_HOME, also as a comma-separated list', async () => {
    const a = tempDir();
    const b = tempDir();
    const inA = plant(a, 'sessions/2026/05/11');
    const inB = plant(b, 'sessions');
    const home = tempDir();
    plant(join(home, '.codex'), 'sessions');
    expect(await codex.locate({ env: { CODEX_HOME: a }, home, platform: 'linux', knownRepos: [] })).toEqual([inA]);
    expect(await codex.locate({ env: { CODEX_HOME: `${a},${b}` }, home, platform: 'linux', knownRepos: [] })).toEqual([inA, inB]);
  });

  it('matches rollout files by name on either separator', () => {
    expect(codex.matches('/h/.codex/sessions/2026/05/11/' + name)).toBe(true);
    expect(codex.matches('C:\\Users\\me\\.codex\\sessions\\' + name)).toBe(true);
    expect(codex.matches('/h/.codex/history.jsonl')).toBe(false);
  });
});
