import type { CommandModule } from 'yargs';
import { placeOf } from '../context.js';
import { importGraphJson, printIndexRun } from './index-cmd.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';
import { renderHookStatus } from './hook.js';

type InitArgs = GlobalArgs & OutputArgs & { hooks?: boolean; quiet?: boolean };

export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
  command: 'init',
  describe: 'Set lore up in this repository: create the database, install the hooks, index the history',
  builder: (y) =>
    withJson(y)
      .option('hooks', { type: 'boolean', default: true, describe: 'install git hooks (--no-hooks to skip)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing but errors' }) as never,
  handler: async (args) => {
    const { openRepoContext, initRepo } = await import('../../app/index.js');
    const ctx = await openRepoContext(placeOf(args));
    const report = stderrReporter({ quiet: args.quiet });
    try {
      const r = await initRepo(ctx, report, { hooks: args.hooks === true, env: process.env });
      report.stop();
      if (args.json) {
        printJson({ schema: 'lore.init/1', project: ctx.repo.root, database: ctx.dbPath, hooks: r.hooks, commitsAdded: r.commits.added, commitsTotal: r.commits.total, importGraph: importGraphJson(r.graph), provenance: r.provenance });
        return;
      }
      if (args.quiet) return;
      print(`database  ${ctx.dbPath}`);
      if (r.hooks.length > 0) renderHookStatus(r.hooks);
      printIndexRun(r);
    } finally {
      report.stop();
      ctx.db.close();
    }
  },
};
