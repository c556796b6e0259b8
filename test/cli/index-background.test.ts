import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/index.js';
import { bigRepo } from '../helpers/big-repo.js';
import { runCli } from '../helpers/cli.js';
import { commit, git } from '../helpers/git-repo.js';
import { count } from '../helpers/ingest.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 601 commits (over the 500 `lore index` counts itself) and 250+ TS files (over the 200 it parses itself). */
function largeRepo(): string {
  const repo = bigRepo(600, 3);
  const files: Record<string, string> = {};
  for (let i = 0; i < 250; i++) files[`pkg/m${i}.ts`] = i > 0 ? `import { v } from './m${i - 1}';\nexport const v = ${i};\n` : 'export const v = 0;\n';
  commit(repo, files, 'add 250 modules');
  // A remote that has only the first commit: the 600 after it are unpublished work, which gets
  // patch-ids however old (without remotes, an old history found at the first index gets none).
  const remote = realpathSync(mkdtempSync(join(tmpdir(), 'lore-remote-')));
  git(remote, ['init', '-q', '--bare']);
  git(repo, ['remote', 'add', 'origin', remote]);
  git(repo, ['push', '-q', 'origin', `${git(repo, ['rev-list', '--max-parents=0', 'HEAD']).trim()}:refs/heads/main`]);
  git(repo, ['fetch', '-q', 'origin']);
  return repo;
}

function freshEnv() {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'lore-home-')));
  return { env: { LORE_HOME: home }, db: join(home, 'lore.db') };
}

interface State {
  undetailed: number;
  patchIds: number;
  graphFiles: number;
  edges: number;
  messages: number;
  vectors: number;
}

function state(dbPath: string, repo: string): State {
  const db = openDb(dbPath, { readonly: true });
  try {
    return {
      // Commits past the enrich watermark: without line counts and patch-id yet.
      undetailed: count(
        db,
        "SELECT count(*) AS n FROM commits WHERE project_path = ? AND rowid > coalesce((SELECT json_extract(metadata, '$.enrichedThrough') FROM sessions WHERE id = 'git:' || ?), 0)",
        repo,
        repo,
      ),
      patchIds: count(db, 'SELECT count(*) AS n FROM commits WHERE project_path = ? AND patch_id IS NOT NULL', repo),
      graphFiles: count(db, 'SELECT count(*) AS n FROM code_files WHERE project_path = ? AND imports IS NOT NULL', repo),
      edges: count(db, "SELECT count(*) AS n FROM relationships WHERE project_path = ? AND type = 'code_code'", repo),
      messages: count(db, "SELECT count(*) AS n FROM messages WHERE session_id = 'git:' || ?", repo),
      vectors: count(db, "SELECT count(*) AS n FROM vector_items WHERE kind = 'message'"),
    };
  } finally {
    db.close();
  }
}

async function waitForLockGone(repo: string, timeoutMs = 60_000): Promise<void> {
  const lock = join(repo, '.git/lore/worker.lock');
  const deadline = Date.now() + timeoutMs;
  while (existsSync(lock)) {
    if (Date.now() > deadline) throw new Error('the background worker did not finish');
    await sleep(100);
  }
}

