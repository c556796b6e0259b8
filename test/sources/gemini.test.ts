import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gemini } from '../../src/sources/gemini.js';
import { adapterById } from '../../src/sources/index.js';
import { REAL, count, readAll, tempDir } from './adapter-harness.js';

const LEGACY = join(REAL, 'gemini/codemie-code/session-2026-01-16T11-01-file-ops-37b7abef.json');
const LOGS = join(REAL, 'gemini/codemie-code/logs.json');
const SIMPLE = join(REAL, 'gemini/git-ai/gemini-session-simple.jsonl');
const CODEMIE_ROOT = '/Users/Nikita_Levyankov/repos/EPMCDME/codemie-ai/codemie-code';
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** `<home>/.gemini/tmp/<projectId>/chats/<name>` holding a copy of `src`. */
function plant(home: string, projectId: string, name: string, src: string | Buffer): string {
  const dir = join(home, '.gemini', 'tmp', projectId, 'chats');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  if (Buffer.isBuffer(src)) writeFileSync(file, src);
  else copyFileSync(src, file);
  return file;
}

const j = (v: unknown): string => `${JSON.stringify(v)}\n`;
const metaLine = (sessionId: string, projectHash = 'f'.repeat(64)): string => j({ sessionId, projectHash, startTime: '2026-01-01T00:00:00.000Z', lastUpdated: '2026-01-01T00:00:00.000Z', kind: 'main' });
const user = (id: string, text: string): string => j({ id, timestamp: '2026-01-01T00:00:01.000Z', type: 'user', content: [{ text }] });
const model = (id: string, text: string, toolCalls?: unknown[]): string => j({ id, timestamp: '2026-01-01T00:00:02.000Z', type: 'gemini', content: text, ...(toolCalls ? { toolCalls } : {}) });

