import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { blameGraphEnv, commonDirOnDisk } from '../repo-dir.js';

/** What a git process printed, and its exit code (-1 when it could not be started). */
export interface GitOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * For `lore why FILE:LINE`: starts `git blame` of the line before lore loads its code and opens its
 * database, so that git's walk runs beside them instead of after them (docs/performance.md,
 * "`lore why FILE:LINE`"). src/git runs every other git command; this one cannot wait for that code
 * to load. FILE:LINE is read as resolveTarget reads it; the path is passed as typed, relative to
 * `cwd` as git takes it, with lore's commit-graph as src/git/blame.ts runs it (blameGraphEnv).
 * Never rejects; undefined for a target without a line.
 */
export function startBlame(target: string, cwd: string): Promise<GitOutput> | undefined {
  const m = /^(.+):(\d+)$/.exec(target);
  if (!m || Number(m[2]) < 1 || existsSync(resolve(cwd, target))) return undefined;
  // Got here, not imported: only a FILE:LINE run needs it, and it is the costliest built-in to load.
  const { spawn } = process.getBuiltinModule('node:child_process');
  return new Promise((done) => {
    // The environment src/git/run.ts gives git: output that parses the same whatever the user's config.
    const common = commonDirOnDisk(cwd);
    const graph = common ? blameGraphEnv(common) : {};
    const env = { ...process.env, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', ...graph };
    const child = spawn('git', ['blame', '--porcelain', '-L', `${m[2]},${m[2]}`, 'HEAD', '--', m[1]!], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', () => done({ stdout: '', stderr: '', code: -1 }));
    child.on('close', (code) => done({ stdout, stderr, code: code ?? -1 }));
  });
}
