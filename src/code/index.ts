// The code folder's public surface. Nothing here loads TypeScript until a file must be parsed or
// resolved: parseImports/resolveImports import the compiler-backed module on first use.
import type { ImportEdge, ParsedImport, UnresolvedImport } from './types.js';

export { isCodeFile, isGraphInput, isResolutionConfig } from './files.js';
export { scanFiles, type ScanResult, type ScannedFile, type ChangedFile, type KnownFile } from './scan.js';
export { readWorkspaces } from './workspaces.js';
export type { ImportKind, ParsedImport, ImportEdge, UnresolvedImport } from './types.js';

/** Bumped when extraction changes, so stored files are re-parsed by the new version. */
export const PARSER_VERSION = 2;

/** The module specifiers of each file (TypeScript's preProcessFile), by path. */
export async function parseImports(files: readonly { path: string; text: string }[]): Promise<Map<string, ParsedImport[]>> {
  const { parseImportsOf } = await import('./graph.js');
  return parseImportsOf(files);
}

/** Resolves each file's specifiers to tracked repo files, as TypeScript would for that file's tsconfig. */
export async function resolveImports(
  root: string,
  trackedFiles: readonly string[],
  files: readonly { path: string; imports: readonly ParsedImport[] }[],
): Promise<{ edges: ImportEdge[]; unresolved: UnresolvedImport[] }> {
  const { resolveImportsOf } = await import('./graph.js');
  return resolveImportsOf(root, trackedFiles, files);
}
