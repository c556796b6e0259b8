import { homedir } from 'node:os';
import { join } from 'node:path';

// Where lore keeps its data and its config, in one module so they cannot drift apart. LORE_HOME
// holds both, so a test or a second installation is one variable away from the user's real files.

/** The user's home: $HOME first, so tests and sandboxes that set it never reach the real one. */
export function homeOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || homedir();
}

/** Where the database lives: --db, then $LORE_HOME/lore.db, then $XDG_DATA_HOME/lore/lore.db. */
export function resolveDbPath(env: NodeJS.ProcessEnv = process.env, explicit?: string): string {
  if (explicit) return explicit;
  if (env.LORE_HOME) return join(env.LORE_HOME, 'lore.db');
  return join(env.XDG_DATA_HOME || join(homeOf(env), '.local', 'share'), 'lore', 'lore.db');
}

/** The config file: $LORE_HOME/config.json, else $XDG_CONFIG_HOME/lore/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LORE_HOME) return join(env.LORE_HOME, 'config.json');
  return join(env.XDG_CONFIG_HOME || join(homeOf(env), '.config'), 'lore', 'config.json');
}
