import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the database lives: --db, then $LORE_HOME/lore.db, then $XDG_DATA_HOME/lore/lore.db. */
export function resolveDbPath(env: NodeJS.ProcessEnv = process.env, explicit?: string): string {
  if (explicit) return explicit;
  if (env.LORE_HOME) return join(env.LORE_HOME, 'lore.db');
  const dataHome = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'lore', 'lore.db');
}