describe('gemini adapter on the real files', () => {
  it('is registered', () => {
    expect(adapterById('gemini')).toBe(gemini);
  });

  // Hand count (python over the record): 14 messages = 5 user + 9 gemini; 5 gemini have text, 4
  // only tool calls; 9 + 1 + 2 + 2 = 14 tool calls, each with a result; 3 write_file calls, all on
  // the relative path hello.md. No cwd field: the write_file results name
  // /Users/Nikita_Levyankov/.../codemie-code/hello.md, and sha256 of that directory is the record's
  // projectHash (checked with sha256sum), so it is the cwd.
  it('reads the legacy whole-file record in the hash layout, proving the cwd by the projectHash', async () => {
    const home = tempDir();
    const file = plant(home, '907f20644716c92a8309a8b7c1ceec79d422233ff220b7fdb8772b360bd8273f', 'session-2026-01-16T11-01-file-ops-37b7abef.json', LEGACY);
    const r = await readAll(gemini, file);
    expect(r.skips).toEqual([]);
    const s = r.sessions.get('gemini:37b7abef-713d-4522-85f0-8ff15a4e6d17')!;
    expect(r.sessions.size).toBe(1);
    expect(s).toMatchObject({ cwd: CODEMIE_ROOT, title: 'show tools', createdAt: '2026-01-16T11:01:22.281Z' });
    expect([count(r, 'user', 'prompt'), count(r, 'assistant', 'text'), count(r, 'assistant', 'tool_call'), count(r, 'tool', 'tool_result')]).toEqual([5, 5, 14, 14]);
    const edits = [...r.edits.values()];
    expect(edits.map((e) => [e.path, e.cwd, e.tool])).toEqual([
      ['hello.md', CODEMIE_ROOT, 'write_file'],
      ['hello.md', CODEMIE_ROOT, 'write_file'],
      ['hello.md', CODEMIE_ROOT, 'write_file'],
    ]);
    expect(edits[0]!.newText).toBe('# Hello World');
    expect(r.messages.get(edits[0]!.requestId!)?.content).toBe('create hello.md file');
    expect(r.messages.get(edits[2]!.requestId!)?.content).toBe('remove 2 and 3 line');
    expect(edits[2]!.createdAt).toBe('2026-01-16T12:34:26.753Z'); // the tool call's own timestamp
  });

  // git-ai's replay log: 1 user, 5 gemini messages with text, 4 tool calls (2 replace on an absolute
  // path), no results, then a $set. It lacks the metadata line, so there is no projectHash: no cwd.
  it('reads the replay log with its replace edits on absolute paths', async () => {
    const home = tempDir();
    const file = plant(home, 'testing-git', 'gemini-session-simple.jsonl', SIMPLE);
    const r = await readAll(gemini, file);
    expect(r.skips).toEqual([]);
    expect([count(r, 'user', 'prompt'), count(r, 'assistant', 'text'), count(r, 'assistant', 'tool_call'), count(r, 'tool')]).toEqual([1, 5, 4, 0]);
    const edits = [...r.edits.values()];
    expect(edits.map((e) => [e.path, e.tool, e.cwd])).toEqual([
      ['/Users/svarlamov/projects/testing-git/index.ts', 'replace', undefined],
      ['/Users/svarlamov/projects/testing-git/index.ts', 'replace', undefined],
    ]);
    expect(edits[0]).toMatchObject({ oldText: "console.log('hello world');", newText: "console.log('hello world');\nconsole.log('hello bob');" });
    const s = [...r.sessions.values()][0]!;
    expect(s.cwd).toBeUndefined();
    expect(s.metadata).toEqual({ lastUpdated: '2025-12-06T18:27:49.718Z' });
  });

  it('finds the cwd of the replay log once a metadata line gives the projectHash', async () => {
    const home = tempDir();
    const body = readFileSync(SIMPLE, 'utf8');
    const file = plant(home, 'x', 'session-2025-12-06T18-25-38b36361.jsonl', Buffer.from(metaLine('38b36361-0000-4000-8000-000000000000', sha256('/Users/svarlamov/projects/testing-git')) + body));
    const r = await readAll(gemini, file);
    expect(r.sessions.get('gemini:38b36361-0000-4000-8000-000000000000')!.cwd).toBe('/Users/svarlamov/projects/testing-git');
  });

  it('takes the cwd from .project_root in the slug layout, and from projects.json', async () => {
    const home = tempDir();
    const file = plant(home, 'codemie-code', 'session-2026-01-16T11-01-file-ops-37b7abef.json', LEGACY);
    writeFileSync(join(home, '.gemini/tmp/codemie-code/.project_root'), '/srv/codemie\n');
    expect([...(await readAll(gemini, file)).sessions.values()][0]!.cwd).toBe('/srv/codemie');
    const home2 = tempDir();
    const file2 = plant(home2, 'other-slug', 'session-2026-01-16T11-01-file-ops-37b7abef.json', LEGACY);
    writeFileSync(join(home2, '.gemini/projects.json'), JSON.stringify({ projects: { '/srv/other': 'other-slug' } }));
    expect([...(await readAll(gemini, file2)).sessions.values()][0]!.cwd).toBe('/srv/other');
  });

  // logs.json: 3 prompts of session 5b959dae, whose chat file is not there.
  it('reads logs.json prompts of sessions that have no chat file, and none of those that do', async () => {
    const home = tempDir();
    const dir = join(home, '.gemini/tmp/p1');
    mkdirSync(join(dir, 'chats'), { recursive: true });
    copyFileSync(LOGS, join(dir, 'logs.json'));
    const r = await readAll(gemini, join(dir, 'logs.json'));
    expect(r.skips).toEqual([]);
    expect([...r.sessions.keys()]).toEqual(['gemini:5b959dae-8655-4cd1-b10f-720b8c336ea2']);
    expect([...r.messages.values()].map((m) => `${m.kind}:${m.content.slice(0, 20)}`)).toEqual(['prompt:hi', 'prompt:Explain what this is', 'prompt:Make a copy of lead_']);
    writeFileSync(join(dir, 'chats/session-2025-12-01T21-45-5b959dae.jsonl'), metaLine('5b959dae-8655-4cd1-b10f-720b8c336ea2'));
    const again = await readAll(gemini, join(dir, 'logs.json'), r.cursor);
    expect(again.messages.size).toBe(0);
  });

  it('reads logs.json again when a chat file appears, though logs.json itself is unchanged', async () => {
    const home = tempDir();
    const dir = join(home, '.gemini/tmp/p1');
    mkdirSync(join(dir, 'chats'), { recursive: true });
    const entry = (sessionId: string, messageId: number, message: string): unknown => ({ sessionId, messageId, type: 'user', message, timestamp: '2026-01-01T00:00:00.000Z' });
    writeFileSync(join(dir, 'logs.json'), JSON.stringify([entry('aaaaaaaa-1', 0, 'first'), entry('bbbbbbbb-2', 0, 'second')]));
    const r = await readAll(gemini, join(dir, 'logs.json'));
    expect([...r.sessions.keys()]).toEqual(['gemini:aaaaaaaa-1', 'gemini:bbbbbbbb-2']);
    const same = await readAll(gemini, join(dir, 'logs.json'), r.cursor);
    expect(same.records.map((x) => x.kind)).toEqual(['checkpoint']);
    writeFileSync(join(dir, 'chats/session-2026-01-01T00-00-aaaaaaaa.jsonl'), metaLine('aaaaaaaa-1'));
    const again = await readAll(gemini, join(dir, 'logs.json'), r.cursor);
    expect([...again.sessions.keys()]).toEqual(['gemini:bbbbbbbb-2']);
    expect([...again.messages.values()].map((m) => m.content)).toEqual(['second']);
  });
});

