import type { CommandModule } from 'yargs';
import type { HookStatus } from '../../app/index.js';
import { placeOf } from '../context.js';
import { dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';

type HookArgs = GlobalArgs & OutputArgs & { action: 'install' | 'uninstall' | 'status' };

export const hookCommand: CommandModule<GlobalArgs, HookArgs> = {
  command: 'hook <action>',
  describe: 'Install, remove or inspect the git hooks (post-commit, post-merge, post-rewrite)',
  builder: (y) => withJson(y).positional('action', { choices: ['install', 'uninstall', 'status'] as const, demandOption: true }) as never,
  handler: async (args) => {
    const { manageHooks } = await import('../../app/index.js');
    const { project, hooks } = await manageHooks(placeOf(args).cwd, args.action);
    if (args.json) printJson({ schema: 'lore.hook/1', project, hooks });
    else renderHookStatus(hooks);
  },
};

export function renderHookStatus(statuses: HookStatus[]): void {
  for (const s of statuses) {
    const state = s.state === 'installed' ? (s.stale ? 'installed (stale: points at another lore; run `lore hook install`)' : 'installed') : s.state;
    print(`${s.name.padEnd(13)} ${state}${s.chained ? ', runs the previous hook first' : ''}  ${dim(s.path)}`);
  }
}
