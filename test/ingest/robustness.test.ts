import { appendFileSync, chmodSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionEdits, sessionMessages } from '../../src/db/index.js';
import type { SourceRecord } from '../../src/sources/index.js';
import { gitRepo } from '../helpers/git-repo.js';
import { secretCorpus } from '../fixtures/secrets/corpus.mjs';
import { count, rowSet, run, testAdapter, tmpDir } from '../helpers/ingest.js';
import { tempDb } from '../helpers/temp-db.js';

const SID = '11111111-2222-4333-8444-555555555555';
const T0 = Date.parse('2026-02-01T10:00:00Z');
let clock = 0;

/** A Claude Code line of the given type; `cwd` defaults to /work/app. */
function line(type: 'user' | 'assistant', content: unknown, extra: Record<string, unknown> = {}): string {
  clock++;
  const base = { type, sessionId: SID, uuid: `u-${clock}`, cwd: '/work/app', timestamp: new Date(T0 + clock * 1000).toISOString(), ...extra };
  const message = type === 'user' ? { role: 'user', content } : { id: extra.msgId ?? `msg_${clock}`, role: 'assistant', model: 'm', content };
  return JSON.stringify({ ...base, message }) + '\n';
}

const prompt = (text: string, extra = {}) => line('user', text, extra);
const answer = (text: string, extra = {}) => line('assistant', [{ type: 'text', text }], extra);
const edit = (name: string, input: Record<string, unknown>, extra = {}) => line('assistant', [{ type: 'tool_use', id: `toolu_${clock + 1}`, name, input }], extra);

function transcript(): { root: string; file: string; env: NodeJS.ProcessEnv } {
  const config = tmpDir('lore-claude-');
  const dir = join(config, 'projects', '-work-app');
  mkdirSync(dir, { recursive: true });
  return { root: config, file: join(dir, `${SID}.jsonl`), env: { ...process.env, CLAUDE_CONFIG_DIR: config } };
}

