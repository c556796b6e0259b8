import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crypto } from '../builtins.js';

/** What the database remembers of a file from the last run. */
export interface KnownFile {
  hash: string;
  size: number;
  mtimeMs: number;
  parserVersion: number;
}

export interface ScannedFile {
  path: string;
  hash: string;
  size: number;
  mtimeMs: number;
}

export interface ChangedFile extends ScannedFile {
  text: string;
  isNew: boolean;
}

export interface ScanResult {
  /** New files, files whose content hash changed, and files last parsed by an older parser. */
  changed: ChangedFile[];
  /** Files whose size or mtime changed but whose content did not: only their stat is refreshed. */
  touched: ScannedFile[];
  /** Known files that are no longer tracked or no longer on disk. */
  removed: string[];
  /** Tracked paths that are not on disk (deleted in the work tree, not yet committed). */
  absent: string[];
  unchanged: number;
}

/**
 * Compares tracked files with what was stored: a file whose size and mtime match is trusted
 * unread (as git's index does); any other is read and hashed, and counts as changed only when its
 * content hash differs.
 */
export function scanFiles(root: string, paths: readonly string[], known: ReadonlyMap<string, KnownFile>, parserVersion: number): ScanResult {
  const result: ScanResult = { changed: [], touched: [], removed: [], absent: [], unchanged: 0 };
  const present = new Set<string>();
  for (const path of paths) {
    const abs = join(root, path);
    let size: number;
    let mtimeMs: number;
    try {
      const st = statSync(abs);
      if (!st.isFile()) continue;
      size = st.size;
      mtimeMs = st.mtimeMs;
    } catch {
      result.absent.push(path); // tracked but deleted from the work tree: treated as gone
      continue;
    }
    present.add(path);
    const before = known.get(path);
    const current = before?.parserVersion === parserVersion;
    if (before && current && before.size === size && before.mtimeMs === mtimeMs) {
      result.unchanged++;
      continue;
    }
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch {
      present.delete(path);
      result.absent.push(path);
      continue;
    }
    const hash = crypto().createHash('sha1').update(text).digest('hex');
    if (before && current && before.hash === hash) result.touched.push({ path, hash, size, mtimeMs });
    else result.changed.push({ path, hash, size, mtimeMs, text, isNew: !before });
  }
  for (const path of known.keys()) if (!present.has(path)) result.removed.push(path);
  return result;
}
