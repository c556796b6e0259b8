import { findRepo, hookStatus, installHooks, uninstallHooks, type HookStatus } from '../git/index.js';

export type HookAction = 'install' | 'uninstall' | 'status';

/** `lore hook install|uninstall|status` in the repository `cwd` is in. */
export async function manageHooks(cwd: string, action: HookAction): Promise<{ project: string; hooks: HookStatus[] }> {
  const repo = await findRepo(cwd);
  const run = { install: installHooks, uninstall: uninstallHooks, status: hookStatus }[action];
  return { project: repo.root, hooks: await run(repo.root) };
}
