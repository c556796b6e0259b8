import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * lore's user config: `$LORE_HOME/config.json` when LORE_HOME is set, else
 * `$XDG_CONFIG_HOME/lore/config.json` (`~/.config/lore/config.json`). Missing file: defaults.
 *
 *   { "excludeProjects": ["/home/me/secret-repo", "~/clients/acme"] }
 *
 * A session whose project (repository top, or cwd outside any repository) is one of these
 * directories or lies under one is never stored.
 */
export interface LoreConfig {
  excludeProjects: string[];
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LORE_HOME) return join(env.LORE_HOME, 'config.json');
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'lore', 'config.json');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoreConfig {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { excludeProjects: [] };
    throw new ConfigError(path, (err as Error).message);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(path, 'it is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(path, 'expected a JSON object');
  const list = (raw as Record<string, unknown>).excludeProjects ?? [];
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) throw new ConfigError(path, '"excludeProjects" must be a list of directory paths');
  const home = env.HOME || homedir();
  return { excludeProjects: (list as string[]).map((p) => resolve(p.replace(/^~(?=$|[\\/])/, home))) };
}

/** Whether a project path is excluded by the config. */
export function isExcluded(config: LoreConfig, projectPath: string, cwd?: string): boolean {
  return config.excludeProjects.some((dir) => [projectPath, cwd].some((p) => p !== undefined && p !== '' && (p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`))));
}
