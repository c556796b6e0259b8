import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { placeOf } from '../context.js';
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
    const { forget } = await import('../../app/index.js');
    const ids = await forget(placeOf(args), args.session ? { session: args.session } : { project: args.project! });
    if (args.json) return printJson({ forgotten: ids });
    print(`forgot ${ids.length} session${ids.length === 1 ? '' : 's'}${ids.length === 1 ? ` (${ids[0]})` : ''}`);
    if (args.project) print('new sessions of this project will still be ingested; list it under "excludeProjects" in the config to stop that (README: Privacy)');
  },
};
