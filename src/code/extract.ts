import { ts, type TS } from './typescript.js';
import type { ImportKind, ParsedImport } from './types.js';

/**
 * The module specifiers of one TS/JS file with their kind and line, from TypeScript's
 * `preProcessFile` (a scanner pass, no AST). preProcessFile does not say how a specifier was
 * used, so the few characters around each one are read to tell the kinds apart. Its scanner can
 * lose its place (a regex literal holding a quote or backtick, `export * as ns from`): when a
 * plain text search finds a specifier it did not report, the file is parsed properly instead.
 */
export function extractImports(text: string, fileName = 'file.ts'): ParsedImport[] {
  const info = ts.preProcessFile(text, true, true);
  let newlines: number[] | undefined;
  const lineOf = (pos: number): number => {
    newlines ??= newlinePositions(text);
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const references = info.referencedFiles.map((ref): ParsedImport => ({ specifier: ref.fileName, kind: 'type-import', line: lineOf(ref.pos), statement: 'reference' }));
  const typeReferences = info.typeReferenceDirectives.map((ref): ParsedImport => ({ specifier: ref.fileName, kind: 'type-import', line: lineOf(ref.pos), statement: 'reference-types' }));
  const found = new Set(info.importedFiles.map((f) => f.fileName));
  for (const specifier of specifierHints(text)) {
    if (!found.has(specifier)) return [...extractWithParser(text, fileName), ...references, ...typeReferences];
  }
  const out: ParsedImport[] = [];
  for (const ref of info.importedFiles) {
    if (ref.fileName === '') continue;
    out.push({ specifier: ref.fileName, line: lineOf(ref.pos), ...classify(text, ref.pos, ref.fileName.length) });
  }
  return [...out, ...references, ...typeReferences];
}

/**
 * Text that looks like a specifier: `from 'x'`, `import 'x'`, `import('x')`, `require('x')`
 * (strings included: a false alarm only costs a parse). Each form closes with its own opening
 * quote: with one shared backreference, the other form's unset group would match the empty
 * string, and `'dynamic-import',` or `` import(`./${x}`) `` would pass for specifiers (each false
 * alarm a needless parse; docs/performance.md). `from`/`import` right after `-` or `@`
 * (`'.deep-import')`, CSS's `@import '...'`) is never the keyword.
 */
const SPECIFIER_HINT = /(?<![\w$.'"`@-])(?:from|import)\s*(['"])([^'"`\s$]+)\1|(?<![\w$.])(?:require|import)\s*\(\s*(['"`])([^'"`\s$]+)\3/g;

/** The specifiers a plain text search sees in `text`, in order: what preProcessFile must have reported. */
export function* specifierHints(text: string): Generator<string> {
  for (const m of text.matchAll(SPECIFIER_HINT)) if (!onCommentLine(text, m.index)) yield m[2] ?? m[4]!;
}

/**
 * True when the line holding `index` is a line comment (`// import x from 'y'`, commented-out code)
 * or reads like a doc comment's body (` * @type {import('x')}`, ` * const a = require('a')`).
 * Such lines would send files to the parser for nothing. A line of code can begin with `* `
 * only as a product split over lines or an `export` split before `* from`/`* as ns from`; the
 * latter, the form preProcessFile misses by design, is never skipped. The former, and a `${}`
 * on a line of a multi-line template that starts with `//`, lose an import only when
 * preProcessFile lost it too.
 */
function onCommentLine(text: string, index: number): boolean {
  let i = text.lastIndexOf('\n', index - 1) + 1;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '/' && text[i + 1] === '/') return true;
  if (text[i] !== '*') return false;
  DOC_LINE.lastIndex = i;
  return DOC_LINE.test(text);
}

/** `*`, blanks, then anything but `from`/`as` (the blanks matched whole: no backtracking onto one). */
const DOC_LINE = /\*[ \t]+(?![ \t]|(?:from|as)(?![\w$]))/y;

const SCRIPT_KINDS: Record<string, TS.ScriptKind> = { tsx: ts.ScriptKind.TSX, jsx: ts.ScriptKind.JSX, js: ts.ScriptKind.JS, mjs: ts.ScriptKind.JS, cjs: ts.ScriptKind.JS };

/** The same answer from a full syntax tree (no binder, no type check): slower, never confused. */
export function extractWithParser(text: string, fileName: string): ParsedImport[] {
  const ext = /\.([cm]?[jt]sx?)$/.exec(fileName)?.[1] ?? 'ts';
  const sf = ts.createSourceFile(fileName, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, SCRIPT_KINDS[ext] ?? ts.ScriptKind.TS);
  const isModule = sf.statements.some((st) => ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isExportAssignment(st) || ts.isImportEqualsDeclaration(st) || hasExportModifier(st));
  const out: ParsedImport[] = [];
  const add = (lit: TS.Node, kind: ImportKind, statement?: string): void => {
    if (!ts.isStringLiteral(lit) && !ts.isNoSubstitutionTemplateLiteral(lit)) return;
    out.push({ specifier: lit.text, kind, line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1, ...(statement ? { statement } : {}) });
  };
  const allTypeOnly = (elements: readonly { isTypeOnly: boolean }[]): boolean => elements.length > 0 && elements.every((e) => e.isTypeOnly);
  const visit = (node: TS.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (!clause.name && named !== undefined && allTypeOnly(named)));
      add(node.moduleSpecifier, typeOnly ? 'type-import' : 'import');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (named !== undefined && allTypeOnly(named)) ? 'type-import' : 're-export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly ? 'type-import' : 'import', 'import-equals');
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]!, 'dynamic-import');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) add(node.arguments[0]!, 'require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'type-import');
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name) && isModule) {
      add(node.name, 'type-import', 'declare-module');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function hasExportModifier(node: TS.Statement): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function newlinePositions(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\w$]/.test(c);

function skipSpaceBack(text: string, i: number): number {
  while (i >= 0 && isSpace(text[i])) i--;
  return i;
}

function skipSpaceForward(text: string, i: number): number {
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

/** The identifier ending at index `end` (inclusive), and where it starts. */
function wordBefore(text: string, end: number): { word: string; start: number } {
  let start = end;
  while (start >= 0 && isWordChar(text[start])) start--;
  return { word: text.slice(start + 1, end + 1), start: start + 1 };
}

/** `quote` is the index of the specifier's opening quote (preProcessFile's `pos`). */
export function classify(text: string, quote: number, length: number): { kind: ImportKind; statement?: string } {
  const end = quote + length + 1; // the closing quote
  const before = skipSpaceBack(text, quote - 1);
  if (text[before] === '(') {
    const { word, start } = wordBefore(text, skipSpaceBack(text, before - 1));
    if (word === 'import') return isTypePositionImport(text, start, end) ? { kind: 'type-import' } : { kind: 'dynamic-import' };
    if (word === 'require') {
      const head = text.slice(Math.max(0, start - 200), start);
      const eq = /(?:^|[^\w$.])import\s+(type\s+)?[\w$]+\s*=\s*$/.exec(head);
      if (eq) return { kind: eq[1] ? 'type-import' : 'import', statement: 'import-equals' };
      return { kind: 'require' };
    }
    return { kind: 'import' };
  }
  const { word, start } = wordBefore(text, before);
  if (word === 'from') return classifyFrom(text, start);
  if (word === 'module') return { kind: 'type-import', statement: 'declare-module' };
  return { kind: 'import' }; // `import './side-effect'`
}

/** `import('./x').T` or `typeof import('./x')` in a type: no runtime dependency. */
function isTypePositionImport(text: string, importStart: number, closingQuote: number): boolean {
  const { word } = wordBefore(text, skipSpaceBack(text, importStart - 1));
  if (word === 'typeof') return true;
  let i = closingQuote + 1;
  i = skipSpaceForward(text, i);
  if (text[i] !== ')') return false;
  i = skipSpaceForward(text, i + 1);
  if (text[i] !== '.') return false;
  const m = /^\.\s*([\w$]+)/.exec(text.slice(i, i + 64));
  return m !== null && !['then', 'catch', 'finally'].includes(m[1]!);
}

/** `import ... from` or `export ... from`: find the keyword and read the clause between. */
function classifyFrom(text: string, fromStart: number): { kind: ImportKind } {
  const head = text.slice(Math.max(0, fromStart - 8000), fromStart);
  const re = /(?<![\w$.])(import|export)(?![\w$])/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(head); m; m = re.exec(head)) last = m;
  if (!last) return { kind: 'import' };
  const clause = head.slice(last.index + last[0].length).trim();
  if (last[1] === 'import') return { kind: isTypeOnlyImportClause(clause) ? 'type-import' : 'import' };
  return { kind: /^type\s*[{*]/.test(clause) || isAllTypeNamed(clause) ? 'type-import' : 're-export' };
}

function isTypeOnlyImportClause(clause: string): boolean {
  // `import type X from`, `import type { X } from`, `import type * as X from`; but `import type from`
  // imports a default export named `type`.
  if (/^type(?:\s*[{*]|\s+[\w$]+$)/.test(clause)) return true;
  return isAllTypeNamed(clause);
}

/** `{ type A, type B as C }`: every named binding is type-only, so TypeScript elides the import. */
function isAllTypeNamed(clause: string): boolean {
  const m = /^\{([^}]*)\}$/.exec(clause);
  if (!m) return false;
  const names = m[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => /^type\s+[\w$]/.test(n));
}
