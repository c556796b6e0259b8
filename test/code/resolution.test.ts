import { describe, expect, it } from 'vitest';
import { graphOf } from './helpers.js';

describe('import graph resolution', () => {
  it('resolves tsconfig paths aliases and baseUrl inherited through extends', async () => {
    const { edges } = await graphOf({
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@app/*': ['src/*'], '~lib': ['lib/index.ts'] } } }),
      'tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json', compilerOptions: { strict: true } }),
      'src/main.ts': "import { b } from '@app/feature/b';\nimport { c } from 'lib/c';\nimport lib from '~lib';\nimport React from 'react';\n",
      'src/feature/b.ts': 'export const b = 1;\n',
      'lib/c.ts': 'export const c = 1;\n',
      'lib/index.ts': 'export default 1;\n',
    });
    expect(edges).toEqual(['src/main.ts -> lib/c.ts (import)', 'src/main.ts -> lib/index.ts (import)', 'src/main.ts -> src/feature/b.ts (import)']);
  });

  it('resolves paths without baseUrl relative to the tsconfig that declares them', async () => {
    const { edges } = await graphOf({
      'packages/web/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', paths: { '@/*': ['./src/*'] } } }),
      'packages/web/src/app.tsx': "import { Button } from '@/ui/button';\nexport const App = () => Button;\n",
      'packages/web/src/ui/button.tsx': 'export const Button = 1;\n',
    });
    expect(edges).toEqual(['packages/web/src/app.tsx -> packages/web/src/ui/button.tsx (import)']);
  });

  it('takes the options of a solution-style tsconfig from the project it references, and reads jsconfig.json', async () => {
    const { edges } = await graphOf({
      'tsconfig.json': JSON.stringify({ files: [], references: [{ path: './tsconfig.node.json' }, { path: './tsconfig.app.json' }] }),
      'tsconfig.node.json': JSON.stringify({ compilerOptions: { module: 'nodenext' }, include: ['vite.config.ts'] }),
      'tsconfig.app.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', paths: { '@/*': ['./src/*'] } }, include: ['src'] }),
      'src/app.ts': "import { x } from '@/lib/x';\n",
      'src/lib/x.ts': 'export const x = 1;\n',
      'legacy/jsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { 'shared/*': ['./shared/*'] } } }),
      'legacy/main.js': "const s = require('shared/s');\n",
      'legacy/shared/s.js': 'module.exports = 1;\n',
    });
    expect(edges).toEqual(['legacy/main.js -> legacy/shared/s.js (require)', 'src/app.ts -> src/lib/x.ts (import)']);
  });

  it('maps .js specifiers to the .ts files they compile from, under nodenext', async () => {
    const { edges } = await graphOf({
      'package.json': JSON.stringify({ name: 'x', type: 'module' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } }),
      'src/a.ts': "import { b } from './b.js';\nimport { c } from './c.mjs';\nimport { d } from './d.jsx';\n",
      'src/b.ts': 'export const b = 1;\n',
      'src/c.mts': 'export const c = 1;\n',
      'src/d.tsx': 'export const d = 1;\n',
    });
    expect(edges).toEqual(['src/a.ts -> src/b.ts (import)', 'src/a.ts -> src/c.mts (import)', 'src/a.ts -> src/d.tsx (import)']);
  });

  it('resolves directories to their index files', async () => {
    const { edges } = await graphOf({
      'src/a.ts': "import { u } from './utils';\nimport { v } from './views/index.js';\nimport { w } from '../lib';\n",
      'src/utils/helper.ts': "import { u } from './';\nimport { v } from '.';\n",
      'src/utils/index.ts': 'export const u = 1;\n',
      'src/views/index.tsx': 'export const v = 1;\n',
      'lib/index.js': 'export const w = 1;\n',
    });
    expect(edges).toEqual([
      'src/a.ts -> lib/index.js (import)',
      'src/a.ts -> src/utils/index.ts (import)',
      'src/a.ts -> src/views/index.tsx (import)',
      'src/utils/helper.ts -> src/utils/index.ts (import)',
    ]);
  });

  it('labels re-exports, and type-only re-exports as type imports', async () => {
    const { edges } = await graphOf({
      'src/index.ts': "export * from './a';\nexport { b } from './b';\nexport * as c from './c';\nexport type { T } from './t';\nexport type * from './u';\nexport type * as V from './v';\n",
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': 'export const b = 1;\n',
      'src/c.ts': 'export const c = 1;\n',
      'src/t.ts': 'export type T = 1;\n',
      'src/u.ts': 'export type U = 1;\n',
      'src/v.ts': 'export type V = 1;\n',
    });
    expect(edges).toEqual([
      'src/index.ts -> src/a.ts (re-export)',
      'src/index.ts -> src/b.ts (re-export)',
      'src/index.ts -> src/c.ts (re-export)',
      'src/index.ts -> src/t.ts (type-import)',
      'src/index.ts -> src/u.ts (type-import)',
      'src/index.ts -> src/v.ts (type-import)',
    ]);
  });

  it('tells type-only imports from value imports', async () => {
    const { edges } = await graphOf({
      'src/main.ts': [
        "import type { A } from './a';",
        "import { type B, type BB } from './b';",
        "import { type C, c } from './c';",
        "import type * as D from './d';",
        "import type from './e';",
        'let f: typeof import("./f");',
        "let g: import('./g').G;",
        '',
      ].join('\n'),
      'src/a.ts': 'export type A = 1;\n',
      'src/b.ts': 'export type B = 1; export type BB = 2;\n',
      'src/c.ts': 'export type C = 1; export const c = 1;\n',
      'src/d.ts': 'export type D = 1;\n',
      'src/e.ts': 'export default 1;\n',
      'src/f.ts': 'export const f = 1;\n',
      'src/g.ts': 'export type G = 1;\n',
    });
    expect(edges).toEqual([
      'src/main.ts -> src/a.ts (type-import)',
      'src/main.ts -> src/b.ts (type-import)',
      'src/main.ts -> src/c.ts (import)',
      'src/main.ts -> src/d.ts (type-import)',
      'src/main.ts -> src/e.ts (import)',
      'src/main.ts -> src/f.ts (type-import)',
      'src/main.ts -> src/g.ts (type-import)',
    ]);
  });

  it('finds dynamic imports, including ones chained with then', async () => {
    const { edges } = await graphOf({
      'src/main.ts': "const lazy = await import('./lazy.js');\nimport('./later').then((m) => m.run());\nconst tpl = import(`./tpl`);\n",
      'src/lazy.ts': 'export const x = 1;\n',
      'src/later.ts': 'export const run = () => 1;\n',
      'src/tpl.ts': 'export const t = 1;\n',
    });
    expect(edges).toEqual(['src/main.ts -> src/later.ts (dynamic-import)', 'src/main.ts -> src/lazy.ts (dynamic-import)', 'src/main.ts -> src/tpl.ts (dynamic-import)']);
  });

  it('finds require calls in CommonJS and import-equals in TypeScript', async () => {
    const { edges } = await graphOf({
      'lib/main.cjs': "const a = require('./a');\nconst { b } = require('./b.cjs');\nconst fs = require('node:fs');\n",
      'lib/a.js': 'module.exports = 1;\n',
      'lib/b.cjs': 'exports.b = 1;\n',
      'src/c.ts': "import d = require('./d');\n",
      'src/d.ts': 'export = 1;\n',
    });
    expect(edges).toEqual(['lib/main.cjs -> lib/a.js (require)', 'lib/main.cjs -> lib/b.cjs (require)', 'src/c.ts -> src/d.ts (import)']);
  });

  it('resolves a workspace package through its package.json exports, without node_modules installed', async () => {
    const { edges } = await graphOf({
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } }),
      'packages/util/package.json': JSON.stringify({
        name: '@acme/util',
        exports: { '.': { types: './src/index.ts', default: './dist/index.js' }, './fmt': './src/fmt.ts' },
      }),
      'packages/util/src/index.ts': 'export const u = 1;\n',
      'packages/util/src/fmt.ts': 'export const f = 1;\n',
      'packages/app/package.json': JSON.stringify({ name: '@acme/app', dependencies: { '@acme/util': '*' } }),
      'packages/app/src/main.ts': "import { u } from '@acme/util';\nimport { f } from '@acme/util/fmt';\nimport { x } from '@acme/missing';\n",
    });
    expect(edges).toEqual(['packages/app/src/main.ts -> packages/util/src/fmt.ts (import)', 'packages/app/src/main.ts -> packages/util/src/index.ts (import)']);
  });

  it('reads pnpm workspaces and honours import conditions per importer under nodenext', async () => {
    const { edges } = await graphOf({
      'package.json': JSON.stringify({ name: 'root', private: true }),
      'pnpm-workspace.yaml': "packages:\n  - 'libs/*'\n",
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext' } }),
      'libs/core/package.json': JSON.stringify({ name: 'core', type: 'module', exports: { '.': { import: './esm.ts', require: './cjs.cts' } } }),
      'libs/core/esm.ts': 'export const esm = 1;\n',
      'libs/core/cjs.cts': 'export const cjs = 1;\n',
      'libs/user/package.json': JSON.stringify({ name: 'user', type: 'module' }),
      'libs/user/main.ts': "import { esm } from 'core';\n",
      'libs/user/legacy.cts': "import core = require('core');\n",
    });
    expect(edges).toEqual(['libs/user/legacy.cts -> libs/core/cjs.cts (import)', 'libs/user/main.ts -> libs/core/esm.ts (import)']);
  });

  it('records both directions of an import cycle', async () => {
    const { edges } = await graphOf({
      'src/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    expect(edges).toEqual(['src/a.ts -> src/b.ts (import)', 'src/b.ts -> src/a.ts (import)']);
  });

  it('counts module augmentations and triple-slash references as type dependencies', async () => {
    const { edges, db, root } = await graphOf({
      'src/plugin.ts': "import './core';\ndeclare module './core' {\n  interface Options { extra: boolean }\n}\n",
      'src/core.ts': 'export interface Options { base: boolean }\n',
      'src/globals.ts': '/// <reference path="./types.d.ts" />\nexport {};\n',
      'src/types.d.ts': 'declare const X: number;\n',
    });
    expect(edges).toEqual(['src/globals.ts -> src/types.d.ts (type-import)', 'src/plugin.ts -> src/core.ts (import)', 'src/plugin.ts -> src/core.ts (type-import)']);
    const meta = db.prepare("SELECT metadata FROM relationships WHERE project_path = ? AND label = 'type-import' AND source_path = 'src/plugin.ts'").get(root) as { metadata: string };
    expect(JSON.parse(meta.metadata)).toEqual({ evidence: 'typescript-module-resolution', confidence: 1, specifiers: ['./core'], lines: [2], statement: 'declare-module' });
  });

  it('reports relative imports that reach no tracked file, and ignores packages and assets', async () => {
    const { edges, result } = await graphOf({
      'src/a.ts': "import { gone } from './gone';\nimport './style.css';\nimport { z } from 'zod';\nimport { b } from './b';\n",
      'src/b.ts': 'export const b = 1;\n',
    });
    expect(edges).toEqual(['src/a.ts -> src/b.ts (import)']);
    expect(result.unresolved).toEqual([{ source: 'src/a.ts', specifier: './gone', line: 1 }]);
  });

  it('resolves bundler query suffixes and type reference directives to the files they name', async () => {
    const { edges } = await graphOf({
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', paths: { 'env/*': ['./types/*'] } } }),
      'src/a.ts': "/// <reference types=\"env/globals\" />\nimport raw from './b?raw';\nimport json from '../data.json';\n",
      'src/b.ts': 'export const b = 1;\n',
      'types/globals.d.ts': 'declare const G: number;\n',
      'data.json': '{}\n',
    });
    expect(edges).toEqual(['src/a.ts -> data.json (import)', 'src/a.ts -> src/b.ts (import)', 'src/a.ts -> types/globals.d.ts (type-import)']);
  });

  it('skips node_modules and files git does not track', async () => {
    const { edges, result } = await graphOf({
      '.gitignore': 'generated/\n',
      'node_modules/dep/index.js': "require('../../src/a');\n",
      'generated/g.ts': "import '../src/a';\n",
      'src/a.ts': "import '../generated/g';\n",
    });
    expect(edges).toEqual([]);
    expect(result.files).toBe(1);
  });
});
