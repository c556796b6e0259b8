import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SourceMap } from 'node:module';

/**
 * A stack with each position in a built file that has a source map beside it (`dist/fast.cjs.map`,
 * ...) told as the position in `src/`. The fast commands run `dist/fast.cjs` through vm.Script (its
 * code cache, src/cli/require-cached.ts), where Node's `--enable-source-maps` does not reach, and
 * that bundle is built without whitespace: its positions alone would say little in a bug report.
 * A frame that cannot be mapped stays as it was.
 */
export function sourceStack(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  return stack.replace(/([^\s()]+\.c?js):(\d+):(\d+)/g, (whole, file: string, line: string, column: string) => {
    if (!maps.has(file)) maps.set(file, loadMap(file));
    const entry = maps.get(file)?.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return whole;
    const source = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : resolve(dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function loadMap(file: string): SourceMap | undefined {
  try {
    if (!existsSync(`${file}.map`)) return undefined;
    const { SourceMap } = process.getBuiltinModule('node:module');
    return new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return undefined;
  }
}
