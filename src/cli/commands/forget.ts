import type { CommandModule } from 'yargs';
import { SessionNotFoundError, UsageError } from '../../errors.js';
import { cwdOf, dbPathOf } from '../context.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';

interface ForgetArgs extends GlobalArgs, OutputArgs {
  session?: string;
  project?: string;
}

export const forgetCommand: CommandModule<GlobalArgs, ForgetArgs> = {
  command: 'forget [session]',
  describe: 'Delete a stored chat session (or every session of a project) and never ingest it again',
  builder: (y) =>
    withJson(y)
      .positional('session', { type: 'string', describe: 'session id or a unique prefix' })
      .option('project', { type: 'string', describe: 'forget every chat session of this repository (a path; "." for the current one)' }) as never,
  handler: async (args) => {
    if (!args.session === !args.project) throw new UsageError('give a SESSION or --project PATH (one of them)', 'e.g. `lore forget claude-code:3fe1b6bc` or `lore forget --project .`');
    const { openDb, findSessions, forgetSession, forgetProject } = await import('../../db/index.js');
    const db = openDb(dbPathOf(args));
    try {
      let ids: string[];
      if (args.session) {
        const found = findSessions(db, args.session);
        if (found.length !== 1) throw new SessionNotFoundError(args.session, found.map((s) => s.id));
        forgetSession(db, found[0]!.id, 'forgotten');
        ids = [found[0]!.id];
      } else {
        const { resolve } = await import('node:path');
        const { findRepo } = await import('../../git/index.js');
        const abs = resolve(cwdOf(args), args.project!);
        const repo = await findRepo(abs).catch(() => undefined);
        ids = forgetProject(db, repo?.root ?? abs);
      }
      if (args.json) return printJson({ forgotten: ids });
      print(`forgot ${ids.length} session${ids.length === 1 ? '' : 's'}${ids.length === 1 ? ` (${ids[0]})` : ''}`);
      if (args.project) print('new sessions of this project will still be ingested; list it under "excludeProjects" in the config to stop that (README: Privacy)');
    } finally {
      db.close();
    }
  },
};
