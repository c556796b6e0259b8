import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/index.js';
import { bigRepo } from '../helpers/big-repo.js';
import { runCli } from '../helpers/cli.js';
import { commit, dropObject, git, gitRepo } from '../helpers/git-repo.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freshEnv() {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'lore-home-')));
  return { env: { LORE_HOME: home }, db: join(home, 'lore.db') };
}

type Row = { path: string; added: number | null; removed: number | null };

/** Each stored commit's files with their line counts, and the commits past the enrich watermark. */
function stored(dbPath: string, repo: string) {
  const db = openDb(dbPath, { readonly: true });
  try {
    const rows = db
      .prepare('SELECT c.sha, f.path, f.added, f.removed FROM commits c LEFT JOIN commit_files f ON f.commit_id = c.id WHERE c.project_path = ? ORDER BY c.sha, f.path')
      .all(repo) as ({ sha: string } & Row)[];
    const files = new Map<string, Row[]>();
    for (const { sha, ...row } of rows) files.set(sha, [...(files.get(sha) ?? []), ...(row.path === null ? [] : [row])]);
    const undetailed = (
      db
        .prepare("SELECT count(*) AS n FROM commits WHERE project_path = ? AND id > coalesce((SELECT json_extract(metadata, '$.enrichedThrough') FROM sessions WHERE id = 'git:' || ?), 0)")
        .get(repo, repo) as { n: number }
    ).n;
    return { files, undetailed };
  } finally {
    db.close();
  }
}

/** What `git show --numstat` counts for a commit, in the stored shape. */
function gitCounts(repo: string, sha: string): Row[] {
  const out = git(repo, ['show', '--numstat', '--format=', sha]).trim();
  if (out === '') return [];
  return out
    .split('\n')
    .map((l) => l.split('\t') as [string, string, string])
    .map(([added, removed, path]) => ({ path, added: added === '-' ? null : Number(added), removed: removed === '-' ? null : Number(removed) }))
    .sort((x, y) => (x.path < y.path ? -1 : 1));
}

const lineCountsCheck = (doctorJson: string) => JSON.parse(doctorJson).checks.find((c: { name: string }) => c.name === 'line counts');

const WARNING = (n: number) => `lore: warning: line counts unavailable for ${n} commit${n === 1 ? '' : 's'} (objects missing from the repository); indexed without them\n`;

