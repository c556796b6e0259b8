import { beforeAll, describe, expect, it } from 'vitest';
import { writeIngestBatch, type Db } from '../../src/db/index.js';
import { hashEmbedder, type Embedder } from '../../src/embed/index.js';
import { embedPending, reindexVectors } from '../../src/app/index.js';
import { search, toMatchExpression, type SearchOptions } from '../../src/query/index.js';
import { seedCommit, seedFileEdit, seedLearning, seedMessage, seedRelationship, seedSession } from '../helpers/seed-db.js';
import { tempDb } from '../helpers/temp-db.js';

const embedder = hashEmbedder();
const P1 = '/repos/alpha';
const P2 = '/repos/beta';

function fixture(): Db {
  const { db } = tempDb();
  seedSession(db, { id: 'claude-code:s1', project: P1, source: 'claude-code', title: 'Speed up the database' });
  seedSession(db, { id: 'codex:s2', project: P2, source: 'codex', title: 'Beta login' });
  seedMessage(db, { id: 'claude-code:s1:m1', session: 'claude-code:s1', content: 'Please drop the ORM, raw SQL with prepared statements is faster', at: '2026-01-10T10:00:00.000Z' });
  seedMessage(db, { id: 'claude-code:s1:m2', session: 'claude-code:s1', role: 'assistant', content: 'I replaced the ORM layer in src/db/open.ts with prepared statements', at: '2026-01-10T10:01:00.000Z' });
  seedMessage(db, { id: 'codex:s2:m1', session: 'codex:s2', content: 'The login form rejects valid passwords after the ORM upgrade', at: '2026-02-01T09:00:00.000Z' });
  seedMessage(db, { id: 'codex:s2:m2', session: 'codex:s2', role: 'assistant', content: 'Fixed: the bcrypt comparison was awaited twice', at: '2026-02-01T09:05:00.000Z' });
  seedCommit(db, { project: P1, sha: 'a'.repeat(40), subject: 'Remove the ORM; use prepared statements', files: ['src/db/open.ts', 'package.json'], at: 1768039300 });
  seedFileEdit(db, { id: 'claude-code:s1:m2#0', session: 'claude-code:s1', message: 'claude-code:s1:m2', project: P1, path: 'src/db/open.ts' });
  seedLearning(db, { id: 'l1', content: 'WAL must be set before the first write, or the ORM migration deadlocks', files: ['src/db/open.ts'], session: 'claude-code:s1' });
  seedRelationship(db, { id: 'r1', type: 'code_decision', source: 'src/auth/login.ts', target: 'msg:codex:s2:m2' });
  return db;
}

const ids = async (db: Db, options: Partial<SearchOptions> & { query: string }, e: Embedder = embedder) => (await search(db, options, { embedder: e })).hits.map((h) => h.id);

