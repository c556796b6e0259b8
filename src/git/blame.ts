import { GitError } from '../errors.js';
import { blameGraphEnv, type RepoInfo } from '../repo-dir.js';
import { git, gitRaw, type GitResult } from './run.js';

export interface BlameLine {
  sha: string;
  /** Path of the line in that commit (it may have been renamed since). */
  path: string;
  /** Its number in that commit's version of the file. */
  line: number;
  /** The line itself. */
  text: string;
}

/** The commit that last touched `line` of `path` at `rev` (git blame --porcelain, one line). */
export async function blameLine(root: string, path: string, line: number, rev = 'HEAD'): Promise<BlameLine> {
  return parseBlame(await git(root, ['blame', '--porcelain', '-L', `${line},${line}`, rev, '--', path]), path);
}

/**
 * blameLine that says what git found wrong instead of failing: `missing` when `rev` has no such
 * path, `lines` (the file's line count) when the line is past its end. One git process answers
 * both the check and the question, with lore's commit-graph when there is one (blameGraphEnv).
 * `started`: that same blame, already running (a run that could not start, code -1, is run again
 * here). A blame that fails is run again without the graph before its error counts: what git
 * says about a path or a line must not depend on lore's files.
 */
export async function tryBlameLine(repo: RepoInfo, path: string, line: number, rev = 'HEAD', started?: Promise<GitResult>): Promise<BlameLine | { missing: true } | { lines: number }> {
  const args = ['blame', '--porcelain', '-L', `${line},${line}`, rev, '--', path];
  const graph = blameGraphEnv(repo.commonDir);
  const early = started && (await started);
  let r = early && early.code !== -1 ? early : await gitRaw(repo.root, args, undefined, graph);
  if (r.code !== 0 && graph.GIT_OBJECT_DIRECTORY) r = await gitRaw(repo.root, args);
  if (r.code === 0) return parseBlame(r.stdout, path);
  const only = /has only (\d+) lines?/.exec(r.stderr);
  if (only) return { lines: Number(only[1]) };
  if (/no such path/.test(r.stderr)) return { missing: true };
  throw new GitError(args, r.stderr);
}

function parseBlame(out: string, path: string): BlameLine {
  const lines = out.split('\n');
  const [sha, origLine] = (lines[0] ?? '').split(' ');
  const filename = lines.find((l) => l.startsWith('filename '))?.slice('filename '.length) ?? path;
  // The porcelain format's last line: the line's text after a tab.
  const text = lines.find((l) => l.startsWith('\t'))?.slice(1) ?? '';
  return { sha: sha ?? '', path: filename, line: Number(origLine), text };
}

/** Number of lines of `path` at HEAD. */
export async function lineCount(root: string, path: string): Promise<number> {
  const text = await git(root, ['cat-file', '-p', `HEAD:${path}`]);
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
