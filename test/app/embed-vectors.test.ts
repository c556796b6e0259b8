import { describe, expect, it } from 'vitest';
import { countPendingEmbeddings } from '../../src/db/index.js';
import { hashEmbedder } from '../../src/embed/index.js';
import type { LoreEvent } from '../../src/events.js';
import { embedPending } from '../../src/app/index.js';
import { seedLearning, seedMessage, seedSession } from '../helpers/seed-db.js';
import { tempDb } from '../helpers/temp-db.js';

describe('embedPending', () => {
  it('stops after maxBatches (the watcher keeps each round short) and the next call goes on where it stopped', async () => {
    const { db } = tempDb();
    const embedder = hashEmbedder(64);
    seedSession(db, { id: 's', project: '/p', source: 'codex' });
    for (let i = 0; i < 5; i++) seedMessage(db, { id: `s:${i}`, session: 's', content: `message number ${i}` });
    seedLearning(db, { id: 'l1', content: 'a learning' });
    const events: LoreEvent[] = [];
    const report = (e: LoreEvent) => void events.push(e);
    expect(await embedPending(db, embedder, { batch: 2, maxBatches: 2, report })).toMatchObject({ status: 'ok', embedded: 4, deferred: 0 });
    expect(countPendingEmbeddings(db)).toBe(2);
    expect(events.filter((e) => e.type === 'progress')).toEqual([
      { type: 'progress', stage: 'vectors', done: 2 },
      { type: 'progress', stage: 'vectors', done: 4 },
    ]);
    // The rest: the last message, then the learning (another kind, another batch).
    expect(await embedPending(db, embedder, { batch: 2, maxBatches: 2 })).toMatchObject({ embedded: 2 });
    expect(countPendingEmbeddings(db)).toBe(0);
    expect(await embedPending(db, embedder, { batch: 2, maxBatches: 2 })).toMatchObject({ embedded: 0 });
  });

  it('leaves everything to the background worker when more than `limit` items wait, and embeds them all when at most that many do', async () => {
    const { db } = tempDb();
    const embedder = hashEmbedder(64);
    seedSession(db, { id: 's', project: '/p', source: 'codex' });
    for (let i = 0; i < 3; i++) seedMessage(db, { id: `s:${i}`, session: 's', content: `message number ${i}` });
    expect(await embedPending(db, embedder, { limit: 2 })).toEqual({ embedded: 0, status: 'ok', model: embedder.id, deferred: 3 });
    expect(countPendingEmbeddings(db)).toBe(3);
    expect(await embedPending(db, embedder, { limit: 3 })).toEqual({ embedded: 3, status: 'ok', model: embedder.id, deferred: 0 });
    expect(countPendingEmbeddings(db)).toBe(0);
  });
});