describe('search', () => {
  let db: Db;
  beforeAll(async () => {
    db = fixture();
    await embedPending(db, embedder);
  });

  it('finds chat messages, commits and learnings for a word, each kind reported', async () => {
    const r = await search(db, { query: 'ORM' }, { embedder });
    const kinds = Object.fromEntries(r.hits.map((h) => [h.id, h.kind]));
    expect(kinds).toMatchObject({ 'claude-code:s1:m1': 'message', [`git:${P1}:${'a'.repeat(40)}`]: 'commit', l1: 'learning', 'codex:s2:m1': 'message' });
    expect(r.vectors.status).toBe('used');
  });

  it('reports date, tool, session title and linked files for a hit', async () => {
    const r = await search(db, { query: 'replaced ORM layer' }, { embedder });
    const hit = r.hits.find((h) => h.id === 'claude-code:s1:m2')!;
    expect(hit).toMatchObject({ date: '2026-01-10T10:01:00.000Z', tool: 'claude-code', sessionTitle: 'Speed up the database', role: 'assistant', files: ['src/db/open.ts'] });
    const commit = (await search(db, { query: 'Remove the ORM', kinds: ['commit'] }, { embedder })).hits[0]!;
    expect(commit.files).toEqual(['package.json', 'src/db/open.ts']);
  });

  it('highlights the matched words in the snippet', async () => {
    const r = await search(db, { query: 'bcrypt' }, { embedder });
    expect(r.hits[0]!.snippet).toBe('Fixed: the \u0002bcrypt\u0003 comparison was awaited twice');
  });

  it('filters by project, source, role and kind', async () => {
    expect(await ids(db, { query: 'ORM', projects: [P2] })).toEqual(['codex:s2:m1']);
    expect((await ids(db, { query: 'ORM', sources: ['claude-code'] })).sort()).toEqual(['claude-code:s1:m1', 'claude-code:s1:m2', 'l1']);
    expect(await ids(db, { query: 'ORM', roles: ['assistant'] })).toEqual(['claude-code:s1:m2']);
    expect(await ids(db, { query: 'ORM', kinds: ['learning'] })).toEqual(['l1']);
    expect(await ids(db, { query: 'ORM', kinds: ['commit'] })).toEqual([`git:${P1}:${'a'.repeat(40)}`]);
  });

  it('filters by date range', async () => {
    expect(await ids(db, { query: 'ORM', since: '2026-01-20T00:00:00.000Z', kinds: ['message'] })).toEqual(['codex:s2:m1']);
    expect((await ids(db, { query: 'ORM', until: '2026-01-10T10:00:30.000Z', kinds: ['message'] })).sort()).toEqual(['claude-code:s1:m1']);
  });

  it('keeps only items linked to a file through edits, commits, relationships and learnings', async () => {
    expect((await ids(db, { query: 'ORM prepared statements', file: 'src/db/open.ts' })).sort()).toEqual(['claude-code:s1:m2', `git:${P1}:${'a'.repeat(40)}`, 'l1'].sort());
    expect(await ids(db, { query: 'bcrypt', file: 'src/auth/login.ts' })).toEqual(['codex:s2:m2']);
    expect(await ids(db, { query: 'bcrypt', file: 'src/db/open.ts', mode: 'fts' })).toEqual([]);
    const linked = ['claude-code:s1:m2', `git:${P1}:${'a'.repeat(40)}`, 'l1'];
    for (const id of await ids(db, { query: 'bcrypt', file: 'src/db/open.ts' })) expect(linked).toContain(id);
  });

  it('takes quotes, dashes, stars, colons and parentheses as text', async () => {
    for (const q of ['"ORM', 'ORM -raw', 'ORM*', 'src/db/open.ts:12', '(ORM) AND NOT', 'NEAR(ORM', '-', '"', '***', ':']) {
      await expect(search(db, { query: q }, { embedder })).resolves.toMatchObject({ schema: 'lore.search/1' });
    }
    expect(toMatchExpression('drop "the ORM" -now src/a.ts:3 (x)')).toBe('"drop" OR "ORM""" OR "-now" OR "src/a.ts:3" OR "(x)"');
    expect(await ids(db, { query: 'src/db/open.ts', kinds: ['message'], mode: 'fts' })).toEqual(['claude-code:s1:m2']);
  });

  it('looks for nothing when no chunk holds a word: a lone letter among symbols is not one, a one-character word is', async () => {
    for (const q of ['¯\\_(ツ)_/¯', '*a*', 'C++', '-p', '🎉', '*']) {
      expect(toMatchExpression(q), q).toBeUndefined();
      const r = await search(db, { query: q }, { embedder });
      expect(r.hits, q).toEqual([]);
    }
    expect(toMatchExpression('猫')).toBe('"猫"');
    expect(toMatchExpression('「猫」')).toBe('"「猫」"');
    expect(toMatchExpression('x')).toBe('"x"');
    expect(toMatchExpression('東京')).toBe('"東京"');
    expect(toMatchExpression('¯\\_(ツ)_/¯ bcrypt')).toBe('"bcrypt"');
    expect(await ids(db, { query: '¯\\_(ツ)_/¯ bcrypt', mode: 'fts' })).toEqual(['codex:s2:m2']);
  });

  it('finds for a query of one or two short words only texts that hold them, not hash collisions', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'claude-code' });
    const texts = new Map<string, string>();
    const add = (id: string, content: string) => {
      texts.set(id, content);
      seedMessage(d, { id, session: 's', content });
    };
    // Short English replies: with 256 hash buckets, some share a bucket with `日` or `東京`.
    const words = 'cache index commit branch merge rebase table query vector token parser schema worker queue hook'.split(' ');
    for (let i = 0; i < 300; i++) add(`s:en${i}`, `${words[i % 15]} ${words[(i * 7) % 15]} ${words[(i * 11 + 3) % 15]} run ${i}`);
    add('s:day', '日 と 月 の話');
    add('s:today', '今日は日曜日です');
    add('s:tokyo', '東京都に行く');
    await embedPending(d, embedder);
    const hits = async (query: string, mode: SearchOptions['mode'] = 'hybrid') => (await search(d, { query, mode, limit: 20 }, { embedder })).hits.map((h) => [h.id, h.matchedBy.join('+')]);
    // `日` on its own is a word only in s:day; full text and vectors agree.
    expect(await hits('日')).toEqual([['s:day', 'fts+vector']]);
    expect(await hits('日', 'vector')).toEqual([['s:day', 'vector']]);
    expect(await hits('x')).toEqual([]);
    for (const [query, held] of [['東京', /東京/], ['cache', /cache/]] as const) {
      const found = await hits(query, 'vector');
      for (const [id] of found) expect(texts.get(id!), `${query}: ${id}`).toMatch(held);
      if (query === 'cache') expect(found.length).toBe(20);
    }
  });

  it('ranks by vectors alone when asked, and fuses both lists by default', async () => {
    const r = await search(db, { query: 'passwords rejected', mode: 'vector' }, { embedder });
    expect(r.hits[0]!.id).toBe('codex:s2:m1');
    expect(r.hits[0]!.matchedBy).toEqual(['vector']);
    const h = await search(db, { query: 'login passwords' }, { embedder });
    expect(h.hits[0]!.matchedBy).toEqual(['fts', 'vector']);
  });

  it('ranks what people and assistants wrote above tool output with the same words', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'claude-code' });
    seedMessage(d, { id: 's:out', session: 's', role: 'tool', kind: 'tool_result', content: 'checksum mismatch checksum mismatch in pack' });
    seedMessage(d, { id: 's:ask', session: 's', content: 'why the checksum mismatch happens after a rebase' });
    await embedPending(d, embedder);
    expect(await ids(d, { query: 'checksum mismatch' })).toEqual(['s:ask', 's:out']);
  });

  it('ranks a query matching more than the rank window by BM25 over its newest matches', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'codex' });
    d.transaction(() => {
      for (let i = 0; i < 2100; i++) seedMessage(d, { id: `s:${i}`, session: 's', content: i === 1500 ? 'alpha beta gamma' : `alpha filler number ${i}` });
    })();
    const r = await search(d, { query: 'alpha beta', mode: 'fts', limit: 3 }, { embedder });
    expect(r.hits.map((h) => h.id)).toEqual(['s:1500', 's:2099', 's:2098']);
    expect(r.hits[0]!.snippet).toBe('\u0002alpha\u0003 \u0002beta\u0003 gamma');
  });

  it('ranks the window the same way for words with suffixes, letters beyond ASCII and phrases of several words', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'codex' });
    const special: Record<number, string> = {
      300: 'Café crème: the café was caching cafés, CAFÉ',
      700: 'caching cached caches in src/db/open.ts and src/db/open.ts',
      1200: 'cache 東京 cache 東京 cache',
    };
    d.transaction(() => {
      for (let i = 0; i < 2100; i++) seedMessage(d, { id: `s:${i}`, session: 's', content: special[i] ?? `cache café filler words number ${i} 𝐀𝐁 ├── x` });
    })();
    const top = async (query: string) => (await search(d, { query, mode: 'fts', limit: 1 }, { embedder })).hits[0]!.id;
    expect(await top('café')).toBe('s:300');
    expect(await top('caching')).toBe('s:700');
    expect(await top('src/db/open.ts cache')).toBe('s:700');
    expect(await top('東京 cache')).toBe('s:1200');
  });

  it('says the database is empty when nothing is indexed', async () => {
    const { db: empty } = tempDb();
    const r = await search(empty, { query: 'anything' }, { embedder });
    expect(r).toMatchObject({ empty: true, hits: [] });
  });

  it('falls back to full text when the stored vectors come from another model, until reindexed', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'codex' });
    seedMessage(d, { id: 's:1', session: 's', content: 'vacuum renumbers rowids' });
    await embedPending(d, hashEmbedder(64));
    const other = hashEmbedder(256);
    const before = await search(d, { query: 'vacuum' }, { embedder: other });
    expect(before.vectors).toEqual({ status: 'model-changed', model: 'hash-ngram-v1/64', current: 'hash-ngram-v1/256' });
    expect(before.hits.map((h) => [h.id, h.matchedBy])).toEqual([['s:1', ['fts']]]);
    expect(await embedPending(d, other)).toMatchObject({ status: 'model-changed', embedded: 0 });
    expect(await reindexVectors(d, other)).toMatchObject({ status: 'ok', embedded: 1 });
    const after = await search(d, { query: 'vacuum' }, { embedder: other });
    expect(after.vectors.status).toBe('used');
    expect(after.hits[0]!.matchedBy).toEqual(['fts', 'vector']);
  });

  it('leaves a backlog larger than the limit for later and says how large it is', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'codex' });
    for (let i = 0; i < 3; i++) seedMessage(d, { id: `s:${i}`, session: 's', content: `message number ${i}` });
    expect(await embedPending(d, embedder, { limit: 2 })).toMatchObject({ status: 'ok', embedded: 0, deferred: 3 });
    expect(await embedPending(d, embedder, { limit: 3 })).toMatchObject({ status: 'ok', embedded: 3, deferred: 0 });
  });

  it('embeds only what arrived since the last run', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'codex' });
    seedMessage(d, { id: 's:1', session: 's', content: 'one' });
    expect((await embedPending(d, embedder)).embedded).toBe(1);
    expect((await embedPending(d, embedder)).embedded).toBe(0);
    seedMessage(d, { id: 's:2', session: 's', content: 'two' });
    seedLearning(d, { id: 'l', content: 'three' });
    expect((await embedPending(d, embedder)).embedded).toBe(2);
    seedMessage(d, { id: 's:3', session: 's', role: 'tool', kind: 'tool_result', content: 'a long tool output' });
    expect((await embedPending(d, embedder)).embedded).toBe(0);
    seedMessage(d, { id: 's:4', session: 's', content: 'four' });
    expect((await embedPending(d, embedder)).embedded).toBe(1);
  });

  it('re-embeds a streamed message that changed after it was embedded, and drops its vector when it became a tool call', async () => {
    const { db: d } = tempDb();
    seedSession(d, { id: 's', project: P1, source: 'claude-code' });
    const line = (id: string, kind: string, content: string) => writeIngestBatch(d, { messages: [{ id, sessionId: 's', role: 'assistant', content, metadata: { kind } }] });
    line('s:a', 'thinking', 'pondering the cache');
    line('s:b', 'tool_call', 'Read src/cache.ts');
    line('s:c', 'text', 'later answer');
    expect((await embedPending(d, embedder)).embedded).toBe(2);
    const refs = () => (d.prepare('SELECT ref FROM vector_items ORDER BY ref').all() as { ref: string }[]).map((r) => r.ref);
    expect(refs()).toEqual(['s:a', 's:c']);
    line('s:a', 'tool_call', 'Read src/cache.ts'); // the next line of the same message: a tool call
    line('s:b', 'text', 'the cache is warm'); // a tool call followed by text
    line('s:c', 'text', 'later answer'); // unchanged: no rewind, no re-embed
    expect((await embedPending(d, embedder)).embedded).toBe(2); // s:b, and s:c again (after the rewind)
    expect(refs()).toEqual(['s:b', 's:c']);
    expect(d.prepare('SELECT count(*) AS n FROM vec_items').get()).toEqual({ n: 2 });
  });
});
