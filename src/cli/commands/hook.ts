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
    const state = s.state === 'installed' ? (s.stale ? 'installed (stale: run `lore hook install`)' : s.enabled ? 'installed' : 'installed, not recording this repository (run `lore hook install`)') : s.state === 'manual' ? 'not installed (your team shares this file; lore does not change it)' : s.state;
    print(`${s.name.padEnd(13)} ${state}${s.chained ? ', runs the previous hook first' : ''}  ${dim(s.path)}`);
  }
  const manual = statuses.filter((s) => s.state === 'manual');
  if (manual.length > 0) {
    print('lore finds these commits at its next command, or at once with `lore watch`. To record them at commit time, a');
    print('teammate can add one line to each shared hook (a no-op where lore is not set up):');
    for (const s of manual) print(`  ${s.path}:\n    ${s.line}`);
  }
}
