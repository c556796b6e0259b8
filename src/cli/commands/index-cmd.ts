import type { CommandModule } from 'yargs';
import { catchUpRepo, embedStage, openRepoContext, updateImportGraphRepo } from '../context.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';
import { chatsLine } from './ingest.js';

type IndexArgs = GlobalArgs & OutputArgs & { quiet?: boolean; wait?: boolean };

export const indexCommand: CommandModule<GlobalArgs, IndexArgs> = {
  command: 'index',
  describe: 'Catch the database up with this repository: new commits, hook events, the import graph, search vectors',
  builder: (y) =>
    withJson(y)
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing but errors' })
      .option('wait', { type: 'boolean', describe: 'count lines and patch-ids now instead of in the background after a large backfill' }) as never,
  handler: async (args) => {
    const started = Math.round(performance.now());
    const ctx = await openRepoContext(args);
    const opened = Math.round(performance.now());
    const report = stderrReporter({ quiet: args.quiet });
    try {
      const r = await catchUpRepo(ctx, report, { wait: args.wait ?? false });
      const g = await updateImportGraphRepo(ctx, report);
      const beforeVectors = performance.now();
      const v = await embedStage(ctx.db, report);
      report.stop();
      // performance.now() counts from the process start: `start` is Node's start-up and module loading.
      const ms = { start: started, open: opened - started, ...r.ms, importGraph: g.ms, vectors: Math.round(performance.now() - beforeVectors), total: Math.round(performance.now()) };
      if (args.json) printJson({ ...indexJson(ctx.repo.root, ctx.dbPath, r, v.embedded), importGraph: importGraphJson(g), ms });
      else if (!args.quiet) {
        print(`indexed ${r.commits.added} new commit${r.commits.added === 1 ? '' : 's'} (${r.commits.total} in all) for ${ctx.repo.root}`);
        print(importGraphLine(g));
        print(chatsLine(r.ingest));
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

type GraphRun = Awaited<ReturnType<typeof updateImportGraphRepo>>;

/** `importGraph` in the `--json` of `lore index` and `lore init` (docs/json.md). */
export function importGraphJson(g: GraphRun) {
  return { files: g.files, parsed: g.parsed.length, edges: g.edges, unresolved: g.unresolved.length, unresolvedImports: g.unresolved.slice(0, 100), ms: g.ms };
}

/** One line for `lore index` / `lore init`: what the import graph holds and what this run parsed. */
export function importGraphLine(g: GraphRun): string {
  const n = g.unresolved.length;
  const unresolved = n > 0 ? `; ${n} relative import${n === 1 ? ' reaches' : 's reach'} no tracked file` : '';
  return `import graph: ${g.files} TS/JS file${g.files === 1 ? '' : 's'}, ${g.edges} edge${g.edges === 1 ? '' : 's'} (${g.parsed.length} parsed now${unresolved})`;
}
