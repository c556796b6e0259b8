import type { CommandModule } from 'yargs';
import type { CommitInfo, WhyResult } from '../../query/index.js';
import { catchUpRepo, cwdOf, dbPathOf } from '../context.js';
import { bold, cyan, day, dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

interface WhyArgs extends GlobalArgs, OutputArgs {
  target: string;
  all?: boolean;
}

export const whyCommand: CommandModule<GlobalArgs, WhyArgs> = {
  command: 'why <target>',
  describe: 'Explain why a file (or FILE:LINE) exists: its origin and every change since',
  builder: (y) =>
    withJson(y)
      .positional('target', { type: 'string', demandOption: true, describe: 'FILE or FILE:LINE' })
      .option('all', { type: 'boolean', describe: 'show full commit messages, not just subjects' }) as never,
  handler: async (args) => {
    const { findRepo } = await import('../../git/index.js');
    const { resolveTarget, checkTarget, why } = await import('../../query/index.js');
    const { openDb } = await import('../../db/index.js');
    const cwd = cwdOf(args);
    const repo = await findRepo(cwd);
    const target = resolveTarget(args.target, cwd, repo.root);
    await checkTarget(repo, target);
    const dbPath = dbPathOf(args);
    const db = openDb(dbPath);
    const report = stderrReporter();
    try {
      await catchUpRepo({ repo, db, dbPath }, report);
      report.stop();
      const result = await why(db, repo, target);
      if (args.json) printJson(result);
      else renderWhy(result, args.all ?? false);
    } finally {
      report.stop();
      db.close();
    }
  },
};

export function renderWhy(r: WhyResult, full: boolean): void {
  const where = r.line !== null ? `${r.file}:${r.line}` : r.file;
  print(`${bold(where)}  ${dim(`${r.total} commit${r.total === 1 ? '' : 's'}`)}`);
  if (r.blamed) {
    print();
    print(bold(`Line ${r.line} last changed`));
    printCommit(r.blamed, full);
  }
  print();
  if (r.origin) {
    print(bold('Origin'));
    printCommit(r.origin, full);
    if (r.origin.path && r.origin.path !== r.file) print(`  ${dim(`created as ${r.origin.path}`)}`);
  } else {
    print(`${bold('Origin')}  ${dim('not found in the indexed history')}`);
  }
  const later = r.changes.filter((c) => c.sha !== r.origin?.sha);
  if (later.length > 0) {
    print();
    print(bold(`Changes since, newest first (${later.length})`));
    for (const c of later) printCommit(c, full);
  }
}

function printCommit(c: CommitInfo, full: boolean): void {
  const rename = c.status === 'R' && c.oldPath ? dim(` (renamed from ${c.oldPath})`) : c.status === 'D' ? dim(' (deleted)') : '';
  print(`  ${cyan(c.sha.slice(0, 10))}  ${day(c.date)}  ${c.author.padEnd(16).slice(0, 16)}  ${c.subject}${rename}`);
  if (full && c.body) for (const line of c.body.split('\n')) print(`      ${line}`);
}
