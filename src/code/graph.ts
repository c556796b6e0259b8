// The TypeScript-backed half of src/code, loaded lazily (see index.ts): importing it loads the
// compiler, which is slow to load (docs/performance.md), so a run with nothing to parse never does.
import { extractImports } from './extract.js';
import { ImportResolver, type ResolveResult } from './resolver.js';
import type { ImportEdge, ParsedImport } from './types.js';

export function parseImportsOf(files: readonly { path: string; text: string }[]): Map<string, ParsedImport[]> {
  const out = new Map<string, ParsedImport[]>();
  for (const f of files) out.set(f.path, extractImports(f.text, f.path));
  return out;
}

export function resolveImportsOf(root: string, trackedFiles: readonly string[], files: readonly { path: string; imports: readonly ParsedImport[] }[]): ResolveResult {
  const resolver = new ImportResolver(root, trackedFiles);
  const edges = new Map<string, ImportEdge>();
  const unresolved: ResolveResult['unresolved'] = [];
  for (const f of files) resolver.resolveFile(f.path, f.imports, edges, unresolved);
  return { edges: [...edges.values()], unresolved };
}
