import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepo } from '../../src/git/index.js';
import { applyGraphWrites, importGraphIsCurrent, importGraphNeedsUpdate, startImportGraph, updateImportGraph } from '../../src/app/index.js';
import { edgeLines } from '../code/helpers.js';
import { tempDb } from '../helpers/temp-db.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

const files = {
  'src/a.ts': "import { b } from './b';\nimport { c } from './c';\n",
  'src/b.ts': "import { c } from './c';\nexport const b = 1;\n",
  'src/c.ts': 'export const c = 1;\n',
  'src/d.ts': "import { e } from './e';\n",
};

/** `files` committed into a fresh repository, a fresh database, and the graph built once. */
async function builtGraph() {
  const root = gitRepo(files);
  const { db } = tempDb();
  const repo = await findRepo(root);
  await updateImportGraph(db, repo);
  return { root, db, repo };
}

describe('updateImportGraph', () => {
  it('parses every file on the first run and nothing on a run with no changes', async () => {
    const root = gitRepo(files);
    const { db } = tempDb();
    const repo = await findRepo(root);
    const first = await updateImportGraph(db, repo);
    expect(first.parsed.sort()).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts']);
    expect(first.full).toBe(true);
    expect(first.edges).toBe(3);
    const before = db.prepare('SELECT id, created_at FROM relationships ORDER BY id').all();
    const second = await updateImportGraph(db, repo);
    expect(second).toMatchObject({ parsed: [], resolved: 0, full: false, edges: 3, removed: [] });
    expect(db.prepare('SELECT id, created_at FROM relationships ORDER BY id').all()).toEqual(before);
  });

  it('leaves the graph untouched and says how many files wait when more than parseLimit need parsing', async () => {
    const root = gitRepo(files);
    const { db } = tempDb();
    const repo = await findRepo(root);
    expect(await updateImportGraph(db, repo, undefined, { parseLimit: 3 })).toMatchObject({ files: 4, parsed: [], edges: 0, deferred: 4 });
    expect(db.prepare('SELECT count(*) AS n FROM code_files').get()).toEqual({ n: 0 });
    expect(importGraphIsCurrent(db, repo)).toBe(false); // a deferred run leaves `why` to refresh it
    expect(await updateImportGraph(db, repo, undefined, { parseLimit: 4 })).toMatchObject({ edges: 3, deferred: 0 });
    expect(importGraphIsCurrent(db, repo)).toBe(true);
    // Later runs count only what changed against the limit.
    commit(root, { 'src/c.ts': 'export const c = 2;\n' }, 'edit c');
    expect(await updateImportGraph(db, repo, undefined, { parseLimit: 0 })).toMatchObject({ parsed: [], deferred: 1 });
    expect(await updateImportGraph(db, repo, undefined, { parseLimit: 1 })).toMatchObject({ parsed: ['src/c.ts'], deferred: 0 });
  });

  it('re-parses only the file whose content changed, and replaces only its edges', async () => {
    const { root, db, repo } = await builtGraph();
    writeFileSync(join(root, 'src/b.ts'), "import type { A } from './a';\nexport const b = 1;\n");
    const r = await updateImportGraph(db, repo);
    expect(r.parsed).toEqual(['src/b.ts']);
    expect(r.resolved).toBe(1);
    expect(r.full).toBe(false);
    expect(edgeLines(db, root)).toEqual(['src/a.ts -> src/b.ts (import)', 'src/a.ts -> src/c.ts (import)', 'src/b.ts -> src/a.ts (type-import)']);
  });

  it('does not re-parse a file whose mtime changed but whose content did not', async () => {
    const { root, db, repo } = await builtGraph();
    writeFileSync(join(root, 'src/c.ts'), files['src/c.ts']);
    const r = await updateImportGraph(db, repo);
    expect(r.parsed).toEqual([]);
    expect(r.resolved).toBe(0);
  });

  it('drops the edges of a deleted file, and the edges that pointed at it, without re-parsing the importers', async () => {
    const { root, db, repo } = await builtGraph();
    commit(root, { 'src/b.ts': null }, 'remove b');
    const r = await updateImportGraph(db, repo);
    expect(r.parsed).toEqual([]);
    expect(r.removed).toEqual(['src/b.ts']);
    expect(r.full).toBe(true);
    expect(edgeLines(db, root)).toEqual(['src/a.ts -> src/c.ts (import)']);
    expect(db.prepare('SELECT count(*) AS n FROM code_files WHERE project_path = ? AND path = ?').get(root, 'src/b.ts')).toEqual({ n: 0 });
  });

  it('treats a file deleted from the work tree but still tracked as gone', async () => {
    const { root, db, repo } = await builtGraph();
    rmSync(join(root, 'src/c.ts'));
    const r = await updateImportGraph(db, repo);
    expect(r.removed).toEqual(['src/c.ts']);
    expect(edgeLines(db, root)).toEqual(['src/a.ts -> src/b.ts (import)']);
  });

  it('links a dangling import when the file it names is added, parsing only the new file', async () => {
    const root = gitRepo(files);
    const { db } = tempDb();
    const repo = await findRepo(root);
    const first = await updateImportGraph(db, repo);
    expect(first.unresolved).toEqual([{ source: 'src/d.ts', specifier: './e', line: 1 }]);
    commit(root, { 'src/e.ts': 'export const e = 1;\n' }, 'add e');
    const r = await updateImportGraph(db, repo);
    expect(r.parsed).toEqual(['src/e.ts']);
    expect(edgeLines(db, root)).toContain('src/d.ts -> src/e.ts (import)');
    expect(r.unresolved).toEqual([]);
  });

  it('re-resolves every file without parsing when a tsconfig changes', async () => {
    const root = gitRepo({ ...files, 'tsconfig.json': '{}', 'src/alias.ts': "import { c } from '#/c';\n" });
    const { db } = tempDb();
    const repo = await findRepo(root);
    await updateImportGraph(db, repo);
    expect(edgeLines(db, root)).not.toContain('src/alias.ts -> src/c.ts (import)');
    commit(root, { 'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '#/*': ['./src/*'] } } }) }, 'alias');
    const r = await updateImportGraph(db, repo);
    expect(r.parsed).toEqual([]);
    expect(r.full).toBe(true);
    expect(r.resolved).toBe(5);
    expect(edgeLines(db, root)).toContain('src/alias.ts -> src/c.ts (import)');
  });

  it('keeps the graphs of two repositories apart in one database', async () => {
    const one = gitRepo(files);
    const two = gitRepo({ 'src/a.ts': "import './z';\n", 'src/z.ts': '' });
    const { db } = tempDb();
    await updateImportGraph(db, await findRepo(one));
    await updateImportGraph(db, await findRepo(two));
    commit(two, { 'src/z.ts': null }, 'rm');
    await updateImportGraph(db, await findRepo(two));
    expect(edgeLines(db, one)).toHaveLength(3);
    expect(edgeLines(db, two)).toEqual([]);
  });
});

describe('importGraphNeedsUpdate (the watcher asks it before starting the graph worker)', () => {
  it('says no when no graph file moved, and records the graph as current for the rewritten index', async () => {
    const { root, db, repo } = await builtGraph();
    expect(await importGraphNeedsUpdate(db, repo)).toBe(false);
    // Staging a file the graph does not read rewrites the index: the cheap stamp check no longer holds.
    writeFileSync(join(root, 'notes.txt'), 'x\n');
    git(root, ['add', 'notes.txt']);
    expect(importGraphIsCurrent(db, repo)).toBe(false);
    expect(await importGraphNeedsUpdate(db, repo)).toBe(false);
    expect(importGraphIsCurrent(db, repo)).toBe(true);
  });

  it('says yes for an unstaged edit, a deleted file and a newly tracked config, and no for an untracked one', async () => {
    const { root, db, repo } = await builtGraph();
    writeFileSync(join(root, 'src/c.ts'), 'export const c = 22;\n');
    expect(await importGraphNeedsUpdate(db, repo)).toBe(true);
    await updateImportGraph(db, repo);
    expect(await importGraphNeedsUpdate(db, repo)).toBe(false);
    rmSync(join(root, 'src/d.ts'));
    expect(await importGraphNeedsUpdate(db, repo)).toBe(true);
    await updateImportGraph(db, repo);
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
    expect(await importGraphNeedsUpdate(db, repo)).toBe(false);
    git(root, ['add', 'tsconfig.json']);
    expect(await importGraphNeedsUpdate(db, repo)).toBe(true);
  });
});

describe('startImportGraph (a first graph built beside a backfill)', () => {
  it('builds the graph in the worker process, which leaves the writes to this one', async () => {
    const root = gitRepo(files);
    const repo = await findRepo(root);
    const { db } = tempDb();
    const pending = startImportGraph(db, repo, { worker: resolve('dist/graph-worker.js') });
    expect(pending).toBeDefined();
    const r = await pending!;
    expect(r.parsed.sort()).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts']);
    // Nothing stored by the child: this process's writer may hold the lock meanwhile.
    expect(db.prepare('SELECT count(*) AS n FROM code_files').get()).toEqual({ n: 0 });
    expect(applyGraphWrites(db, repo, r)).toMatchObject({ edges: 3, full: true });
    expect(importGraphIsCurrent(db, repo)).toBe(true);
    const inHere = tempDb().db;
    await updateImportGraph(inHere, repo);
    const rows = (d: typeof db) => d.prepare("SELECT source_path, target_path, label, metadata FROM relationships ORDER BY source_path, target_path").all();
    expect(rows(db)).toEqual(rows(inHere));
  });

  it('is undefined without a built worker: the caller builds the graph itself', async () => {
    const repo = await findRepo(gitRepo(files));
    expect(startImportGraph(tempDb().db, repo, { worker: '/nowhere/graph-worker.js' })).toBeUndefined();
  });
});