describe('lore index in a repository that lacks some objects', () => {
  it('stores every commit, leaves the unreadable ones without line counts, says so once and exits 0', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' }, 'root');
    const clip = commit(repo, { 'media/demo.mp4': 'frames of a demo\n', 'docs/demo.md': 'see the demo\n' }, 'add a demo video');
    commit(repo, { 'src/a.ts': 'export const a = 2;\nexport const b = 3;\n' }, 'change a');
    commit(repo, { 'src/c.ts': 'export const c = 1;\n' }, 'add c');
    // A copy made from a mirror that never had the video (or a partial clone, offline).
    dropObject(repo, `${clip}:media/demo.mp4`);
    const { env, db } = freshEnv();

    const r = runCli(['index', '--wait'], { cwd: repo, env });
    expect(r.stderr).toBe(WARNING(1));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`indexed 4 new commits (4 in all) for ${repo}\n`);
    const { files, undetailed } = stored(db, repo);
    expect(undetailed).toBe(0);
    expect(files.get(clip)).toEqual([
      { path: 'docs/demo.md', added: null, removed: null },
      { path: 'media/demo.mp4', added: null, removed: null },
    ]);
    const others = git(repo, ['rev-list', 'HEAD']).trim().split('\n').filter((sha) => sha !== clip);
    expect(others).toHaveLength(3);
    for (const sha of others) expect(files.get(sha)).toEqual(gitCounts(repo, sha));

    // The next run neither fails nor tries them again, and says nothing more about them.
    const again = runCli(['index', '--wait', '--json'], { cwd: repo, env });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout)).toMatchObject({ commitsAdded: 0, detailsPending: 0, detailsUnreadable: 0 });

    // Queries answer from what is stored.
    const why = runCli(['why', 'src/a.ts:2'], { cwd: repo, env });
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('change a');

    // And `lore doctor` keeps telling it: a warning, not a failure.
    const doctor = runCli(['doctor', '--json'], { cwd: repo, env });
    expect(lineCountsCheck(doctor.stdout)).toEqual({
      name: 'line counts',
      ok: true,
      warning: true,
      detail: '1 commit(s) indexed without line counts: git could not read their objects (a partial or incomplete clone); lore never fetches them',
      fix: 'once the objects are fetched, `lore index --wait` counts them',
    });
    // A plain `lore index` leaves them; once the object is back, `lore index --wait` counts them.
    expect(JSON.parse(runCli(['index', '--json'], { cwd: repo, env }).stdout).detailsRecounted).toBe(0);
    const copy = join(mkdtempSync(join(tmpdir(), 'lore-blob-')), 'demo.mp4');
    writeFileSync(copy, 'frames of a demo\n');
    const blob = git(repo, ['hash-object', '-w', copy]).trim();
    expect(git(repo, ['rev-parse', `${clip}:media/demo.mp4`]).trim()).toBe(blob);
    const recount = runCli(['index', '--wait'], { cwd: repo, env });
    expect(recount.code).toBe(0);
    expect(recount.stdout).toContain('line counts: 1 commit counted now that git can read its objects\n');
    expect(stored(db, repo).files.get(clip)).toEqual(gitCounts(repo, clip));
    expect(lineCountsCheck(runCli(['doctor', '--json'], { cwd: repo, env }).stdout)).toBeUndefined();
    expect(JSON.parse(runCli(['index', '--wait', '--json'], { cwd: repo, env }).stdout).detailsRecounted).toBe(0);
  }, 60_000);

  it('does the same when the commits come after the first index, logged with their line counts', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' }, 'root');
    const { env, db } = freshEnv();
    expect(runCli(['index', '--wait'], { cwd: repo, env }).code).toBe(0);
    commit(repo, { 'src/a.ts': 'export const a = 2;\n' }, 'before the video');
    const clip = commit(repo, { 'media/demo.mp4': 'frames of another demo\n' }, 'add a demo video');
    const last = commit(repo, { 'src/b.ts': 'export const b = 1;\nexport const c = 2;\n' }, 'after the video');
    dropObject(repo, `${clip}:media/demo.mp4`);

    const r = runCli(['index', '--wait', '--json'], { cwd: repo, env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(WARNING(1));
    expect(JSON.parse(r.stdout)).toMatchObject({ commitsAdded: 3, commitsTotal: 4, detailsPending: 0, detailsUnreadable: 1 });
    const { files } = stored(db, repo);
    expect(files.get(clip)).toEqual([{ path: 'media/demo.mp4', added: null, removed: null }]);
    expect(files.get(last)).toEqual(gitCounts(repo, last));
    expect(files.get(git(repo, ['rev-parse', 'HEAD~2']).trim())).toEqual([{ path: 'src/a.ts', added: 1, removed: 1 }]);
  }, 60_000);

  it('lets the background worker of a large backfill finish too', async () => {
    const repo = bigRepo(600, 5);
    const clip = commit(repo, { 'media/demo.mp4': 'frames of a demo\n', 'src/after.ts': 'export const x = 1;\n' }, 'add a demo video');
    commit(repo, { 'src/after.ts': 'export const x = 2;\n' }, 'after the video');
    dropObject(repo, `${clip}:media/demo.mp4`);
    const { env, db } = freshEnv();

    const r = runCli(['index', '--json'], { cwd: repo, env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ commitsAdded: 602, detailsInBackground: true });
    // Done when nothing waits and the worker let go of its lock, or when it logged a failure.
    const lock = join(repo, '.git/lore/worker.lock');
    const log = join(repo, '.git/lore/worker.log');
    const deadline = Date.now() + 90_000;
    while ((existsSync(lock) || stored(db, repo).undetailed > 0) && !existsSync(log) && Date.now() < deadline) await sleep(200);
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
    const { files, undetailed } = stored(db, repo);
    expect(undetailed).toBe(0);
    expect(files.get(clip)).toEqual([
      { path: 'media/demo.mp4', added: null, removed: null },
      { path: 'src/after.ts', added: null, removed: null },
    ]);
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    expect(files.get(head)).toEqual(gitCounts(repo, head));
    const doctor = JSON.parse(runCli(['doctor', '--json'], { cwd: repo, env }).stdout);
    expect(doctor.checks.find((c: { name: string }) => c.name === 'background').detail).toBe('nothing waits');
    // The worker's run told nobody; the doctor does.
    expect(doctor.checks.find((c: { name: string }) => c.name === 'line counts')?.detail).toMatch(/^1 commit\(s\) indexed without line counts/);
  }, 120_000);

  it('says nothing about line counts where every object could be read', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' }, 'root');
    commit(repo, { 'src/a.ts': 'export const a = 2;\n' }, 'change a');
    const { env } = freshEnv();
    expect(runCli(['index', '--wait'], { cwd: repo, env }).code).toBe(0);
    expect(lineCountsCheck(runCli(['doctor', '--json'], { cwd: repo, env }).stdout)).toBeUndefined();
  }, 60_000);
});