describe('gemini adapter on the turns the CLI writes itself', () => {
  // Reconstructed (test/fixtures/real/RECONSTRUCTED.md) from gemini-cli's chatRecordingService and
  // client.ts: "System: Please continue." recorded with the tool results as its displayContent, the
  // next-speaker check's "Please continue.", and tool results recorded as a user message of their own.
  it('stores no empty or injected prompt: the continuation is metadata, tool results stay with their call', async () => {
    const home = tempDir();
    const file = plant(home, sha256('/home/test/tool'), 'session-2026-04-20T09-12-5c1e2f3a.jsonl', join(REAL, 'gemini/reconstructed/session-2026-04-20T09-12-5c1e2f3a.jsonl'));
    const r = await readAll(gemini, file);
    expect(r.skips).toEqual([]);
    const messages = [...r.messages.values()];
    expect(messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['add a --verbose flag to cli.py', 'now print the parsed args when --verbose is set']);
    expect(messages.filter((m) => m.role === 'system').map((m) => [m.kind, m.content, m.metadata])).toEqual([
      ['meta', 'System: Please continue.', { injected: true }],
      ['meta', 'Please continue.', { injected: true }],
    ]);
    // The edit made after the continuation is the typed prompt's work.
    const [edit] = [...r.edits.values()];
    expect(edit).toMatchObject({ path: '/home/test/tool/cli.py', requestId: 'gemini:5c1e2f3a-8d47-4b90-a6e2-0f9c3d1b7e54:a3f1c9e2-55b0-4c1d-9e7a-2d4b6f8e0c11' });
    expect([...r.sessions.values()][0]).toMatchObject({ title: 'add a --verbose flag to cli.py', cwd: '/home/test/tool' });
  });
});

describe('gemini adapter reading incrementally', () => {
  it('waits for a half-written line, and lets a repeated id replace its message', async () => {
    const home = tempDir();
    const call = { id: 'write_file-1', name: 'write_file', args: { file_path: 'a.txt', content: 'A' } };
    const first = metaLine('aaaaaaaa-0000-4000-8000-000000000000') + user('u1', 'write a') + model('g1', 'Writing.', [call]);
    const update = model('g1', 'Writing.', [{ ...call, status: 'success', result: [{ functionResponse: { id: 'write_file-1', name: 'write_file', response: { output: 'ok' } } }] }]);
    const file = plant(home, 'p', 'session-2026-01-01T00-00-aaaaaaaa.jsonl', Buffer.from(first + update.slice(0, 30)));
    const a = await readAll(gemini, file);
    expect(a.skips).toEqual([]);
    expect(count(a, 'tool')).toBe(0);
    appendFileSync(file, update.slice(30));
    const b = await readAll(gemini, file, a.cursor, a);
    expect(b.skips).toEqual([]);
    expect(b.messages.get('gemini:aaaaaaaa-0000-4000-8000-000000000000:write_file-1:result')?.content).toBe('ok');
    expect(b.edits.size).toBe(1);
    expect(b.edits.get('gemini:aaaaaaaa-0000-4000-8000-000000000000:write_file-1#0')?.requestId).toBe('gemini:aaaaaaaa-0000-4000-8000-000000000000:u1');
    expect(b.cursor!.offset).toBe(readFileSync(file).length);
  });

  it('keeps rewound messages marked, whether the rewind comes in the same read or a later one', async () => {
    for (const split of [false, true]) {
      const home = tempDir();
      const before = metaLine('bbbbbbbb-0000-4000-8000-000000000000') + user('u1', 'one') + model('g1', 'answer one') + user('u2', 'two') + model('g2', 'answer two');
      const after = j({ $rewindTo: 'u2' }) + user('u3', 'two, better') + j({ $set: { summary: 'Two things' } });
      const file = plant(home, 'p', 'session-2026-01-01T00-00-bbbbbbbb.jsonl', Buffer.from(split ? before : before + after));
      let r = await readAll(gemini, file);
      if (split) {
        appendFileSync(file, after);
        r = await readAll(gemini, file, r.cursor, r);
      }
      const sid = 'gemini:bbbbbbbb-0000-4000-8000-000000000000';
      expect([...r.messages.values()].map((m) => `${m.id.slice(sid.length + 1)}${m.metadata?.rewound ? ' (rewound)' : ''}`)).toEqual(['u1', 'g1', 'u2 (rewound)', 'g2 (rewound)', 'u3']);
      expect(r.sessions.get(sid)!.title).toBe('Two things');
    }
  });

  it('re-reads a rewritten .json record whole, and skips it while it is unchanged', async () => {
    const home = tempDir();
    const file = plant(home, 'p', 'session-x.json', LEGACY);
    const a = await readAll(gemini, file);
    const same = await readAll(gemini, file, a.cursor);
    expect(same.records.map((x) => x.kind)).toEqual(['checkpoint']);
    const rec = JSON.parse(readFileSync(file, 'utf8')) as { messages: { content: unknown }[] };
    rec.messages[0]!.content = 'show all tools';
    writeFileSync(file, JSON.stringify(rec));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const b = await readAll(gemini, file, a.cursor);
    expect([...b.messages.keys()]).toEqual([...a.messages.keys()]);
    expect(b.messages.get('gemini:37b7abef-713d-4522-85f0-8ff15a4e6d17:5bc60e61-f687-42df-8cfc-71c6303da34e')!.content).toBe('show all tools');
  });
});

