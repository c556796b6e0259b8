import type { CommandModule } from 'yargs';
import type { SyncResult } from '../../app/index.js';
import { placeOf } from '../context.js';
import { bold, cyan, dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

interface SyncArgs extends GlobalArgs, OutputArgs {
  remote?: string;
  dryRun?: boolean;
  install?: boolean;
}

export const syncCommand: CommandModule<GlobalArgs, SyncArgs> = {
  command: 'sync [remote]',
  describe: "Share requests, decisions and learnings with teammates as git notes (refs/notes/lore), and take in theirs",
  builder: (y) =>
    withJson(y)
      .positional('remote', { type: 'string', describe: 'the git remote (default: origin)' })
      .option('dry-run', { type: 'boolean', describe: 'print what would be shared; change nothing, contact no remote' })
      .option('install', { type: 'boolean', describe: 'make plain `git fetch`/`git push` carry the notes, and notes follow rebases (git config)' }) as never,
  handler: async (args) => {
    const { sync } = await import('../../app/index.js');
    const report = stderrReporter();
    try {
      const r = await sync(placeOf(args), { ...(args.remote ? { remote: args.remote } : {}), dryRun: args.dryRun ?? false, install: args.install ?? false }, report);
      report.stop();
      if (args.json) printJson(r);
      else render(r);
    } finally {
      report.stop();
    }
  },
};

function render(r: SyncResult): void {
  if (r.install) {
    if (r.install.added.length === 0) print(`already set up: git fetch/push ${r.remote} carry lore's notes`);
    else for (const a of r.install.added) print(`git config ${a}`);
    return;
  }
  const s = r.shared;
  const what = `${s.requests} request link${s.requests === 1 ? '' : 's'}, ${s.decisions} decision${s.decisions === 1 ? '' : 's'}, ${s.learnings} learning${s.learnings === 1 ? '' : 's'} on ${s.notes} commit${s.notes === 1 ? '' : 's'}` +
    (s.aiLines > 0 ? `; AI-written line counts of ${s.aiLines} file change${s.aiLines === 1 ? '' : 's'}` : '');
  if (r.dryRun) {
    print(bold(`would share as ${r.by}: ${what}`));
    for (const n of r.preview) {
      print(`  ${cyan(n.sha.slice(0, 10))}${n.decisions || n.learnings ? dim(`  +${n.decisions} decisions, ${n.learnings} learnings`) : ''}`);
      for (const q of n.requests) print(`      ${q.path} ← "${oneLine(q.text, 90)}"  ${dim(`${q.tool ?? 'chat'} session ${q.session}`)}`);
    }
    return;
  }
  print(`shared as ${r.by}: ${what}`);
  const i = r.imported;
  const counts = i.aiLines ? `, ${i.aiLines} AI-line count${i.aiLines === 1 ? '' : 's'}` : '';
  print(i.added > 0 || i.removed > 0 || i.aiLines > 0 ? `from teammates: ${i.added} new entr${i.added === 1 ? 'y' : 'ies'}${(i.added > 0 || i.aiLines > 0) && i.from.length ? ` (shared by ${i.from.join(', ')})` : ''}${counts}${i.removed ? `, ${i.removed} forgotten session${i.removed === 1 ? '' : 's'} removed` : ''}` : dim('nothing new from teammates'));
  print(dim(r.pushed ? `pushed refs/notes/lore to ${r.remote}${r.retries ? ` (after ${r.retries} retr${r.retries === 1 ? 'y' : 'ies'}: someone pushed first)` : ''}` : `${r.remote} already had everything`));
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
