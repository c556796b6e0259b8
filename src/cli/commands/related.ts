import type { CommandModule } from 'yargs';
import type { GraphNeighbor, RelatedResult } from '../../app/index.js';
import { UsageError } from '../../errors.js';
import { placeOf } from '../context.js';
import { bold, dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

interface RelatedArgs extends GlobalArgs, OutputArgs {
  file: string;
  depth: number;
  limit: number;
}

export const relatedCommand: CommandModule<GlobalArgs, RelatedArgs> = {
  command: 'related <file>',
  describe: 'Files tied to FILE: what it imports, what imports it, what changes with it, what was edited for the same requests',
  builder: (y) =>
    withJson(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'a file in this repository' })
      .option('depth', { type: 'number', default: 1, describe: 'follow imports and importers this many steps (transitive)' })
      .option('limit', { type: 'number', default: 10, describe: 'entries per list (0 for all); --json has every import and importer' }) as never,
  handler: async (args) => {
    if (!Number.isInteger(args.depth) || args.depth < 1) throw new UsageError(`--depth must be a whole number ≥ 1, got ${args.depth}`, 'for example --depth 2');
    if (!Number.isInteger(args.limit) || args.limit < 0) throw new UsageError(`--limit must be a whole number ≥ 0, got ${args.limit}`, 'for example --limit 20, or 0 for all');
    const { related } = await import('../../app/index.js');
    const report = stderrReporter();
    try {
      const result = await related(placeOf(args), args.file, { depth: args.depth, limit: args.limit === 0 ? 1_000_000 : args.limit }, report);
      report.stop();
      if (args.json) printJson(result);
      else renderRelated(result, args.limit === 0 ? Infinity : args.limit);
    } finally {
      report.stop();
    }
  },
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderRelated(r: RelatedResult, limit: number): void {
  print(bold(r.file));
  if (r.renamed) print(dim(`${r.renamed.from} was renamed to ${r.renamed.to} in ${r.renamed.sha.slice(0, 10)} (${r.renamed.date.slice(0, 10)}): its whole history is counted`));
  renderGraph('Imports', r.imports, r, limit);
  renderGraph('Imported by', r.importers, r, limit);

  print();
  const together = r.changedTogether;
  if (together.commits === 0) print(`${bold('Changed together')}  ${dim('no commits of this file in the indexed history')}`);
  else {
    const large = together.largeCommits > 0 ? `; ${plural(together.largeCommits, 'commit')} of more than ${together.maxCommitFiles} files left out` : '';
    print(`${bold('Changed together')}  ${dim(`${plural(together.commits, 'commit')} of this file${large}`)}`);
    if (together.files.length === 0) print(`  ${dim(together.largeCommits === together.commits ? 'only in large commits' : 'always changed alone')}`);
    printRows(together.files.map((f) => [f.path, plural(f.commits, 'commit')]), limit);
  }

  print();
  const same = r.sameRequests;
  if (same.requests === 0) print(`${bold('Edited for the same requests')}  ${dim('no recorded AI edits of this file')}`);
  else {
    print(`${bold('Edited for the same requests')}  ${dim(`${plural(same.requests, 'request')} edited this file`)}`);
    if (same.files.length === 0) print(`  ${dim('no other file')}`);
    printRows(same.files.map((f) => [f.path, plural(f.requests, 'request')]), limit);
  }
}

function renderGraph(title: string, list: GraphNeighbor[], r: RelatedResult, limit: number): void {
  print();
  if (!r.isCode) {
    print(`${bold(title)}  ${dim('not a TS/JS file')}`);
    return;
  }
  const direct = list.filter((n) => n.depth === 1);
  const further = list.length - direct.length;
  const counts = r.depth > 1 ? `${direct.length} direct, ${further} within ${r.depth} steps` : `${direct.length}`;
  if (list.length === 0) {
    print(`${bold(title)}  ${dim(title === 'Imported by' ? 'nothing imports this file' : 'nothing')}`);
    return;
  }
  print(`${bold(title)}  ${dim(counts)}`);
  printRows(direct.map((n) => [n.path, n.labels.join(', ')]), limit);
  for (let depth = 2; depth <= r.depth; depth++) {
    const level = list.filter((n) => n.depth === depth);
    if (level.length === 0) continue;
    print(`  ${dim(`${depth} steps away (${level.length})`)}`);
    printRows(level.map((n) => [n.path, `via ${n.via ?? '?'}`]), limit);
  }
}

function printRows(rows: [string, string][], limit: number): void {
  const shown = rows.slice(0, limit);
  const width = Math.min(60, Math.max(0, ...shown.map(([p]) => p.length)));
  for (const [path, detail] of shown) print(`  ${path.padEnd(width)}  ${dim(detail)}`);
  if (rows.length > shown.length) print(`  ${dim(`… and ${rows.length - shown.length} more (--limit 0 shows all)`)}`);
}
