import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { configPath, homeOf } from './paths.js';

/**
 * lore's user config (README: "Privacy", "Search"). A missing file means the defaults:
 *
 *   { "excludeProjects": ["/home/me/secret-repo", "~/clients/acme"],
 *     "embed": { "url": "http://localhost:11434", "model": "nomic-embed-text" } }
 */
export interface LoreConfig {
  /** Absolute directories whose sessions are never stored (they and everything under them). */
  excludeProjects: string[];
  /** The embedding endpoint from the file; the LORE_EMBED_* variables override it (src/embed). */
  embed: EmbedSettings;
}

export interface EmbedSettings {
  url?: string;
  model?: string;
  apiKey?: string;
}

const DEFAULTS: LoreConfig = { excludeProjects: [], embed: {} };
const EMBED_KEYS = ['url', 'model', 'apiKey'] as const;

/**
 * Reads, checks and normalises the config file in one pass, so every reader sees the same
 * settings and every mistake in the file is the same ConfigError (one line, a hint, exit 2).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoreConfig {
  const path = configPath(env);
  const raw = readConfig(path);
  return raw === undefined ? DEFAULTS : normalize(validate(path, raw), homeOf(env));
}

/** Whether a project path (or the session's cwd) is excluded by the config. */
export function isExcluded(config: LoreConfig, projectPath: string, cwd?: string): boolean {
  return config.excludeProjects.some((dir) => [projectPath, cwd].some((p) => p !== undefined && p !== '' && (p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`))));
}

/** The parsed JSON, or undefined when there is no file. */
function readConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(path, (err as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(path, 'it is not valid JSON');
  }
}

interface RawConfig {
  excludeProjects: string[];
  embed: EmbedSettings;
}

function validate(path: string, raw: unknown): RawConfig {
  if (!isObject(raw)) throw new ConfigError(path, 'expected a JSON object');
  const excludeProjects = raw.excludeProjects ?? [];
  if (!Array.isArray(excludeProjects) || !excludeProjects.every((p) => typeof p === 'string')) throw new ConfigError(path, '"excludeProjects" must be a list of directory paths');
  const embed = raw.embed ?? {};
  if (!isObject(embed)) throw new ConfigError(path, '"embed" must be an object with "url", "model" and "apiKey"');
  for (const key of EMBED_KEYS) {
    if (embed[key] !== undefined && typeof embed[key] !== 'string') throw new ConfigError(path, `"embed.${key}" must be a string`);
  }
  return { excludeProjects: excludeProjects as string[], embed: embed as EmbedSettings };
}

/** `~` expanded and paths made absolute, so a comparison with a repository's realpath is a prefix check. */
function normalize(raw: RawConfig, home: string): LoreConfig {
  const embed: EmbedSettings = {};
  for (const key of EMBED_KEYS) if (raw.embed[key]) embed[key] = raw.embed[key];
  return { excludeProjects: raw.excludeProjects.map((p) => resolve(p.replace(/^~(?=$|[\\/])/, home))), embed };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