describe('bad input', () => {
  it('skips malformed lines, wrong types, unknown kinds and invalid UTF-8 with warnings, keeping earlier rows', async () => {
    const { db } = tempDb();
    const { file, env } = transcript();
    writeFileSync(file, prompt('first request') + answer('first answer'));
    await run(db, { sources: ['claude-code'], env });
    const before = rowSet(db);
    appendFileSync(file, '{"type":"user", broken\n');
    appendFileSync(file, '[1,2,3]\n');
    appendFileSync(file, JSON.stringify({ type: 'user', sessionId: SID, uuid: 'x', message: 'not an object' }) + '\n');
    appendFileSync(file, JSON.stringify({ type: 'user', sessionId: SID, uuid: 'y', message: { role: 'user', content: 42 } }) + '\n');
    appendFileSync(file, JSON.stringify({ type: 'hologram', sessionId: SID }) + '\n');
    appendFileSync(file, Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d, 0x0a])); // {"\xc3(":1}
    appendFileSync(file, prompt('second request') + answer('second answer'));
    const { result, warnings } = await run(db, { sources: ['claude-code'], env });
    expect(warnings.map((w) => w.type === 'warning' && [w.message, w.file, w.line])).toEqual([
      ['skipped: invalid JSON', file, 3],
      ['skipped: not a JSON object', file, 4],
      ['skipped: user record without a message object', file, 5],
      ['skipped: user message content is neither text nor blocks', file, 6],
      ['skipped: unknown record type "hologram"', file, 7],
      ['1 more line(s) skipped', file, undefined],
    ]);
    expect(result.sources[0]!.skipped).toEqual({
      'invalid JSON': 1,
      'not a JSON object': 1,
      'user record without a message object': 1,
      'user message content is neither text nor blocks': 1,
      'unknown record type "hologram"': 1,
      'invalid UTF-8': 1,
    });
    const messages = sessionMessages(db, `claude-code:${SID}`).map((m) => m.content);
    expect(messages).toEqual(['first request', 'first answer', 'second request', 'second answer']);
    for (const m of before.messages!) expect(rowSet(db).messages).toContainEqual(m);
    expect(db.prepare('SELECT skipped FROM source_files').get()).toEqual({ skipped: 6 });
    db.close();
  });

  it('skips a 100 MB line without holding it in memory, and reads the lines around it', async () => {
    const { db } = tempDb();
    const { file, env } = transcript();
    writeFileSync(file, prompt('before the big line'));
    const big = Buffer.alloc(100 * 1024 * 1024, 0x61);
    appendFileSync(file, Buffer.concat([Buffer.from('{"type":"user","x":"'), big, Buffer.from('"}\n')]));
    appendFileSync(file, answer('after the big line'));
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const { result, warnings } = await run(db, { sources: ['claude-code'], env });
    clearInterval(timer);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ message: expect.stringMatching(/^skipped: line of 104857622 bytes is over the \d+-byte limit$/), file, line: 2 });
    expect(Object.values(result.sources[0]!.skipped)).toEqual([1]);
    expect(sessionMessages(db, `claude-code:${SID}`).map((m) => m.content)).toEqual(['before the big line', 'after the big line']);
    expect(peak - rssBefore).toBeLessThan(64 * 1024 * 1024);
    db.close();
  });

  it('reports an unreadable file and keeps going', async () => {
    const { db } = tempDb();
    const { file, env } = transcript();
    writeFileSync(file, prompt('readable?'));
    const other = file.replace(SID, '99999999-2222-4333-8444-555555555555');
    writeFileSync(other, prompt('fine').replace(SID, '99999999-2222-4333-8444-555555555555'));
    chmodSync(file, 0o000);
    const isRoot = process.getuid?.() === 0; // root reads anything: the same path is taken by the failing adapter below
    const { result, warnings } = await run(db, { sources: ['claude-code'], env });
    chmodSync(file, 0o600);
    if (!isRoot) {
      expect(warnings).toEqual([{ type: 'warning', message: 'skipped: permission denied', file, line: undefined }]);
      expect(result.sources[0]!.skipped).toEqual({ 'permission denied': 1 });
    }
    expect(count(db, `SELECT count(*) AS n FROM sessions WHERE id = 'claude-code:99999999-2222-4333-8444-555555555555'`)).toBe(1);
    db.close();
  });

  for (const [code, reason] of [
    ['EACCES', 'permission denied'],
    ['SQLITE_BUSY', 'store is locked'],
    ['SQLITE_CORRUPT', 'cannot read: database disk image is malformed'],
  ] as const) {
    it(`keeps what a source read before it failed with ${code}, and says ${reason}`, async () => {
      const { db } = tempDb();
      const failing = testAdapter({
        id: 'opencode',
        name: 'Failing store',
        watchedFiles: /\.db$/,
        locate: async () => ['/stores/a.db'],
        async *read(): AsyncGenerator<SourceRecord> {
          yield { kind: 'session', session: { id: 'opencode:s1', source: 'opencode', cwd: '/work/app' } };
          yield { kind: 'message', message: { id: 'opencode:s1:1', sessionId: 'opencode:s1', role: 'user', kind: 'prompt', content: 'kept' } };
          yield { kind: 'checkpoint', cursor: { offset: 1, size: 0, mtimeMs: 0 } };
          throw Object.assign(new Error(code === 'SQLITE_CORRUPT' ? 'database disk image is malformed' : 'nope'), { code });
        },
      });
      writeFileSync(join(tmpDir(), 'x'), '');
      // The "store" must exist for the stat; point the adapter at a real file.
      const store = join(tmpDir(), 'a.db');
      writeFileSync(store, 'x');
      failing.locate = async () => [store];
      const { result, warnings } = await run(db, { adapters: [failing] });
      expect(warnings).toEqual([{ type: 'warning', message: `skipped: ${reason}`, file: store, line: undefined }]);
      expect(result.sources[0]!.skipped).toEqual({ [reason]: 1 });
      expect(sessionMessages(db, 'opencode:s1').map((m) => m.content)).toEqual(['kept']);
      // The cursor was not advanced past the failure: the next run reads the store again.
      expect(count(db, 'SELECT count(*) AS n FROM source_files')).toBe(0);
      db.close();
    });
  }
});

describe('secrets', () => {
  it('never writes a planted secret of any kind into the database file', async () => {
    const corpus = secretCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    const { db, path } = tempDb();
    const { file, env } = transcript();
    // Each secret in turn lands in a different place: prompt, answer, tool output, edit, title, metadata.
    let text = '';
    corpus.forEach((c, i) => {
      const place = i % 6;
      if (place === 0) text += prompt(`please use ${c.text}`);
      else if (place === 1) text += answer(`noted: ${c.text}`);
      else if (place === 2) text += line('user', [{ type: 'tool_result', tool_use_id: `toolu_${clock}`, content: `output:\n${c.text}\n` }]);
      else if (place === 3) text += edit('Write', { file_path: '/work/app/config.txt', content: `${c.text}\n` });
      else if (place === 4) text += JSON.stringify({ type: 'ai-title', aiTitle: `Title ${c.text}`, sessionId: SID }) + '\n';
      else text += prompt('next', { gitBranch: c.text });
    });
    // And a streamed message still open at the end sits in the resume state.
    text += answer(`last words ${corpus[0]!.text}`, { msgId: 'msg_open' });
    writeFileSync(file, text);
    const { result } = await run(db, { sources: ['claude-code'], env });
    // Titles replace each other: only the last title's redactions are in what is stored and counted.
    expect(result.sources[0]!.redactions).toBeGreaterThanOrEqual(corpus.length - Math.ceil(corpus.length / 6));
    expect(count(db, `SELECT json_extract(metadata, '$.redactions') AS n FROM sessions`)).toBeGreaterThan(0);
    db.close();
    const bytes = Buffer.concat([readFileSync(path), ...['-wal', '-shm'].map((s) => (exists(path + s) ? readFileSync(path + s) : Buffer.alloc(0)))]);
    const leaked = corpus.filter((c) => bytes.includes(Buffer.from(c.secret)));
    expect(leaked.map((c) => c.name)).toEqual([]);
  });
});

