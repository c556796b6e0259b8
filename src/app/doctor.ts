import { chmodSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { countPendingEmbeddings, countPendingHookEvents, openDb, rebuildSearchIndexes } from '../db/index.js';
import { installHooks, type RepoInfo } from '../git/index.js';
import { ingest } from '../ingest/index.js';
import { backlog } from './backlog.js';
import { catchUp } from './catch-up.js';
import { checkHealth, databaseFiles, type Check, type DoctorReport, type FixAction } from './doctor-checks.js';
import { watcherStatus } from './lock.js';
import { dbPathOf, findRepoOrNone, withDb, type Place } from './repo-context.js';

/** A repair `lore doctor --fix` ran, and what came of it. */
export interface Repair {
  action: FixAction;
  ok: boolean;
  detail: string;
}

/**
 * `lore doctor [--fix]`: the health checks (in a repository, its own ones too); with `fix`, the
 * safe repairs of what failed, then the checks again. Two informational checks close the list:
 * the watcher, and what waits for the background worker.
 */
export async function doctor(place: Place, options: { fix?: boolean } = {}): Promise<{ report: DoctorReport; fixed: Repair[] }> {
  const repo = await findRepoOrNone(place.cwd);
  const dbPath = dbPathOf(place);
  let report = await checkHealth(dbPath, repo);
  let fixed: Repair[] = [];
  if (options.fix && !report.healthy) {
    fixed = await repair(report, dbPath, repo);
    if (fixed.length > 0) report = await checkHealth(dbPath, repo);
  }
  report.checks.push(watcherCheck(dbPath));
  if (repo) {
    const pending = await backlogCheck(dbPath, repo);
    if (pending) report.checks.push(pending);
  }
  return { report, fixed };
}

/** Runs the safe repair of every failing check that has one, each at most once, in a sensible order. */
async function repair(report: DoctorReport, dbPath: string, repo: RepoInfo | undefined): Promise<Repair[]> {
  const order: FixAction[] = ['permissions', 'migrate', 'rebuild-search', 'install-hooks', 'catch-up', 'ingest'];
  const wanted = new Set(report.checks.filter((c) => (!c.ok || c.warning) && c.action).map((c) => c.action!));
  const done: Repair[] = [];
  for (const action of order) {
    if (!wanted.has(action)) continue;
    try {
      done.push({ action, ok: true, detail: await runFix(action, dbPath, repo) });
    } catch (err) {
      done.push({ action, ok: false, detail: (err as Error).message });
    }
  }
  return done;
}

async function runFix(action: FixAction, dbPath: string, repo: RepoInfo | undefined): Promise<string> {
  switch (action) {
    case 'permissions':
      for (const file of databaseFiles(dbPath)) chmodSync(file, 0o600);
      chmodSync(dirname(dbPath), 0o700);
      return `${dbPath} is 600, its folder 700`;
    case 'migrate':
      openDb(dbPath).close();
      return 'the database is at the latest schema';
    case 'rebuild-search':
      return withDb(dbPath, (db) => `rebuilt ${rebuildSearchIndexes(db).join(', ')}`);
    case 'install-hooks':
      if (!repo) return 'not in a repository';
      await installHooks(repo.root);
      return `hooks installed in ${repo.root}`;
    case 'catch-up': {
      if (!repo) return 'not in a repository';
      const r = await withDb(dbPath, (db) => catchUp(db, repo));
      return `indexed ${r.commits.added} commit(s), ${r.hookEvents} hook event(s)`;
    }
    case 'ingest': {
      const r = await withDb(dbPath, (db) => ingest(db, {}));
      return `read ${r.sources.reduce((a, s) => a + s.filesRead, 0)} transcript file(s)`;
    }
    default:
      return 'nothing to do';
  }
}

/** Whether a `lore watch` holds this database's lock, and how much waits for it (informational: never a failure). */
function watcherCheck(dbPath: string): Check {
  const w = watcherStatus(dbPath);
  let waiting = '';
  if (w.running) {
    try {
      const db = openDb(dbPath, { readonly: true });
      try {
        waiting = `; backlog: ${countPendingHookEvents(db)} hook event(s), ${countPendingEmbeddings(db)} item(s) without vectors`;
      } finally {
        db.close();
      }
    } catch {
      waiting = '';
    }
  }
  return { name: 'watcher', ok: true, detail: w.running ? `running (pid ${w.pid})${waiting}` : 'not running (optional: `lore watch`, or `lore watch --install-service`)' };
}

/**
 * What still waits for the background worker in this repository (informational: never a
 * failure; a large `lore index` leaves line counts, patch-ids, the import graph and vectors to it).
 */
async function backlogCheck(dbPath: string, repo: RepoInfo): Promise<Check | undefined> {
  if (!existsSync(dbPath)) return undefined;
  let b: Awaited<ReturnType<typeof backlog>>;
  try {
    b = await withDb(dbPath, (db) => backlog(db, repo), { readonly: true });
  } catch {
    return undefined; // the database checks above say what is wrong with it
  }
  const parts = [
    ...(b.details > 0 ? [`line counts and patch-ids of ${b.details} commit(s)`] : []),
    ...(b.links > 0 ? [`linking ${b.links} commit(s) to their requests`] : []),
    ...(b.graphUnbuilt > 0 ? [`the import graph (${b.graphUnbuilt} TS/JS files, not built yet)`] : []),
    ...(b.vectors > 0 ? [`search vectors of ${b.vectors} item(s)`] : []),
  ];
  const who = b.worker.running ? `the background worker is on it (pid ${b.worker.pid})` : 'no worker running: `lore index --wait` does it now';
  return { name: 'background', ok: true, detail: parts.length === 0 ? `nothing waits${b.worker.running ? ` (worker running, pid ${b.worker.pid})` : ''}` : `waiting: ${parts.join(', ')}; ${who}` };
}
