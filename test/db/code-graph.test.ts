import { describe, expect, it } from 'vitest';
import {
  coChangedFiles,
  importersOf,
  importsOf,
  saveImportGraph,
  sameRequestFiles,
  storeCommits,
  walkImportGraph,
  type CodeEdgeRow,
  type Db,
} from '../../src/db/index.js';
import { tempDb } from '../helpers/temp-db.js';

const P = '/repo';
const edge = (source: string, target: string, label: CodeEdgeRow['label'] = 'import'): CodeEdgeRow => ({ source, target, label, specifiers: [`./${target}`], lines: [1] });

function graph(db: Db, edges: CodeEdgeRow[]): void {
  saveImportGraph(db, P, { upsert: [], remove: [], edgesFor: 'all', edges });
}

describe('import graph queries', () => {
  it('lists direct imports and importers with every label between the two files', () => {
    const { db } = tempDb();
    graph(db, [edge('a.ts', 'b.ts'), edge('a.ts', 'b.ts', 'type-import'), edge('c.ts', 'b.ts', 're-export'), edge('b.ts', 'd.ts')]);
    expect(importsOf(db, P, 'a.ts')).toEqual([{ path: 'b.ts', depth: 1, labels: ['import', 'type-import'], via: null }]);
    expect(importersOf(db, P, 'b.ts')).toEqual([
      { path: 'a.ts', depth: 1, labels: ['import', 'type-import'], via: null },
      { path: 'c.ts', depth: 1, labels: ['re-export'], via: null },
    ]);
    expect(importersOf(db, '/other', 'b.ts')).toEqual([]);
  });

  it('walks transitively to a depth, each file once at its shortest distance, through a cycle', () => {
    const { db } = tempDb();
    graph(db, [edge('a.ts', 'b.ts'), edge('b.ts', 'c.ts'), edge('c.ts', 'a.ts'), edge('a.ts', 'c.ts', 'dynamic-import'), edge('c.ts', 'd.ts')]);
    expect(walkImportGraph(db, P, 'a.ts', 'imports', 5)).toEqual([
      { path: 'b.ts', depth: 1, labels: ['import'], via: null },
      { path: 'c.ts', depth: 1, labels: ['dynamic-import'], via: null },
      { path: 'd.ts', depth: 2, labels: ['import'], via: 'c.ts' },
    ]);
    expect(walkImportGraph(db, P, 'd.ts', 'importers', 2).map((n) => `${n.path}@${n.depth}`)).toEqual(['c.ts@1', 'a.ts@2', 'b.ts@2']);
  });

  it('replaces only the outgoing edges of the files it is given', () => {
    const { db } = tempDb();
    graph(db, [edge('a.ts', 'b.ts'), edge('c.ts', 'b.ts')]);
    saveImportGraph(db, P, { upsert: [], remove: [], edgesFor: ['a.ts'], edges: [edge('a.ts', 'c.ts')] });
    expect(importersOf(db, P, 'b.ts').map((n) => n.path)).toEqual(['c.ts']);
    expect(importsOf(db, P, 'a.ts').map((n) => n.path)).toEqual(['c.ts']);
  });

  it('counts files changed in the same commits, leaving out large commits', () => {
    const { db } = tempDb();
    const c = (sha: string, paths: string[]) => ({
      sha, authorName: 'A', authorEmail: 'a@x', authoredAt: 1, committedAt: 1, subject: sha, body: '', parents: [],
      files: paths.map((path) => ({ path, status: 'M' as const })),
    });
    const big = Array.from({ length: 60 }, (_, i) => `gen/${i}.ts`);
    storeCommits(db, P, [c('s1', ['a.ts', 'b.ts']), c('s2', ['a.ts', 'b.ts', 'c.ts']), c('s3', ['a.ts']), c('s4', ['b.ts', 'c.ts']), c('s5', ['a.ts', ...big])], undefined);
    expect(coChangedFiles(db, P, 'a.ts')).toEqual({ commits: 4, largeCommits: 1, files: [{ path: 'b.ts', commits: 2 }, { path: 'c.ts', commits: 1 }] });
    const all = coChangedFiles(db, P, 'a.ts', { maxCommitFiles: 100, limit: 100 });
    expect(all.largeCommits).toBe(0);
    expect(all.files).toHaveLength(62);
    expect(all.files.slice(0, 3)).toEqual([{ path: 'b.ts', commits: 2 }, { path: 'c.ts', commits: 1 }, { path: 'gen/0.ts', commits: 1 }]);
  });

  it('finds files edited for the same requests', () => {
    const { db } = tempDb();
    db.prepare("INSERT INTO sessions (id, project_path) VALUES ('claude-code:s', ?)").run(P);
    const insert = db.prepare("INSERT INTO file_edits (id, session_id, request_id, project_path, path, tool) VALUES (?, 'claude-code:s', ?, ?, ?, 'Edit')");
    const edits: [string, string | null, string][] = [
      ['e1', 'r1', 'a.ts'], ['e2', 'r1', 'b.ts'], ['e3', 'r1', 'b.ts'], ['e4', 'r2', 'a.ts'], ['e5', 'r2', 'b.ts'], ['e6', 'r2', 'c.ts'], ['e7', 'r3', 'c.ts'], ['e8', null, 'd.ts'],
    ];
    for (const [id, request, path] of edits) insert.run(id, request, P, path);
    expect(sameRequestFiles(db, P, 'a.ts')).toEqual([
      { path: 'b.ts', requests: 2, requestIds: ['r1', 'r2'] },
      { path: 'c.ts', requests: 1, requestIds: ['r2'] },
    ]);
    expect(sameRequestFiles(db, P, 'd.ts')).toEqual([]);
  });
});