describe('gemini adapter on bad input', () => {
  it('skips bad lines and unknown records with a reason and keeps the good ones around them', async () => {
    const home = tempDir();
    const file = plant(
      home,
      'p',
      'session-2026-01-01T00-00-cccccccc.jsonl',
      Buffer.from(metaLine('cccccccc-0000-4000-8000-000000000000') + user('u1', 'hi') + '{"id": "g1", "type": \n' + '"a string"\n' + j({ $unknownOp: 1 }) + model('g2', 'hello')),
    );
    const r = await readAll(gemini, file);
    expect(r.skips).toEqual([
      { line: 3, reason: 'invalid JSON' },
      { line: 4, reason: 'not a JSON object' },
      { line: 5, reason: 'unknown record (keys $unknownOp)' },
    ]);
    expect([...r.messages.values()].map((m) => m.content)).toEqual(['hi', 'hello']);
  });

  it('skips a .json record that is not JSON or has the wrong shape, and bad entries in it', async () => {
    const home = tempDir();
    const bad = plant(home, 'p', 'session-bad.json', Buffer.from('{"sessionId": '));
    expect((await readAll(gemini, bad)).skips[0]!.reason).toMatch(/^invalid JSON/);
    const wrong = plant(home, 'p', 'session-wrong.json', Buffer.from('{"sessionId": 5, "messages": {}}'));
    expect((await readAll(gemini, wrong)).skips).toEqual([{ reason: 'not a Gemini conversation record (no sessionId or messages)' }]);
    const mixed = plant(home, 'p', 'session-mixed.json', Buffer.from(JSON.stringify({ sessionId: 's1', messages: [7, { id: 'u1', type: 'user', content: 'ok' }] })));
    const r = await readAll(gemini, mixed);
    expect(r.skips).toEqual([{ reason: 'messages[0] is not a message (no id or type)' }]);
    expect([...r.messages.values()].map((m) => m.content)).toEqual(['ok']);
  });
});

describe('gemini adapter locating files', () => {
  it('finds chats (both layouts, subagents) and logs.json under ~/.gemini on each OS, and under GEMINI_CLI_HOME', async () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const home = tempDir();
      const a = plant(home, sha256('/srv/a'), 'session-2026-01-16T11-01-37b7abef.json', LEGACY);
      const b = plant(home, 'my-app', 'session-2026-01-16T11-01-38b36361.jsonl', SIMPLE);
      mkdirSync(join(home, '.gemini/tmp/my-app/chats/38b36361'), { recursive: true });
      const nested = join(home, '.gemini/tmp/my-app/chats/38b36361/dddddddd.jsonl');
      copyFileSync(SIMPLE, nested);
      writeFileSync(join(home, '.gemini/tmp/my-app/chats/session-old.json.unreadable-123'), '{');
      copyFileSync(LOGS, join(home, '.gemini/tmp/my-app/logs.json'));
      const found = await gemini.locate({ env: {}, home, platform, knownRepos: [] });
      expect(found.sort()).toEqual([a, b, nested, join(home, '.gemini/tmp/my-app/logs.json')].sort());
      for (const f of found) expect(gemini.matches(f)).toBe(true);
    }
    const cliHome = tempDir();
    const inCli = plant(cliHome, 'p', 'session-1.json', LEGACY);
    const home = tempDir();
    plant(home, 'p', 'session-2.json', LEGACY);
    expect(await gemini.locate({ env: { GEMINI_CLI_HOME: cliHome }, home, platform: 'linux', knownRepos: [] })).toEqual([inCli]);
  });

  it('matches Gemini paths on either separator and nothing else', () => {
    expect(gemini.matches('C:\\Users\\me\\.gemini\\tmp\\app\\chats\\session-1.jsonl')).toBe(true);
    expect(gemini.matches('/h/.gemini/tmp/app/logs.json')).toBe(true);
    expect(gemini.matches('/h/project/logs.json')).toBe(false);
    expect(gemini.matches('/h/.gemini/settings.json')).toBe(false);
  });
});
