import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countCommits, openDb } from '../../src/db/index.js';
import { blameGraphStale, findRepo } from '../../src/git/index.js';
import { blameTarget } from '../../src/query/index.js';
import { runCli } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

// lore's commit-graph for blames (src/git/blame-graph.ts): written into .git/lore/objects, never
// into the repository's own objects, and never able to change an answer. Whether git used it is
// read from git's own trace (GIT_TRACE2_PERF): blame reports its Bloom filter queries only when a
// commit-graph with changed paths served them.

const numbered = (n: number, changed: Record<number, string> = {}): string => Array.from({ length: n }, (_, i) => changed[i + 1] ?? `export const line${i + 1} = ${i + 1};`).join('\n') + '\n';

function repoWithHistory(): { repo: string; shas: string[] } {
  const repo = gitRepo({ 'src/a.ts': numbered(6), 'README.md': 'a\n' }, 'add a');
  const shas = [git(repo, ['rev-parse', 'HEAD']).trim()];
  shas.push(commit(repo, { 'src/a.ts': numbered(6, { 3: 'export const line3 = 33;' }) }, 'change line 3'));
  shas.push(commit(repo, { 'README.md': 'b\n' }, 'touch the readme only'));
  return { repo, shas };
}

const graphDir = (repo: string): string => join(repo, '.git', 'lore', 'objects');

/** `lore why` with git's trace on: the answer, and whether git blame queried Bloom filters. */
function whyTraced(repo: string, target: string): { json: { blamed: { sha: string } | null }; bloom: boolean; code: number } {
  const trace = join(mkdtempSync(join(tmpdir(), 'lore-trace-')), 'trace2');
  const r = runCli(['why', target, '--json'], { cwd: repo, env: { GIT_TRACE2_PERF: trace } });
  const traced = existsSync(trace) ? readFileSync(trace, 'utf8') : '';
  return { json: r.code === 0 ? JSON.parse(r.stdout) : null, bloom: /bloom\/queries:[1-9]/.test(traced), code: r.code };
}

describe('lore why FILE:LINE through lore\'s commit-graph', () => {
  it('lore index writes it beside the repository, and blames use it with the same answer', () => {
    const { repo, shas } = repoWithHistory();
    const before = whyTraced(repo, 'src/a.ts:3');
    expect(before.code).toBe(0);
    expect(before.json.blamed?.sha).toBe(shas[1]);
    expect(before.bloom).toBe(false);

    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    const info = join(graphDir(repo), 'info');
    expect(readdirSync(info).sort()).toEqual(['alternates', 'commit-graph', 'lore-commits']);
    // Relative, so a moved repository keeps working; the repository's own objects are untouched.
    expect(readFileSync(join(info, 'alternates'), 'utf8')).toBe('../../objects\n');
    expect(readFileSync(join(info, 'lore-commits'), 'utf8')).toBe('3\n');
    expect(existsSync(join(repo, '.git', 'objects', 'info', 'commit-graph'))).toBe(false);
    expect(existsSync(join(repo, '.git', 'objects', 'info', 'commit-graphs'))).toBe(false);

    const through = whyTraced(repo, 'src/a.ts:3');
    expect(through.bloom).toBe(true);
    rmSync(graphDir(repo), { recursive: true });
    const without = whyTraced(repo, 'src/a.ts:3');
    expect(without.bloom).toBe(false);
    expect(through.json).toEqual(without.json);
    expect(through.json.blamed?.sha).toBe(shas[1]);
  });

  it('a linked worktree blames through the graph of the repository it belongs to', () => {
    const { repo, shas } = repoWithHistory();
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    const wt = join(mkdtempSync(join(tmpdir(), 'lore-wt-')), 'wt');
    git(repo, ['worktree', 'add', '-q', wt, '-b', 'side']);
    const r = whyTraced(wt, 'src/a.ts:3');
    expect(r.code).toBe(0);
    expect(r.json.blamed?.sha).toBe(shas[1]);
    expect(r.bloom).toBe(true);
  });

  it('the in-process blame (the MCP server, the context hook) uses it too', async () => {
    const { repo, shas } = repoWithHistory();
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    const trace = join(mkdtempSync(join(tmpdir(), 'lore-trace-')), 'trace2');
    process.env.GIT_TRACE2_PERF = trace;
    try {
      const b = await blameTarget(await findRepo(repo), 'src/a.ts', 3);
      expect(b.sha).toBe(shas[1]);
    } finally {
      delete process.env.GIT_TRACE2_PERF;
    }
    expect(readFileSync(trace, 'utf8')).toMatch(/bloom\/queries:[1-9]/);
  });

  it('stays right when the graph is stale or damaged, and its errors are git\'s own', () => {
    const { repo, shas } = repoWithHistory();
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    // Newer than the graph (a few commits do not make lore rewrite it): read the slow way.
    const newest = commit(repo, { 'src/a.ts': numbered(6, { 3: 'export const line3 = 34;' }) }, 'change line 3 again');
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    expect(readFileSync(join(graphDir(repo), 'info', 'lore-commits'), 'utf8')).toBe('3\n');
    expect(whyTraced(repo, 'src/a.ts:3').json.blamed?.sha).toBe(newest);
    expect(whyTraced(repo, 'src/a.ts:2').json.blamed?.sha).toBe(shas[0]);

    // A damaged graph, then alternates that lead nowhere: the same answers (git is asked again without them).
    const graph = join(graphDir(repo), 'info', 'commit-graph');
    chmodSync(graph, 0o644);
    writeFileSync(graph, Buffer.alloc(4096, 7));
    expect(whyTraced(repo, 'src/a.ts:3').json.blamed?.sha).toBe(newest);
    writeFileSync(join(graphDir(repo), 'info', 'alternates'), '/nowhere/objects\n');
    const lost = whyTraced(repo, 'src/a.ts:3');
    expect(lost.code).toBe(0);
    expect(lost.json.blamed?.sha).toBe(newest);

    const past = runCli(['why', 'src/a.ts:60'], { cwd: repo });
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/^lore: src\/a\.ts has 6 lines; line 60 does not exist\n/);
    const gone = runCli(['why', 'src/b.ts:1'], { cwd: repo });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/^lore: src\/b\.ts is not tracked by git/);
  });

  it('is not written when the user points git at objects of their own', () => {
    const { repo } = repoWithHistory();
    const env = { GIT_OBJECT_DIRECTORY: join(repo, '.git', 'objects') };
    expect(runCli(['index', '-q'], { cwd: repo, env }).code).toBe(0);
    expect(existsSync(graphDir(repo))).toBe(false);
  });
});

