import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A file tree: path → content, or null to delete the file. */
export type Tree = Record<string, string | null>;

export interface CommitOptions {
  /** Commit date (ISO or git date); successive commits default to one minute apart. */
  date?: string;
  author?: string;
  /** Committer name, when it differs from the author's (Aider's `Name (aider)`). */
  committer?: string;
  /** Extra arguments to git commit, e.g. ['--allow-empty']. */
  args?: string[];
}

let clock = Date.parse('2026-01-01T00:00:00Z');

/** Creates a real temp git repository (realpath) with an optional first commit of `files`. */
export function gitRepo(files?: Tree, message = 'initial commit'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lore-repo-')));
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.name', 'Test Author']);
  git(dir, ['config', 'user.email', 'author@example.com']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  if (files) commit(dir, files, message);
  return dir;
}

/** Writes (or deletes) files, stages everything and commits; returns the new sha. */
export function commit(dir: string, files: Tree, message: string, options: CommitOptions = {}): string {
  writeTree(dir, files);
  git(dir, ['add', '-A']);
  clock += 60_000;
  const date = options.date ?? new Date(clock).toISOString();
  const env = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, ...(options.author ? { GIT_AUTHOR_NAME: options.author } : {}), ...(options.committer ? { GIT_COMMITTER_NAME: options.committer } : {}) };
  git(dir, ['commit', '-q', '--no-verify', '-m', message, ...(options.args ?? [])], env);
  return git(dir, ['rev-parse', 'HEAD']).trim();
}

export function writeTree(dir: string, files: Tree): void {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(dir, path);
    if (content === null) rmSync(abs, { force: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
}

/** Runs git in `dir` and returns stdout; throws with stderr on failure. */
export function git(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Deletes the object `rev` names (e.g. `HEAD:clip.mp4`) from the repository's object store, as a
 * copy made without some blobs, or a partial clone offline, lacks them. The object must be loose
 * (written by `git add`, not by fast-import or a gc); returns its sha.
 */
export function dropObject(dir: string, rev: string): string {
  const sha = git(dir, ['rev-parse', rev]).trim();
  const file = join(dir, '.git', 'objects', sha.slice(0, 2), sha.slice(2));
  if (!existsSync(file)) throw new Error(`${rev} (${sha}) is not a loose object`);
  rmSync(file);
  return sha;
}
