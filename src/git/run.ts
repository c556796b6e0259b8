import { GitError } from '../errors.js';
import { childProcess } from '../builtins.js';

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs git and resolves with its output whatever the exit code; callers decide what failure means.
 * `extraEnv`: variables set on top of gitEnv() for this run.
 */
export function gitRaw(cwd: string, args: string[], input?: string, extraEnv?: NodeJS.ProcessEnv): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const env = extraEnv ? { ...gitEnv(), ...extraEnv } : gitEnv();
    const child = childProcess().execFile('git', args, { cwd, maxBuffer: 1 << 30, encoding: 'utf8', env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      if (err && code === -1 && !stderr) return reject(err);
      resolve({ stdout, stderr, code });
    });
    if (input !== undefined) {
      // git may exit before reading its input (a fatal error): the exit code says so, not EPIPE.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    }
  });
}

/** Runs git and returns stdout; a non-zero exit becomes a GitError. */
export async function git(cwd: string, args: string[], input?: string, extraEnv?: NodeJS.ProcessEnv): Promise<string> {
  const r = await gitRaw(cwd, args, input, extraEnv);
  if (r.code !== 0) throw gitError(args, r.stderr);
  return r.stdout;
}

/**
 * Streams git's stdout in chunks to `onChunk` (for `git log` over large histories, so memory
 * stays flat). Rejects with a GitError on a non-zero exit, or with what `onChunk` threw (git is
 * stopped then).
 */
export function gitStream(cwd: string, args: string[], onChunk: (chunk: Buffer) => void, extraEnv?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = extraEnv ? { ...gitEnv(), ...extraEnv } : gitEnv();
    const child = childProcess().spawn('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let failed: unknown;
    child.stdout.on('data', (chunk: Buffer) => {
      if (failed !== undefined) return;
      try {
        onChunk(chunk);
      } catch (err) {
        failed = err;
        child.kill();
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 10_000) stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (failed !== undefined ? reject(failed) : code === 0 ? resolve() : reject(gitError(args, stderr))));
  });
}

// Stable, parseable output whatever the user's config says.
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
}

/**
 * For the git processes that read history on lore's own initiative (indexing, line counts,
 * patch-ids): in a partial clone git would fetch every blob it lacks from the promisor remote,
 * one diff at a time, and lore uses no network the user did not ask for. Git 2.45 and later
 * honour GIT_NO_LAZY_FETCH. Older git still starts the fetch; GIT_ALLOW_PROTOCOL, naming no real
 * transport, makes it fail before any connection is made. Either way the object reads as missing
 * (isMissingObject) and the caller skips the commit. A complete repository never fetches, so its
 * answers do not change. Not for `lore sync`, whose fetch and push the user asked for.
 */
export const NO_FETCH_ENV: NodeJS.ProcessEnv = { GIT_NO_LAZY_FETCH: '1', GIT_ALLOW_PROTOCOL: 'none' };

/** A GitError whose cause is an object git could not read (isMissingObject): callers may skip what needs it. */
export class MissingObjectError extends GitError {}

export function gitError(args: string[], stderr: string): GitError {
  return isMissingObject(stderr) ? new MissingObjectError(args, stderr) : new GitError(args, stderr);
}

/**
 * True when git's stderr says an object could not be read: absent from the object store (a copy
 * made without some blobs, a partial clone offline), corrupt, or not fetched from a promisor
 * remote. Other failures (no repository, a bad argument) are not.
 */
export function isMissingObject(stderr: string): boolean {
  return /unable to read|bad object|missing (blob|tree|object)|invalid object|is corrupt|could not fetch .* from promisor remote|did not receive expected object/i.test(stderr);
}