/** `count` commits on top of the branch in one `git fast-import` stream: no hook sees them. */
function importCommits(repo: string, count: number): void {
  let stream = '';
  for (let i = 1; i <= count; i++) {
    const message = `imported ${i}\n`;
    const text = `export const imported${i} = ${i};\n`;
    stream += `commit refs/heads/main\ncommitter Importer <importer@example.com> ${1_750_000_000 + i} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
    if (i === 1) stream += 'from refs/heads/main^0\n';
    stream += `M 100644 inline src/imported${i % 20}.ts\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream });
  git(repo, ['reset', '-q', '--hard']);
}

describe('the hook worker', () => {
  it('rewrites the graph once 500 commits arrived since it was written, and not for fewer', async () => {
    const repo = gitRepo({ 'src/a.ts': numbered(6) }, 'add a');
    const env = { LORE_HOME: mkdtempSync(join(tmpdir(), 'lore-home-')) };
    expect(runCli(['init'], { cwd: repo, env }).code).toBe(0);
    const stamp = join(graphDir(repo), 'info', 'lore-commits');
    const stampNow = (): string | undefined => (existsSync(stamp) ? readFileSync(stamp, 'utf8') : undefined);
    const until = async (check: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (stamp: ${stampNow()})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await until(() => stampNow() === '1\n', 'the first graph');
    const gitEnv = { ...process.env, ...env };
    const commitHooked = (message: string): void => {
      writeFileSync(join(repo, 'src', 'a.ts'), numbered(6, { 1: `export const line1 = '${message}';` }));
      execFileSync('git', ['commit', '-q', '-am', message], { cwd: repo, env: gitEnv });
    };
    // The hook worker is done once it stored every commit and let go of its lock.
    const storedAll = (n: number) => (): boolean => {
      if (existsSync(join(repo, '.git', 'lore', 'worker.lock'))) return false;
      const db = openDb(join(env.LORE_HOME, 'lore.db'), { readonly: true });
      try {
        return countCommits(db, repo) === n;
      } finally {
        db.close();
      }
    };

    // 400 commits and one hooked commit: the worker stores them all, and leaves the graph as it was.
    importCommits(repo, 400);
    commitHooked('after 400');
    await until(storedAll(402), 'the hook worker');
    expect(stampNow()).toBe('1\n');

    // 100 more and another: 502 stored since the graph was written, so the worker rewrites it.
    importCommits(repo, 100);
    commitHooked('after 500');
    await until(() => stampNow() === '503\n', 'the rewritten graph');
    const trace = join(mkdtempSync(join(tmpdir(), 'lore-trace-')), 'trace2');
    const r = runCli(['why', 'src/a.ts:1', '--json'], { cwd: repo, env: { ...env, GIT_TRACE2_PERF: trace } });
    expect(JSON.parse(r.stdout).blamed?.sha).toBe(git(repo, ['rev-parse', 'HEAD']).trim());
    expect(readFileSync(trace, 'utf8')).toMatch(/bloom\/queries:[1-9]/);
  }, 120_000);
});

describe('blameGraphStale', () => {
  it('asks for a rewrite once 500 commits, or a tenth more, arrived', () => {
    const commonDir = mkdtempSync(join(tmpdir(), 'lore-common-'));
    const repo = { root: commonDir, gitDir: commonDir, commonDir };
    expect(blameGraphStale(repo, 0)).toBe(true);
    mkdirSync(join(commonDir, 'lore', 'objects', 'info'), { recursive: true });
    const stamp = (n: number): void => writeFileSync(join(commonDir, 'lore', 'objects', 'info', 'lore-commits'), `${n}\n`);
    stamp(100);
    expect(blameGraphStale(repo, 599)).toBe(false);
    expect(blameGraphStale(repo, 600)).toBe(true);
    stamp(20_000);
    expect(blameGraphStale(repo, 21_999)).toBe(false);
    expect(blameGraphStale(repo, 22_000)).toBe(true);
    expect(blameGraphStale(repo, 30_000, { GIT_OBJECT_DIRECTORY: '/elsewhere' })).toBe(false);
    stamp(Number.NaN);
    expect(blameGraphStale(repo, 1)).toBe(true);
  });
});
