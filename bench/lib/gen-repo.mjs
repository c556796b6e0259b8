// Generates a deterministic git repository with `git fast-import` (10,000 commits in a few
// seconds): files added, edited, renamed and deleted, a merge every 250 commits. Cached by the
// callers under .bench-tmp/ so a second run reuses it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { random as rng } from './random.mjs';


const WORDS = 'alpha beta gamma delta index commit hook query worker queue parse render session message link graph'.split(' ');

/**
 * Builds the repo in `dir` (removed first) with `commits` commits on main. Returns
 * { dir, file } where `file` is a path that exists at HEAD with a long, renamed history.
 */
export async function generateRepo(dir, { commits = 10_000, seed = 42 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const random = rng(seed);
  const pick = (arr) => arr[Math.floor(random() * arr.length)];
  const files = new Map(); // path -> lines
  let nextFile = 0;
  const newPath = () => `src/${pick(['core', 'cli', 'db', 'git', 'query'])}/mod-${nextFile++}.ts`;
  // The file the `why` benchmark asks about: edited often, renamed twice.
  let tracked = 'src/tracked/original-name.ts';
  files.set(tracked, ['// tracked']);

  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`))));
  });
  let buffered = [];
  let size = 0;
  const write = async (s) => {
    buffered.push(s);
    size += s.length;
    if (size > 1 << 20) await flush();
  };
  const flush = async () => {
    const chunk = buffered.join('');
    buffered = [];
    size = 0;
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  };
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const blob = (path) => `M 100644 inline ${path}\n${data(files.get(path).join('\n') + '\n')}`;

  let time = 1_600_000_000;
  let sideMark = 0;
  let lastMain = 0;
  let sidePaths = [];
  for (let i = 1; i <= commits; i++) {
    time += 60 + Math.floor(random() * 3600);
    const ops = [];
    const isMergeBase = i % 250 === 100 && i > 1;
    const isMerge = i % 250 === 0 && sideMark > 0;
    if (!isMergeBase && (i === 1 || files.size < 20 || random() < 0.08)) {
      const p = newPath();
      files.set(p, Array.from({ length: 5 + Math.floor(random() * 20) }, (_, n) => `export const v${n} = '${pick(WORDS)}';`));
      ops.push(blob(p));
    }
    const paths = [...files.keys()];
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const p = random() < 0.05 ? tracked : pick(paths);
      const lines = files.get(p);
      if (lines.length > 60) lines.splice(Math.floor(random() * lines.length), 1);
      lines.splice(Math.floor(random() * (lines.length + 1)), 0, `// ${pick(WORDS)} ${pick(WORDS)} ${i}`);
      ops.push(blob(p));
      if (isMergeBase) sidePaths.push(p);
    }
    // The side commit only edits (so every path main knows exists in main's tree); the merge
    // brings its edits in.
    if (isMerge) for (const p of sidePaths) if (files.has(p)) ops.push(blob(p));
    if (isMergeBase) {
      // no add, rename or delete on the side branch
    } else if (i === Math.floor(commits / 3) || i === Math.floor((2 * commits) / 3)) {
      const to = `src/tracked/renamed-${i}.ts`;
      files.set(to, files.get(tracked));
      files.delete(tracked);
      ops.push(`R ${tracked} ${to}\n`);
      tracked = to;
    } else if (random() < 0.01 && files.size > 30) {
      const p = pick(paths.filter((x) => x !== tracked));
      const to = newPath();
      files.set(to, files.get(p));
      files.delete(p);
      ops.push(`R ${p} ${to}\n`);
    } else if (random() < 0.01 && files.size > 30) {
      const p = pick(paths.filter((x) => x !== tracked));
      files.delete(p);
      ops.push(`D ${p}\n`);
    }
    const who = pick(['Ada Lovelace <ada@example.com>', 'Alan Turing <alan@example.com>', 'Grace Hopper <grace@example.com>']);
    const message = `${pick(WORDS)} ${pick(WORDS)}: change ${i}\n\nBody of commit ${i}.\n`;
    // A side branch forks at isMergeBase and is merged back 150 commits later with a merge commit.
    const ref = isMergeBase ? 'refs/heads/side' : 'refs/heads/main';
    if (isMergeBase) sideMark = i;
    await write(
      `commit ${ref}\nmark :${i}\nauthor ${who} ${time} +0000\ncommitter ${who} ${time} +0000\n${data(message)}` +
        (i > 1 ? `from :${isMergeBase ? i - 1 : lastMain}\n` : '') +
        (isMerge ? `merge :${sideMark}\n` : '') +
        ops.join(''),
    );
    if (!isMergeBase) lastMain = i;
    if (isMerge) {
      sideMark = 0;
      sidePaths = [];
    }
  }
  await write('done\n');
  await flush();
  child.stdin.end();
  await done;
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  execFileSync('git', ['branch', '-q', '-D', 'side'], { cwd: dir, stdio: 'ignore' });
  return { dir, file: tracked };
}
/** The cached repo under .bench-tmp/, generated on first use. */
export async function cachedRepo(root, commits = 10_000) {
  const dir = `${root}/repo-${commits}`;
  const marker = `${dir}/.git/lore-bench-file`;
  if (existsSync(marker)) {
    const { readFileSync } = await import('node:fs');
    return { dir, file: readFileSync(marker, 'utf8').trim(), cached: true };
  }
  const r = await generateRepo(dir, { commits });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(marker, r.file + '\n');
  return { ...r, cached: false };
}
