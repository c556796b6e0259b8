import { readFileSync, statSync, type Stats } from 'node:fs';

// Shared by every folder (like errors.ts, events.ts): a file that may be missing, unreadable or
// half-written is an answer ("not there"), not an error. statSync's `throwIfNoEntry: false` covers
// only a missing path; EACCES and the rest must read as "not there" too.

/** The file's stat, or undefined when it cannot be had (missing, unreadable, a path through a file). */
export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The file's UTF-8 text, or undefined when it cannot be read. */
export function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
