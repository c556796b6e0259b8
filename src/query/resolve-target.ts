import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

export interface Target {
  /** Repo-relative path with forward slashes. */
  path: string;
  line?: number;
}

/**
 * Splits `FILE[:LINE]` and makes FILE repo-relative. A trailing `:N` is a line number unless a
 * file with that literal name exists.
 */
export function resolveTarget(target: string, cwd: string, root: string): Target {
  let file = target;
  let line: number | undefined;
  const m = /^(.*):(\d+)$/.exec(target);
  if (m && !existsSync(resolve(cwd, target))) {
    file = m[1] ?? '';
    line = Number(m[2]);
    if (line < 1) throw new UsageError(`line numbers start at 1, got ${m[2]}`, 'use FILE:LINE with LINE ≥ 1');
  }
  if (file === '') throw new UsageError('no file given', 'usage: lore why FILE[:LINE]');
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(root, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`${file} is outside the repository at ${root}`, 'pass a path inside the repository');
  // git would take a directory (or the top, '') as a pathspec for everything under it, and `why`
  // would tell a made-up history of no file.
  if (rel === '' || isDirectory(abs)) {
    throw new UsageError(`${file} is a directory; lore why explains one file`, `name a file in it (\`git ls-files ${rel === '' ? '.' : rel}\` lists them), or see \`lore related FILE\``);
  }
  return { path: rel.split(sep).join('/'), ...(line !== undefined ? { line } : {}) };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
