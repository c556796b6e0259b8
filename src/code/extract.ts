import { ts } from 'ts-morph';
import type { ImportKind, ParsedImport } from './types.js';

/**
 * The module specifiers of one TS/JS file with their kind and line, from TypeScript's
 * `preProcessFile` (a scanner pass, no AST). preProcessFile does not say how a specifier was
 * used, so the few characters around each one are read to tell the kinds apart.
 */
export function extractImports(text: string): ParsedImport[] {
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
  const out: ParsedImport[] = [];
  for (const ref of info.importedFiles) {
    if (ref.fileName === '') continue;
    out.push({ specifier: ref.fileName, line: lineOf(ref.pos), ...classify(text, ref.pos, ref.fileName.length) });
  }
  // preProcessFile's scanner misses `export * as ns from '...'` (ES2020): find those by hand.
  if (text.includes('* as')) {
    for (const m of text.matchAll(EXPORT_STAR_AS)) {
      const quote = m.index + m[0].length - m[3]!.length - 2;
      if (out.some((o) => o.specifier === m[3] && o.line === lineOf(quote))) continue; // a future scanner may find it too
      out.push({ specifier: m[3]!, kind: m[1] ? 'type-import' : 're-export', line: lineOf(quote) });
    }
  }
  for (const ref of info.referencedFiles) {
    out.push({ specifier: ref.fileName, kind: 'type-import', line: lineOf(ref.pos), statement: 'reference' });
  }
  return out;
}

const EXPORT_STAR_AS = /(?<=^|[;}\n])[ \t]*export\s+(type\s+)?\*\s*as\s+[\w$]+\s+from\s*(['"])([^'"\n]+)\2/g;

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
