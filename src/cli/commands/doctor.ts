import type { CommandModule } from 'yargs';
import type { Check, DoctorReport, FixAction } from '../../query/index.js';
import { cwdOf, dbPathOf } from '../context.js';
import { dim, green, print, printJson, red, withJson, type GlobalArgs, type OutputArgs } from '../output.js';

type DoctorArgs = GlobalArgs & OutputArgs & { fix?: boolean };

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check the database, hooks, sources and index lag; exit 1 when something needs fixing (--fix repairs the safe ones)',
  builder: (y) =>
    withJson(y).option('fix', {
      type: 'boolean',
      describe: 'run the safe repairs: migrate, install hooks, catch up the index and the chats, rebuild the search index, make the database private',
    }) as never,
  handler: async (args) => {
    const { findRepo } = await import('../../git/index.js');
    const { doctor } = await import('../../query/index.js');
    const repo = await findRepo(cwdOf(args)).catch(() => undefined);
    const dbPath = dbPathOf(args);
    let report = await doctor(dbPath, repo);
    let fixed: { action: FixAction; ok: boolean; detail: string }[] = [];
    if (args.fix && !report.healthy) {
      fixed = await repair(report, dbPath, repo);
      if (fixed.length > 0) report = await doctor(dbPath, repo);
    }
    report.checks.push(await watcherCheck(dbPath));
    if (repo) {
      const pending = await backlogCheck(dbPath, repo);
      if (pending) report.checks.push(pending);
    }
    if (args.json) printJson({ ...report, ...(args.fix ? { fixed } : {}) });
    else {
      for (const f of fixed) print(`${f.ok ? green('fixed') : red('could not fix')} ${f.action}: ${f.detail}`);
      for (const c of report.checks) print(renderCheck(c));
      if (!repo) print(dim('(not in a git repository: repository checks skipped)'));
      const manual = report.checks.filter((c) => !c.ok && !c.action);
      if (!args.fix && report.checks.some((c) => !c.ok && c.action)) print(dim('`lore doctor --fix` repairs what is marked (fixable)'));
      else if (manual.length > 0) print(dim('the rest needs you: run the command shown beside each'));
    }
    if (!report.healthy) process.exitCode = 1;
  },
};

function renderCheck(c: Check): string {
  const fix = !c.ok && c.fix ? dim(`  → ${c.fix}${c.action ? ' (fixable)' : ''}`) : '';
  return `${c.ok ? green('ok  ') : red('FAIL')}  ${c.name.padEnd(12)} ${c.detail}${fix}`;
}

/** Runs the safe repair of every failing check that has one, each at most once, in a sensible order. */
async function repair(report: DoctorReport, dbPath: string, repo: Awaited<ReturnType<typeof import('../../git/index.js').findRepo>> | undefined) {
  const order: FixAction[] = ['permissions', 'migrate', 'rebuild-search', 'install-hooks', 'catch-up', 'ingest'];
  const wanted = new Set(report.checks.filter((c) => !c.ok && c.action).map((c) => c.action!));
  const done: { action: FixAction; ok: boolean; detail: string }[] = [];
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

async function runFix(action: FixAction, dbPath: string, repo: Awaited<ReturnType<typeof import('../../git/index.js').findRepo>> | undefined): Promise<string> {
  const { chmodSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const { openDb, rebuildSearchIndexes } = await import('../../db/index.js');
  switch (action) {
    case 'permissions':
      chmodSync(dbPath, 0o600);
      chmodSync(dirname(dbPath), 0o700);
      return `${dbPath} is 600, its folder 700`;
    case 'migrate':
      openDb(dbPath).close();
      return 'the database is at the latest schema';
    case 'rebuild-search': {
      const db = openDb(dbPath);
      try {
        return `rebuilt ${rebuildSearchIndexes(db).join(', ')}`;
      } finally {
        db.close();
      }
    }
    case 'install-hooks': {
      if (!repo) return 'not in a repository';
      const { installHooks } = await import('../../git/index.js');
      await installHooks(repo.root);
      return `hooks installed in ${repo.root}`;
    }
    case 'catch-up': {
      if (!repo) return 'not in a repository';
      const { catchUp } = await import('../../app/index.js');
      const db = openDb(dbPath);
      try {
        const r = await catchUp(db, repo);
        return `indexed ${r.commits.added} commit(s), ${r.hookEvents} hook event(s)`;
      } finally {
        db.close();
      }
    }
    case 'ingest': {
      const { ingest } = await import('../../ingest/index.js');
      const db = openDb(dbPath);
      try {
        const r = await ingest(db, {});
        return `read ${r.sources.reduce((a, s) => a + s.filesRead, 0)} transcript file(s)`;
      } finally {
        db.close();
      }
    }
    default:
      return 'nothing to do';
  }
}

/** Whether a `lore watch` holds this database's lock, and how much waits for it (informational: never a failure). */
async function watcherCheck(dbPath: string): Promise<{ name: string; ok: boolean; detail: string }> {
  const { watcherStatus } = await import('../../app/index.js');
  const w = watcherStatus(dbPath);
  let backlog = '';
  if (w.running) {
    try {
      const { openDb, countPendingEmbeddings, countPendingHookEvents } = await import('../../db/index.js');
      const db = openDb(dbPath, { readonly: true });
      try {
        backlog = `; backlog: ${countPendingHookEvents(db)} hook event(s), ${countPendingEmbeddings(db)} item(s) without vectors`;
      } finally {
        db.close();
      }
    } catch {
      backlog = '';
    }
  }
  return { name: 'watcher', ok: true, detail: w.running ? `running (pid ${w.pid})${backlog}` : 'not running (optional: `lore watch`, or `lore watch --install-service`)' };
}

/**
 * What still waits for the background worker in this repository (informational: never a
 * failure; a large `lore index` leaves line counts, patch-ids, the import graph and vectors to it).
 */
async function backlogCheck(dbPath: string, repo: Awaited<ReturnType<typeof import('../../git/index.js').findRepo>>): Promise<Check | undefined> {
  const { existsSync } = await import('node:fs');
  if (!existsSync(dbPath)) return undefined;
  const [{ backlog }, { openDb }] = await Promise.all([import('../../app/index.js'), import('../../db/index.js')]);
  let b: Awaited<ReturnType<typeof backlog>>;
  try {
    const db = openDb(dbPath, { readonly: true });
    try {
      b = await backlog(db, repo);
    } finally {
      db.close();
    }
  } catch {
    return undefined; // the database checks above say what is wrong with it
  }
  const parts = [
    ...(b.details > 0 ? [`line counts and patch-ids of ${b.details} commit(s)`] : []),
    ...(b.graphUnbuilt > 0 ? [`the import graph (${b.graphUnbuilt} TS/JS files, not built yet)`] : []),
    ...(b.vectors > 0 ? [`search vectors of ${b.vectors} item(s)`] : []),
  ];
  const who = b.worker.running ? `the background worker is on it (pid ${b.worker.pid})` : 'no worker running: `lore index --wait` does it now';
  return { name: 'background', ok: true, detail: parts.length === 0 ? `nothing waits${b.worker.running ? ` (worker running, pid ${b.worker.pid})` : ''}` : `waiting: ${parts.join(', ')}; ${who}` };
}
