import { git } from './run.js';

export interface BlameLine {
  sha: string;
  /** Path of the line in that commit (it may have been renamed since). */
  path: string;
  line: number;
}

/** The commit that last touched `line` of `path` at HEAD (git blame --porcelain, one line). */
export async function blameLine(root: string, path: string, line: number): Promise<BlameLine> {
  const out = await git(root, ['blame', '--porcelain', '-L', `${line},${line}`, 'HEAD', '--', path]);
  const lines = out.split('\n');
  const [sha, origLine] = (lines[0] ?? '').split(' ');
  const filename = lines.find((l) => l.startsWith('filename '))?.slice('filename '.length) ?? path;
  return { sha: sha ?? '', path: filename, line: Number(origLine) };
}

/** Number of lines of `path` at HEAD. */
export async function lineCount(root: string, path: string): Promise<number> {
  const text = await git(root, ['cat-file', '-p', `HEAD:${path}`]);
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
