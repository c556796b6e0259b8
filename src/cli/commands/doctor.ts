import type { CommandModule } from 'yargs';
import { cwdOf, dbPathOf } from '../context.js';
import { dim, green, print, printJson, red, withJson, type GlobalArgs, type OutputArgs } from '../output.js';

type DoctorArgs = GlobalArgs & OutputArgs;

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check the database, hooks and index lag; exit 1 when something needs fixing',
  builder: (y) => withJson(y) as never,
  handler: async (args) => {
    const { findRepo } = await import('../../git/index.js');
    const { doctor } = await import('../../query/index.js');
    const repo = await findRepo(cwdOf(args)).catch(() => undefined);
    const report = await doctor(dbPathOf(args), repo);
    report.checks.push(await watcherCheck(dbPathOf(args)));
    if (args.json) printJson(report);
    else {
      for (const c of report.checks) {
        print(`${c.ok ? green('ok  ') : red('FAIL')}  ${c.name.padEnd(11)} ${c.detail}${!c.ok && c.fix ? dim(`  → ${c.fix}`) : ''}`);
      }
      if (!repo) print(dim('(not in a git repository: repository checks skipped)'));
    }
    if (!report.healthy) process.exitCode = 1;
  },
};

/** Whether a `lore watch` holds this database's lock, and how much waits for it (informational: never a failure). */
async function watcherCheck(dbPath: string): Promise<{ name: string; ok: boolean; detail: string }> {
  const { watcherStatus } = await import('../../pipeline/index.js');
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
