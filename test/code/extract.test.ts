import { describe, expect, it } from 'vitest';
import { extractImports, extractWithParser, specifierHints } from '../../src/code/extract.js';

const kinds = (text: string, file = 'a.ts') => extractImports(text, file).map((i) => `${i.specifier} ${i.kind}${i.statement ? `/${i.statement}` : ''} @${i.line}`);

describe('extractImports', () => {
  it('labels each kind of specifier with its line (triple-slash directives only at the top, as TypeScript reads them)', () => {
    expect(
      kinds(
        [
          '/// <reference types="./types" />',
          "import a from './a';",
          "import type { B } from './b';",
          "export { c } from './c';",
          "const d = await import('./d');",
          "const e = require('./e');",
          "import f = require('./f');",
          "let g: import('./g').G;",
          "declare module './h' { interface X {} }",
        ].join('\n'),
      ),
    ).toEqual([
      './a import @2',
      './b type-import @3',
      './c re-export @4',
      './d dynamic-import @5',
      './e require @6',
      './f import/import-equals @7',
      './g type-import @8',
      './h type-import/declare-module @9',
      './types type-import/reference-types @1',
    ]);
  });

  it('parses the file when a regex literal throws the scanner off, and finds every import after it', () => {
    const text = [
      "import { a } from './a';",
      "const strip = (s: string) => s.replace(/`/g, '');",
      "const quote = /'/;",
      "export async function run() { const { b } = await import('./b'); return import('./c').then((m) => m); }",
      "export * as d from './d';",
    ].join('\n');
    expect(kinds(text)).toEqual(['./a import @1', './b dynamic-import @4', './c dynamic-import @4', './d re-export @5']);
  });

  it('parses JSX files as JSX when it must fall back to the parser', () => {
    const text = "import { a } from './a';\nconst re = /'/;\nexport const C = () => <div>{re.source}</div>;\nconst l = import('./lazy');\n";
    expect(extractWithParser(text, 'c.tsx').map((i) => i.specifier)).toEqual(['./a', './lazy']);
  });

  it('tells type-only bindings apart in the parser too', () => {
    const text = "import { type A, type B } from './ab';\nimport { type C, c } from './c';\nexport type { D } from './d';\nimport type E = require('./e');\n";
    expect(extractWithParser(text, 'x.ts').map((i) => `${i.specifier} ${i.kind}`)).toEqual(['./ab type-import', './c import', './d type-import', './e type-import']);
  });

  it('sees a specifier only where its quotes close: test names, object keys and template imports with a ${} are not specifiers', () => {
    const text = [
      "import a from './a';",
      "test('dynamic import', () => {});",
      "const kinds = { 'dynamic-import': 1, 'x-import':2 };",
      "expect(await page.textContent('.public-import')).toMatch(icon);",
      'const m = await import(`../views/${name}.js`);',
      "const b = require(\"./b\");",
      'const c = import(`./c`);',
    ].join('\n');
    expect([...specifierHints(text)]).toEqual(['./a', './b', './c']);
    expect(kinds(text)).toEqual(['./a import @1', './b require @6', './c dynamic-import @7']);
  });

  it('sees no specifier on a comment line or after - and @, but keeps an export split before * from', () => {
    const text = [
      "// import old from './old';",
      '/**',
      " * @type {import('./typedef')}",
      " * const c = require('./c');",
      ' */',
      "const css = \"@import './x.css';\";",
      "const sel = page.textContent('.deep-import')).toBe('a');",
      'export',
      "  * as ns from './ns';",
      'export',
      "  * from './all';",
    ].join('\n');
    expect([...specifierHints(text)]).toEqual(['./ns', './all']);
  });
});

