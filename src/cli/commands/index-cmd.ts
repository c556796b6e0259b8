import type { CommandModule } from 'yargs';
import type { ImportGraphResult, IndexRun } from '../../app/index.js';
import { placeOf } from '../context.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';
import { chatsLine } from './ingest.js';

export type IndexArgs = GlobalArgs & OutputArgs & { quiet?: boolean; wait?: boolean };

export const indexCommand: CommandModule<GlobalArgs, IndexArgs> = {
  command: 'index',
  describe: 'Catch the database up with this repository: new commits, hook events, the import graph, search vectors',
  builder: (y) =>
    withJson(y)
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing but errors' })
      .option('wait', { type: 'boolean', describe: 'do everything now (line counts, patch-ids, import graph, vectors) instead of leaving a large backlog to the background worker' }) as never,
  handler: (args) => runIndex(args),
};

/** `lore index`: called by yargs, or straight from the command line (fast-path.ts). */
export async function runIndex(args: IndexArgs): Promise<void> {
  const { openRepoContext, indexRepo } = await import('../../app/index.js');
  const started = Math.round(performance.now());
  const ctx = await openRepoContext(placeOf(args));
  const opened = Math.round(performance.now());
  const report = stderrReporter({ quiet: args.quiet });
  try {
    const r = await indexRepo(ctx, report, { wait: args.wait ?? false, env: process.env });
    report.stop();
    // performance.now() counts from the process start: `start` is Node's start-up and module loading.
    const ms = { start: started, open: opened - started, ...r.ms, total: Math.round(performance.now()) };
    if (args.json) printJson({ ...indexJson(ctx.repo.root, ctx.dbPath, r), importGraph: importGraphJson(r.graph), ms });
    else if (!args.quiet) {
      printIndexRun(r, ` for ${ctx.repo.root}`);
    }
  } finally {
    report.stop();
    ctx.db.close();
  }
}

/** What `lore index` and `lore init` print about a run: commits, import graph, chats, what waits. */
export function printIndexRun(r: IndexRun, where = ''): void {
  print(`indexed ${r.commits.added} new commit${r.commits.added === 1 ? '' : 's'} (${r.commits.total} in all)${where}`);
  print(importGraphLine(r.graph));
  print(chatsLine(r.ingest));
  const p = provenanceLine(r.provenance);
  if (p) print(p);
  if (r.recounted > 0) print(`line counts: ${r.recounted} commit${r.recounted === 1 ? '' : 's'} counted now that git can read ${r.recounted === 1 ? 'its' : 'their'} objects`);
  const left = backgroundLine(r);
  if (left) print(left);
}

/** The `--json` shape of `lore index` (docs/json.md). */
export function indexJson(project: string, database: string, r: IndexRun) {
  return {
    schema: 'lore.index/1',
    project,
    database,
    commitsAdded: r.commits.added,
    commitsTotal: r.commits.total,
    hookEvents: r.hookEvents,
    detailsPending: r.details.remaining,
    detailsInBackground: r.inBackground && r.details.remaining > 0,
    detailsUnreadable: r.details.unreadable,
    detailsRecounted: r.recounted,
    linksPending: r.link.deferred,
    vectorsAdded: r.vectors.embedded,
    vectorsPending: r.vectors.deferred,
    inBackground: r.inBackground,
    provenance: r.provenance,
  };
}

/** Other attribution tools' records this run read; undefined when none was new. */
function provenanceLine(p: IndexRun['provenance']): string | undefined {
  const parts = [
    ...(p.entire > 0 ? [`Entire's checkpoints of ${p.entire} commit${p.entire === 1 ? '' : 's'}`] : []),
    ...(p.gitAi > 0 ? [`git-ai's logs of ${p.gitAi} commit${p.gitAi === 1 ? '' : 's'}`] : []),
    ...(p.agentTrace > 0 ? [`Agent Trace records of ${p.agentTrace} commit${p.agentTrace === 1 ? '' : 's'}`] : []),
  ];
  if (parts.length === 0 && p.skipped === 0) return undefined;
  return `provenance: read ${parts.length ? parts.join(', ') : 'nothing new'}${p.skipped ? `; ${p.skipped} record${p.skipped === 1 ? '' : 's'} could not be read (skipped)` : ''}`;
}

/** What `lore index` / `lore init` left for later, and who does it; undefined when nothing. */
function backgroundLine(r: IndexRun): string | undefined {
  const parts = [
    ...(r.details.remaining > 0 ? [`line counts and patch-ids of ${r.details.remaining} commits (their messages become searchable with them)`] : []),
    ...(r.link.deferred > 0 ? [`linking ${r.link.deferred} commits to their requests`] : []),
    ...(r.graph.deferred > 0 ? [`the import graph (${r.graph.deferred} files to parse)`] : []),
    ...(r.vectors.deferred > 0 ? [`search vectors of ${r.vectors.deferred} items`] : []),
  ];
  if (parts.length === 0) return undefined;
  const who = r.inBackground ? 'in the background' : 'left for later';
  return `${who}: ${parts.join(', ')}; \`lore index --wait\` does it now, \`lore doctor\` shows what is left`;
}

/** `importGraph` in the `--json` of `lore index` and `lore init` (docs/json.md). */
export function importGraphJson(g: ImportGraphResult) {
  return { files: g.files, parsed: g.parsed.length, edges: g.edges, unresolved: g.unresolved.length, unresolvedImports: g.unresolved.slice(0, 100), ms: g.ms, deferred: g.deferred };
}

/** One line for `lore index` / `lore init`: what the import graph holds and what this run parsed. */
export function importGraphLine(g: ImportGraphResult): string {
  if (g.deferred > 0) return `import graph: ${g.files} TS/JS file${g.files === 1 ? '' : 's'}, ${g.deferred} to parse: left to the background worker`;
  const n = g.unresolved.length;
  const unresolved = n > 0 ? `; ${n} relative import${n === 1 ? ' reaches' : 's reach'} no tracked file` : '';
  return `import graph: ${g.files} TS/JS file${g.files === 1 ? '' : 's'}, ${g.edges} edge${g.edges === 1 ? '' : 's'} (${g.parsed.length} parsed now${unresolved})`;
}
