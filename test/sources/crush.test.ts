import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { crush } from '../../src/sources/crush.js';
import { trailerTool } from '../../src/link/evidence.js';
import type { SourceEnv } from '../../src/sources/index.js';
import { REAL, collect, readAll, tempDir } from './adapter-harness.js';

// The store is rebuilt from Crush's own schema and part encoding (see the header of crush.sql and
// test/fixtures/real/SOURCES.md): no real Crush database with a license was found.
const SQL = readFileSync(join(REAL, 'crush/reconstructed/crush.sql'), 'utf8');
const MAIN = '5f0c1a2e-7a41-4d0e-9a55-0c7d3b1f2e01';
const QUESTION = '9b2e4d60-1c3f-4e8a-b7d2-5a6c8e0f1a22';

/** `<dir>/crush.db` built from the reconstructed fixture (plus `extra` SQL). */
function store(dir: string, extra = ''): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'crush.db');
  const db = new Database(file);
  db.exec(SQL + extra);
  db.close();
  return file;
}

function senv(home: string, knownRepos: string[]): SourceEnv {
  return { env: {}, home, platform: 'linux', knownRepos };
}

describe('crush adapter', () => {
  it('finds .crush/crush.db in the repositories lore knows, and nowhere else', async () => {
    const root = tempDir();
    const repo = join(root, 'todo-app');
    const main = store(join(repo, '.crush'));
    const sub = store(join(repo, 'web', '.crush'));
    store(join(root, 'other', '.crush'));
    expect(await crush.locate(senv(root, [repo]))).toEqual([main]);
    expect(await crush.locate(senv(root, []))).toEqual([]);
    expect(crush.inRepository).toBe(true);
    // A store Crush made in a sub-folder is read when named (lore ingest PATH).
    expect(crush.matches(sub)).toBe(true);
    expect(crush.matches(join(repo, '.crush', 'crush.json'))).toBe(false);
  });

  // Checked by hand against crush.sql: session MAIN holds one prompt, four assistant rows (reasoning +
  // view; text + edit; multiedit + write; the final text) and three tool rows; the multiedit failed.
  it('reads the rebuilt store: sessions, prompts, answers, tool calls and results, and edits in order', async () => {
    const repo = join(tempDir(), 'todo-app');
    const r = await readAll(crush, store(join(repo, '.crush')));
    expect(r.skips).toEqual([]);
    expect([...r.sessions.values()].map((s) => [s.id, s.cwd, s.title, s.createdAt])).toEqual([
      [`crush:${MAIN}`, repo, 'Add a --done flag to list', '2026-01-01T00:00:00.000Z'],
      [`crush:${QUESTION}`, repo, 'what does hideDone do?', '2026-01-01T01:00:00.000Z'],
    ]);
    const main = [...r.messages.values()].filter((m) => m.sessionId === `crush:${MAIN}`);
    expect(main.map((m) => [m.role, m.kind])).toEqual([
      ['user', 'prompt'],
      ['assistant', 'thinking'],
      ['assistant', 'tool_call'],
      ['tool', 'tool_result'],
      ['assistant', 'text'],
      ['assistant', 'tool_call'],
      ['tool', 'tool_result'],
      ['assistant', 'tool_call'],
      ['assistant', 'tool_call'],
      ['tool', 'tool_result'],
      ['tool', 'tool_result'],
      ['assistant', 'text'],
    ]);
    expect(main[0]).toMatchObject({ id: `crush:${MAIN}:m1`, content: 'add a --done flag to the list command that hides finished todos', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(main[2]!.content).toBe('view {"file_path":"/home/dev/todo-app/cmd/list.go"}');
    expect(main.at(-1)).toMatchObject({ content: 'Added `--done` (hideDone) to cmd/list.go and documented it in docs/flags.md.', createdAt: '2026-01-01T00:00:30.000Z' });
    expect([...r.edits.values()].map((e) => [e.tool, e.path, e.oldText, e.newText, e.requestId, e.metadata])).toEqual([
      ['edit', '/home/dev/todo-app/cmd/list.go', 'var listAll bool', 'var listAll bool\nvar hideDone bool', `crush:${MAIN}:m1`, undefined],
      ['multiedit', '/home/dev/todo-app/cmd/list_test.go', 'func TestList(', 'func TestListHidesDone(', `crush:${MAIN}:m1`, { failed: true, error: 'file /home/dev/todo-app/cmd/list_test.go does not exist' }],
      ['write', '/home/dev/todo-app/docs/flags.md', undefined, '# Flags\n\n--done hides finished todos.\n', `crush:${MAIN}:m1`, undefined],
    ]);
  });

  it('reads again only the sessions that changed since the last read', async () => {
    const dir = join(tempDir(), 'todo-app', '.crush');
    const file = store(dir);
    const first = await collect(crush, file);
    const again = await collect(crush, file, first.cursor);
    expect([again.sessions.length, again.messages.length]).toEqual([0, 0]);

    const db = new Database(file);
    db.prepare("INSERT INTO messages VALUES ('n3', ?, 'user', ?, NULL, 1767229300, 1767229300, NULL, NULL, 0)").run(QUESTION, JSON.stringify([{ type: 'text', data: { text: 'and --all?' } }]));
    db.close();
    const next = await collect(crush, file, first.cursor);
    expect(next.sessions.map((s) => s.id)).toEqual([`crush:${QUESTION}`]);
    expect(next.messages.filter((m) => m.kind === 'prompt').map((m) => m.content)).toEqual(['what does hideDone do?', 'and --all?']);
  });

  it('skips a store that is not Crush, bad parts JSON, and a file that is not SQLite, without throwing', async () => {
    const root = tempDir();
    const other = join(root, 'a', 'crush.db');
    mkdirSync(join(root, 'a'));
    new Database(other).exec('CREATE TABLE t (x)').close();
    expect((await collect(crush, other)).skips).toEqual([{ line: undefined, reason: `${other}: not a Crush store (no sessions/messages tables)` }]);

    const bad = store(join(root, 'b'), `INSERT INTO messages VALUES ('x1', '${QUESTION}', 'user', 'not json', NULL, 1767229400, 1767229400, NULL, NULL, 0);`);
    const r = await collect(crush, bad);
    expect(r.skips).toEqual([{ line: undefined, reason: 'message x1: parts is not a JSON array' }]);
    expect(r.messages.length).toBeGreaterThan(0);

    const junk = join(root, 'c', 'crush.db');
    mkdirSync(join(root, 'c'));
    writeFileSync(junk, 'this is not a database, just text long enough to be read as one');
    const j = await collect(crush, junk);
    expect(j.messages).toEqual([]);
    expect(j.skips).toHaveLength(1);
  });

  it('credits commits with its attribution lines to crush', () => {
    expect(trailerTool('add --done\n\n💘 Generated with Crush\n\nCo-Authored-By: Crush <crush@charm.land>')).toBe('crush');
  });
});
