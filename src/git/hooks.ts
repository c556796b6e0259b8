import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git } from './run.js';

export const HOOK_NAMES = ['post-commit', 'post-merge', 'post-rewrite'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

const MARKER = '# lore-managed hook';
const CHAINED_SUFFIX = '.lore-chained';

export interface HookStatus {
  name: HookName;
  path: string;
  /** 'installed': ours; 'foreign': someone else's, lore not installed; 'missing': nothing there. */
  state: 'installed' | 'foreign' | 'missing';
  /** A foreign hook that ours runs first. */
  chained: boolean;
  /** Our hook points at a worker that no longer exists (lore moved or reinstalled elsewhere). */
  stale: boolean;
}

export interface HookPaths {
  /** node binary baked into the shim. */
  node: string;
  /** dist/hook-worker.js baked into the shim. */
  worker: string;
  /** Directory holding the shim templates. */
  templates: string;
}

/** Where this lore's hook worker and templates are (found by walking up from this module). */
export function defaultHookPaths(): HookPaths {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'hooks', 'post-commit')) && dirname(dir) !== dir) dir = dirname(dir);
  return { node: process.execPath, worker: join(dir, 'dist', 'hook-worker.js'), templates: join(dir, 'hooks') };
}

/** The hooks directory git uses for this repository (honours core.hooksPath: husky, lefthook). */
export async function hooksDir(root: string): Promise<string> {
  return resolve(root, (await git(root, ['rev-parse', '--git-path', 'hooks'])).trim());
}

export async function hookStatus(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  const dir = await hooksDir(root);
  return HOOK_NAMES.map((name) => {
    const path = join(dir, name);
    const chained = existsSync(path + CHAINED_SUFFIX);
    if (!existsSync(path)) return { name, path, state: 'missing', chained, stale: false };
    const text = readFileSync(path, 'utf8');
    if (!text.includes(MARKER)) return { name, path, state: 'foreign', chained, stale: false };
    const worker = /^worker='(.*)'$/m.exec(text)?.[1];
    return { name, path, state: 'installed', chained, stale: !worker || !existsSync(worker) || worker !== paths.worker };
  });
}

/**
 * Installs the shims. A foreign hook is moved aside byte-for-byte (mode included) and run first
 * by ours; our own older shim is refreshed in place. Returns what it did, per hook.
 */
export async function installHooks(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  const dir = await hooksDir(root);
  mkdirSync(dir, { recursive: true });
  for (const name of HOOK_NAMES) {
    const path = join(dir, name);
    if (existsSync(path) && !readFileSync(path, 'utf8').includes(MARKER)) {
      if (existsSync(path + CHAINED_SUFFIX)) throw new Error(`${path + CHAINED_SUFFIX} already exists; move it away and retry`);
      renameSync(path, path + CHAINED_SUFFIX);
    }
    const template = readFileSync(join(paths.templates, name), 'utf8');
    writeFileSync(path, template.replaceAll('@LORE_NODE@', shQuote(paths.node)).replaceAll('@LORE_WORKER@', shQuote(paths.worker)), { mode: 0o755 });
  }
  return hookStatus(root, paths);
}

/** Removes our shims and puts back exactly what was there before (a foreign hook, or nothing). */
export async function uninstallHooks(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  const dir = await hooksDir(root);
  for (const name of HOOK_NAMES) {
    const path = join(dir, name);
    if (!existsSync(path) || !readFileSync(path, 'utf8').includes(MARKER)) continue;
    rmSync(path);
    if (existsSync(path + CHAINED_SUFFIX)) renameSync(path + CHAINED_SUFFIX, path);
  }
  return hookStatus(root, paths);
}

export function isExecutable(path: string): boolean {
  try {
    return (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

// Values go between single quotes in the shim: escape any single quote in a path.
function shQuote(value: string): string {
  return value.replaceAll("'", `'\\''`);
}
