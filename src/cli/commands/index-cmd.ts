import type { CommandModule } from 'yargs';
import { catchUpRepo, embedStage, openRepoContext } from '../context.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

type IndexArgs = GlobalArgs & OutputArgs & { quiet?: boolean; wait?: boolean };

export const indexCommand: CommandModule<GlobalArgs, IndexArgs> = {
  command: 'index',
  describe: 'Catch the database up with this repository: new commits, hook events, search vectors',
  builder: (y) =>
    withJson(y)
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing but errors' })
      .option('wait', { type: 'boolean', describe: 'count lines and patch-ids now instead of in the background after a large backfill' }) as never,
  handler: async (args) => {
    const ctx = await openRepoContext(args);
    const report = stderrReporter({ quiet: args.quiet });
    try {
      const r = await catchUpRepo(ctx, report, { wait: args.wait ?? false });
      const v = await embedStage(ctx.db, report);
      report.stop();
      if (args.json) printJson(indexJson(ctx.repo.root, ctx.dbPath, r, v.embedded));
      else if (!args.quiet) {
        print(`indexed ${r.commits.added} new commit${r.commits.added === 1 ? '' : 's'} (${r.commits.total} in all) for ${ctx.repo.root}`);
        if (r.inBackground) print(`counting lines and patch-ids of ${r.details.remaining} commits in the background`);
      }
    } finally {
      report.stop();
      ctx.db.close();
    }
  },
};

/** The `--json` shape of `lore index` (docs/json.md). */
export function indexJson(project: string, database: string, r: Awaited<ReturnType<typeof catchUpRepo>>, vectorsAdded: number) {
  return {
    schema: 'lore.index/1',
    project,
    database,
    commitsAdded: r.commits.added,
    commitsTotal: r.commits.total,
    hookEvents: r.hookEvents,
    detailsPending: r.details.remaining,
    detailsInBackground: r.inBackground,
    vectorsAdded,
  };
}
