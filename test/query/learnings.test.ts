import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catchUp } from '../../src/app/index.js';
import { learn, learnings } from '../../src/query/index.js';
import { caughtUpRepo } from '../helpers/caught-up-repo.js';
import { commit } from '../helpers/git-repo.js';

const setup = (files: Record<string, string> = { 'src/store.ts': 'export const store = new Map();\n' }) => caughtUpRepo(files, '2026-03-01T09:00:00Z');

describe('learnings', () => {
  it('marks a learning stale once its file changed substantially after it was written', async () => {
    const { dir, repo, db } = await setup();
    const l = learn(db, repo.root, 'store is a plain Map on purpose', ['src/store.ts'], 'gotcha');
    expect(l).toMatchObject({ stale: false, source: 'manual', category: 'gotcha' });
    const big = Array.from({ length: 40 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    commit(dir, { 'src/store.ts': big }, 'rewrite store', { date: new Date(Date.now() + 60_000).toISOString() });
    await catchUp(db, repo);
    const [info] = learnings(db, repo.root, 'src/store.ts').learnings;
    expect(info).toMatchObject({ stale: true, staleReason: '41 lines of src/store.ts changed in 1 commit since' });
  });
});