describe('lore index on a large repository', () => {
  it('returns once the commits are stored, and the background worker then builds line counts, patch-ids, the import graph and vectors', async () => {
    const repo = largeRepo();
    const { env, db } = freshEnv();
    // A live process (this test) holds the worker lock: the backfill worker waits for it, so what
    // is pending can be seen before it runs.
    mkdirSync(join(repo, '.git/lore'), { recursive: true });
    const lock = join(repo, '.git/lore/worker.lock');
    writeFileSync(lock, String(process.pid));

    const r = runCli(['index', '--json'], { cwd: repo, env });
    expect(r.code).toBe(0);
    const first = JSON.parse(r.stdout);
    expect(first).toMatchObject({ commitsAdded: 601, detailsPending: 601, detailsInBackground: true, inBackground: true, vectorsAdded: 0 });
    expect(first.importGraph).toMatchObject({ parsed: 0, edges: 0 });
    expect(first.importGraph.deferred).toBeGreaterThan(250);
    expect(state(db, repo)).toMatchObject({ graphFiles: 0, messages: 0, vectors: 0 });
    // The commit-graph for blames of 601 commits is quick: written here. Gone, the worker writes it again.
    const graphStamp = join(repo, '.git/lore/objects/info/lore-commits');
    expect(readFileSync(graphStamp, 'utf8')).toBe('601\n');
    rmSync(join(repo, '.git/lore/objects'), { recursive: true });

    const waiting = JSON.parse(runCli(['doctor', '--json'], { cwd: repo, env }).stdout);
    const background = waiting.checks.find((c: { name: string }) => c.name === 'background');
    expect(background.ok).toBe(true);
    expect(background.detail).toMatch(new RegExp(`^waiting: line counts and patch-ids of 601 commit\\(s\\), the import graph \\(\\d+ TS/JS files, not built yet\\); the background worker is on it \\(pid ${process.pid}\\)$`));

    rmSync(lock);
    await sleep(500); // the worker polls for the lock every 200 ms
    await waitForLockGone(repo);
    const done = state(db, repo);
    expect(done.undetailed).toBe(0);
    expect(done.patchIds).toBeGreaterThan(500);
    expect(done.graphFiles).toBe(first.importGraph.files);
    expect(done.edges).toBeGreaterThanOrEqual(249);
    expect(done.messages).toBe(601);
    expect(done.vectors).toBe(601);
    expect(existsSync(join(repo, '.git/lore/worker.log'))).toBe(false);
    expect(readFileSync(graphStamp, 'utf8')).toBe('601\n');
    expect(existsSync(join(repo, '.git/lore/objects/info/commit-graph'))).toBe(true);

    const again = JSON.parse(runCli(['index', '--json'], { cwd: repo, env }).stdout);
    expect(again).toMatchObject({ commitsAdded: 0, detailsPending: 0, vectorsPending: 0, inBackground: false });
    expect(again.importGraph).toMatchObject({ parsed: 0, deferred: 0, files: first.importGraph.files });
    const after = JSON.parse(runCli(['doctor', '--json'], { cwd: repo, env }).stdout);
    expect(after.checks.find((c: { name: string }) => c.name === 'background').detail).toBe('nothing waits');
  }, 120_000);

  it('does everything in the foreground with --wait, and says in text what it leaves to the worker without it', async () => {
    const repo = largeRepo();
    const waited = freshEnv();
    const r = JSON.parse(runCli(['index', '--json', '--wait'], { cwd: repo, env: waited.env }).stdout);
    expect(r).toMatchObject({ commitsAdded: 601, detailsPending: 0, inBackground: false, vectorsAdded: 601, vectorsPending: 0 });
    expect(r.importGraph.deferred).toBe(0);
    expect(r.importGraph.parsed).toBe(r.importGraph.files);
    expect(state(waited.db, repo)).toMatchObject({ undetailed: 0, graphFiles: r.importGraph.files, messages: 601, vectors: 601 });
    expect(readFileSync(join(repo, '.git/lore/objects/info/lore-commits'), 'utf8')).toBe('601\n');

    const plain = freshEnv();
    const text = runCli(['index'], { cwd: repo, env: plain.env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`import graph: ${r.importGraph.files} TS/JS files, ${r.importGraph.files} to parse: left to the background worker\n`);
    expect(text.stdout).toContain(
      `in the background: line counts and patch-ids of 601 commits (their messages become searchable with them), the import graph (${r.importGraph.files} files to parse); \`lore index --wait\` does it now, \`lore doctor\` shows what is left\n`,
    );
    await waitForLockGone(repo);
  }, 120_000);
});
