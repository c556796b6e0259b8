import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './git-repo.js';
import { random as rng } from '../../bench/lib/random.mjs';

/**
 * A real git repository with `commits` commits, made in one `git fast-import` stream (seconds,
 * not minutes, for thousands of commits): files added, edited, renamed and deleted, a merge every
 * 50 commits, messages with bodies. Deterministic for a given seed.
 */
export function bigRepo(commits: number, seed = 1): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'lore-big-')));
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.name', 'Test Author']);
  git(dir, ['config', 'user.email', 'author@example.com']);
  const r = rng(seed);
  const files: string[] = [];
  let stream = '';
  let mark = 0;
  const base = Date.parse('2025-01-01T00:00:00Z') / 1000;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let mainTip = 0;
  let sideTip = 0;
  for (let i = 1; i <= commits; i++) {
    mark = i;
    const when = base + i * 600;
    const subject = `change ${i}: ${['fix', 'add', 'refactor', 'docs'][i % 4]} ${['parser', 'store', 'cli', 'hooks'][Math.floor(r() * 4)]}`;
    const ops: string[] = [];
    const onSide = i % 50 === 25;
    if (onSide && files.length > 0) {
      // The side branch only edits what exists on both branches (its merge must apply cleanly).
      ops.push(`M 100644 inline ${files[0]!}\n${data(`// side ${i}\n`)}`);
    } else if (files.length < 5 || r() < 0.3) {
      const path = `src/mod${i % 40}/file${i}.ts`;
      files.push(path);
      ops.push(`M 100644 inline ${path}\n${data(`export const v${i} = ${i};\n`.repeat(1 + (i % 5)))}`);
    } else {
      const k = 1 + Math.floor(r() * (files.length - 1));
      const path = files[k]!;
      const roll = r();
      if (roll < 0.05 && files.length > 10) {
        ops.push(`D ${path}\n`);
        files.splice(k, 1);
      } else if (roll < 0.1) {
        const to = path.replace(/\.ts$/, `-r${i}.ts`);
        ops.push(`R ${path} ${to}\n`);
        files[k] = to;
      } else {
        ops.push(`M 100644 inline ${path}\n${data(`export const v${i} = ${i};\n// edit ${i}\n`)}`);
      }
    }
    // Every 50 commits: one commit on a side branch (from main's tip) and, 25 later, its merge.
    const merge = i % 50 === 0 && sideTip > 0;
    stream += `commit refs/heads/${onSide ? 'side' : 'main'}\nmark :${mark}\n`;
    stream += `author Test Author <author@example.com> ${when} +0000\ncommitter Test Author <author@example.com> ${when} +0000\n`;
    stream += data(`${subject}\n\nWhy: step ${i} of the plan.\n`);
    if (mainTip > 0) stream += `from :${mainTip}\n`;
    if (merge) stream += `merge :${sideTip}\n`;
    stream += ops.join('');
    stream += '\n';
    if (onSide) sideTip = i;
    else mainTip = i;
    if (merge) sideTip = 0;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream, maxBuffer: 1 << 30 });
  git(dir, ['checkout', '-q', '-f', 'main']);
  return dir;
}
