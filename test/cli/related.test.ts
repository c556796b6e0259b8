import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';
import type { RelatedResult } from '../../src/query/index.js';

function project(): string {
  const root = gitRepo({
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext' } }),
    'package.json': JSON.stringify({ name: 'p', type: 'module' }),
    'src/db.ts': "import type { Config } from './config.js';\nexport const open = (c: Config) => c;\n",
    'src/config.ts': 'export interface Config { path: string }\n',
    'src/cli.ts': "import { open } from './db.js';\nexport const run = () => import('./report.js');\n",
    'src/report.ts': "import { open } from './db.js';\n",
    'src/main.ts': "import { run } from './cli.js';\nrun();\n",
    'README.md': '# p\n',
  });
  commit(root, { 'src/db.ts': "import type { Config } from './config.js';\nexport const open = (c: Config) => c.path;\n", 'src/report.ts': "import { open } from './db.js';\nopen;\n" }, 'db and report');
  commit(root, { 'src/db.ts': "import type { Config } from './config.js';\nexport const open = (c: Config) => [c.path];\n", 'src/report.ts': "import { open } from './db.js';\nopen();\n", 'src/config.ts': 'export interface Config { path: string; x?: 1 }\n' }, 'db, report, config');
  return root;
}

describe('lore related', () => {
  it('prints imports, importers, co-changed files and same-request files, grouped and counted', () => {
    const root = project();
    const r = runCli(['related', 'src/db.ts'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'src/db.ts',
        '',
        'Imports  1',
        '  src/config.ts  type-import',
        '',
        'Imported by  2',
        '  src/cli.ts     import',
        '  src/report.ts  import',
        '',
        'Changed together  3 commits of this file',
        '  src/report.ts  3 commits',
        '  src/config.ts  2 commits',
        '  README.md      1 commit',
        '  package.json   1 commit',
        '  src/cli.ts     1 commit',
        '  src/main.ts    1 commit',
        '  tsconfig.json  1 commit',
        '',
        'Edited for the same requests  no recorded AI edits of this file',
        '',
      ].join('\n'),
    );
  });

  it('says how many commits too large to count it left out, naming them as commits', () => {
    const root = project();
    const many: Record<string, string> = { 'src/db.ts': "import type { Config } from './config.js';\nexport const open = (c: Config) => c.path + '';\n" };
    for (let i = 0; i < 50; i++) many[`gen/f${i}.txt`] = `${i}\n`;
    commit(root, many, 'regenerate everything');
    const r = runCli(['related', 'src/db.ts'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Changed together  4 commits of this file; 1 commit of more than 50 files left out\n');
  });

  it('follows importers transitively with --depth and answers in JSON', () => {
    const root = project();
    const r = runCli(['related', 'db.ts', '--depth', '3', '--json', '--limit', '2'], { cwd: join(root, 'src') });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as RelatedResult;
    expect(json).toMatchObject({ schema: 'lore.related/1', project: root, file: 'src/db.ts', isCode: true, depth: 3 });
    expect(json.importers).toEqual([
      { path: 'src/cli.ts', depth: 1, labels: ['import'], via: null },
      { path: 'src/report.ts', depth: 1, labels: ['import'], via: null },
      { path: 'src/main.ts', depth: 2, labels: ['import'], via: 'src/cli.ts' },
    ]);
    expect(json.imports).toEqual([{ path: 'src/config.ts', depth: 1, labels: ['type-import'], via: null }]);
    expect(json.changedTogether).toEqual({ commits: 3, largeCommits: 0, maxCommitFiles: 50, files: [{ path: 'src/report.ts', commits: 3 }, { path: 'src/config.ts', commits: 2 }] });
    expect(json.sameRequests).toEqual({ requests: 0, files: [] });
    expect(json.graph).toMatchObject({ files: 5, edges: 5 });
  });

  it('sees an edit made since the last run', () => {
    const root = project();
    expect(runCli(['related', 'src/config.ts', '--json'], { cwd: root }).code).toBe(0);
    writeFileSync(join(root, 'src/main.ts'), "import type { Config } from './config.js';\n");
    const json = JSON.parse(runCli(['related', 'src/config.ts', '--json'], { cwd: root }).stdout) as RelatedResult;
    expect(json.importers.map((n) => n.path)).toEqual(['src/db.ts', 'src/main.ts']);
  });

  it('flags a file nothing imports, and a file that is not code', () => {
    const root = project();
    expect(runCli(['related', 'src/main.ts'], { cwd: root }).stdout).toContain('Imported by  nothing imports this file');
    expect(runCli(['related', 'README.md'], { cwd: root }).stdout).toContain('Imports  not a TS/JS file');
  });

  it('rejects an unknown file, a line number and a bad depth with exit 2', () => {
    const root = project();
    const unknown = runCli(['related', 'src/dbb.ts'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean: src/db.ts');
    const line = runCli(['related', 'src/db.ts:2'], { cwd: root });
    expect(line.code).toBe(2);
    expect(line.stderr).toContain('lore related takes a file, not FILE:LINE');
    expect(runCli(['related', 'src/db.ts', '--depth', '0'], { cwd: root }).code).toBe(2);
  });

  it('builds the graph in lore index and reports it', () => {
    const root = project();
    const r = runCli(['index'], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('import graph: 5 TS/JS files, 5 edges (5 parsed now)');
    const again = JSON.parse(runCli(['index', '--json'], { cwd: root }).stdout) as { importGraph: { parsed: number; edges: number } };
    expect(again.importGraph).toMatchObject({ parsed: 0, edges: 5 });
    writeFileSync(join(root, 'src/main.ts'), "import { run } from './cli.js';\nimport { gone } from './gone.js';\n");
    const json = JSON.parse(runCli(['index', '--json'], { cwd: root }).stdout) as { importGraph: { unresolvedImports: unknown[] } };
    expect(json.importGraph.unresolvedImports).toEqual([{ source: 'src/main.ts', specifier: './gone.js', line: 2 }]);
    writeFileSync(join(root, 'src/main.ts'), "import { gone } from './gone.js';\n");
    expect(runCli(['index'], { cwd: root }).stdout).toContain('import graph: 5 TS/JS files, 4 edges (1 parsed now; 1 relative import reaches no tracked file)');
  });
});

describe('lore why with the import graph', () => {
  it('shows importers once the graph is built, and refreshes the graph when git state moves', () => {
    const root = project();
    const before = JSON.parse(runCli(['why', 'src/db.ts', '--json'], { cwd: root }).stdout) as { graph: { importers: string[] | null } };
    expect(before.graph.importers).toBeNull();
    expect(runCli(['index'], { cwd: root }).code).toBe(0);
    const after = JSON.parse(runCli(['why', 'src/db.ts', '--json'], { cwd: root }).stdout) as { graph: { imports: string[]; importers: string[] } };
    expect(after.graph).toMatchObject({ imports: ['src/config.ts'], importers: ['src/cli.ts', 'src/report.ts'] });
    // An edit git does not know of yet waits (a stat of every file would cost more than the
    // answer); once staged or committed, the next `why` refreshes the graph.
    writeFileSync(join(root, 'src/main.ts'), "import { open } from './db.js';\n");
    expect(runCli(['why', 'src/db.ts'], { cwd: root }).stdout).toContain('imported by 2 files');
    execFileSync('git', ['add', 'src/main.ts'], { cwd: root });
    const text = runCli(['why', 'src/db.ts'], { cwd: root }).stdout;
    expect(text).toContain('imported by 3 files');
  });
});
