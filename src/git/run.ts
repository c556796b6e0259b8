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
export async function git(cwd: string, args: string[], input?: string): Promise<string> {
  const r = await gitRaw(cwd, args, input);
  if (r.code !== 0) throw new GitError(args, r.stderr);
  return r.stdout;
}

/**
 * Streams git's stdout in chunks to `onChunk` (for `git log` over large histories, so memory
 * stays flat). Rejects with a GitError on a non-zero exit, or with what `onChunk` threw (git is
 * stopped then).
 */
export function gitStream(cwd: string, args: string[], onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn('git', args, { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.on('close', (code) => (failed !== undefined ? reject(failed) : code === 0 ? resolve() : reject(new GitError(args, stderr))));
  });
}

// Stable, parseable output whatever the user's config says.
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
}