function exists(p: string): boolean {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
}

describe('privacy', () => {
  it('drops a session once a prompt says lore:private, including what was stored before, and on later runs', async () => {
    const { db } = tempDb();
    const { file, env } = transcript();
    writeFileSync(file, prompt('harmless start') + answer('sure'));
    await run(db, { sources: ['claude-code'], env });
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(2);
    appendFileSync(file, prompt('this one is lore:private please') + answer('understood') + edit('Write', { file_path: '/work/app/a.ts', content: 'x' }));
    const second = await run(db, { sources: ['claude-code'], env });
    expect(second.result.sources[0]!.excluded).toBe(1);
    appendFileSync(file, prompt('and more'));
    await run(db, { sources: ['claude-code'], env });
    for (const t of ['sessions', 'messages', 'file_edits']) expect(count(db, `SELECT count(*) AS n FROM ${t}`)).toBe(0);
    expect(db.prepare('SELECT id, reason FROM ignored_sessions').all()).toEqual([{ id: `claude-code:${SID}`, reason: 'private-marker' }]);
    db.close();
  });

  it('stores nothing from a project the config excludes', async () => {
    const { db } = tempDb();
    const { file, env } = transcript();
    writeFileSync(file, prompt('secret project work') + edit('Write', { file_path: '/work/app/a.ts', content: 'x' }));
    const { result } = await run(db, { sources: ['claude-code'], env, config: { excludeProjects: ['/work'], embed: {} } });
    expect(result.sources[0]).toMatchObject({ sessions: 0, messages: 0, edits: 0, excluded: 1 });
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(0);
    db.close();
  });
});

describe('repository mapping', () => {
  it('maps a session to the repository top of its cwd and stores edit paths relative to it', async () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1\n' });
    mkdirSync(join(repo, 'src/sub'), { recursive: true });
    const link = join(tmpDir(), 'via-link');
    symlinkSync(repo, link);
    const cwd = join(link, 'src/sub'); // the transcript spells the repo through a symlink
    const { db } = tempDb();
    const { file, env } = transcript();
    writeFileSync(
      file,
      prompt('edit things', { cwd }) +
        edit('Edit', { file_path: join(link, 'src/a.ts'), old_string: '1', new_string: '2' }, { cwd }) +
        edit('Write', { file_path: '../b.ts', content: 'b' }, { cwd }) +
        edit('Write', { file_path: '/etc/hosts.lore-test', content: 'x' }, { cwd }) +
        edit('Write', { file_path: '../../../../outside.txt', content: 'x' }, { cwd }) +
        edit('MultiEdit', { file_path: join(repo, 'src/a.ts'), edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd' }] }, { cwd }),
    );
    await run(db, { sources: ['claude-code'], env });
    expect(db.prepare('SELECT project_path FROM sessions').get()).toEqual({ project_path: realpathSync(repo) });
    const edits = sessionEdits(db, `claude-code:${SID}`);
    expect(edits.map((e) => [e.tool, e.path, e.projectPath])).toEqual([
      ['Edit', 'src/a.ts', repo],
      ['Write', 'src/b.ts', repo],
      ['Write', '/etc/hosts.lore-test', repo],
      ['Write', posix.resolve(cwd, '../../../../outside.txt'), repo],
      ['MultiEdit', 'src/a.ts', repo],
      ['MultiEdit', 'src/a.ts', repo],
    ]);
    expect(edits.every((e) => !e.path.includes('..'))).toBe(true);
    db.close();
  });
});

describe('subagent transcripts', () => {
  it('stores a new-layout subagent file as a child session of its parent', async () => {
    const { db } = tempDb();
    const { root, env } = transcript();
    const dir = join(root, 'projects', '-work-app', SID, 'subagents');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'agent-a485154.jsonl'), prompt('Find the config loader', { isSidechain: true, agentId: 'a485154' }) + answer('It is in src/config.ts', { isSidechain: true }));
    const { result } = await run(db, { sources: ['claude-code'], env });
    expect(result.sources[0]).toMatchObject({ files: 1, sessions: 1, messages: 2 });
    const s = db.prepare('SELECT id, title, metadata FROM sessions').get() as { id: string; title: string; metadata: string };
    expect(s.id).toBe(`claude-code:${SID}/agent-a485154`);
    expect(s.title).toBe('subagent: Find the config loader');
    expect(JSON.parse(s.metadata)).toMatchObject({ parentSession: `claude-code:${SID}`, agentId: 'a485154' });
    db.close();
  });
});
