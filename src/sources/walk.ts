import { readdirSync } from 'node:fs';
import { sep } from 'node:path';

/**
 * Files under `dir` (depth-limited, into the folders `enter` lets in) whose name passes `accept`;
 * a missing or unreadable dir yields nothing. Read with readdirSync: every query's catch-up walks
 * these folders, and the first use of node:fs/promises loads it with readline (docs/start-up.md).
 */
export async function findFiles(dir: string, accept: (name: string) => boolean, maxDepth = 6, enter: (name: string) => boolean = () => true): Promise<string[]> {
  const out: string[] = [];
  async function visit(d: string, depth: number): Promise<void> {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = childPath(d, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && enter(e.name)) await visit(p, depth + 1);
      } else if (e.isFile() && accept(e.name)) out.push(p);
    }
  }
  await visit(dir, 0);
  return out;
}

/**
 * What path.join(dir, ...names) returns, for a `dir` that path.join made (or a directory entry of
 * one) and names that are plain single segments (a directory entry's name), without normalizing the
 * whole string again: path.join does that character by character, allocating as it goes, and a
 * query's catch-up builds a path for every transcript on the machine.
 */
export function childPath(dir: string, ...names: string[]): string {
  return [dir, ...names].join(sep);
}

/** The last path segment, for either separator (a Windows path may be handed to us on any OS). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

