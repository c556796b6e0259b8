import type { CommandModule } from 'yargs';
import { catchUpRepo, embedStage, openRepoContext } from '../context.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

type IndexArgs = GlobalArgs & OutputArgs & { quiet?: boolean };

export const indexCommand: CommandModule<GlobalArgs, IndexArgs> = {
  command: 'index',
  describe: 'Catch the database up with this repository: new commits, hook events, search vectors',
  builder: (y) => withJson(y).option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing but errors' }) as never,
  handler: async (args) => {
    const ctx = await openRepoContext(args);
    const report = stderrReporter({ quiet: args.quiet });
    try {
      const r = await catchUpRepo(ctx, report);
      const v = await embedStage(ctx.db, report);
      report.stop();
      if (args.json) printJson({ project: ctx.repo.root, commitsAdded: r.commits.added, commitsTotal: r.commits.total, hookEvents: r.hookEvents, vectorsAdded: v.embedded });
      else if (!args.quiet) print(`indexed ${r.commits.added} new commit${r.commits.added === 1 ? '' : 's'} (${r.commits.total} in all) for ${ctx.repo.root}`);
    } finally {
      report.stop();
      ctx.db.close();
    }
  },
};
