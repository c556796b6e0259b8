import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git } from './run.js';

export const HOOK_NAMES = ['post-commit', 'post-merge', 'post-rewrite'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

const MARKER = '# lore-managed hook';
const CHAINED_SUFFIX = '.lore-chained';
/** The body the three shims source, copied beside them as it ships. */
const SHARED = 'lore-hook.sh';

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
  /** Directory holding the shim templates and the script they share. */
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
  const hasShared = isOurs(join(dir, SHARED));
  return HOOK_NAMES.map((name) => {
    const path = join(dir, name);
    const chained = existsSync(path + CHAINED_SUFFIX);
    if (!existsSync(path)) return { name, path, state: 'missing', chained, stale: false };
    const text = readFileSync(path, 'utf8');
    if (!text.includes(MARKER)) return { name, path, state: 'foreign', chained, stale: false };
    const worker = shimWorker(text);
    const lacksShared = text.includes(SHARED) && !hasShared;
    return { name, path, state: 'installed', chained, stale: lacksShared || !worker || !existsSync(worker) || worker !== paths.worker };
  });
}

/**
 * Installs the shims and the script they share. A foreign hook is moved aside byte-for-byte (mode
 * included) and run first by ours; our own older files are refreshed in place. Returns what it
 * did, per hook.
 */
export async function installHooks(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  const dir = await hooksDir(root);
  const shared = join(dir, SHARED);
  // Refuse before writing anything, so a refusal leaves the directory as it was.
  if (existsSync(shared) && !isOurs(shared)) throw new Error(`${shared} already exists; move it away and retry`);
  const toChain = HOOK_NAMES.map((name) => join(dir, name)).filter((path) => existsSync(path) && !isOurs(path));
  for (const path of toChain) if (existsSync(path + CHAINED_SUFFIX)) throw new Error(`${path + CHAINED_SUFFIX} already exists; move it away and retry`);
  mkdirSync(dir, { recursive: true });
  // The shared script first: a shim without it would fail.
  writeFileSync(shared, readFileSync(join(paths.templates, SHARED)), { mode: 0o644 });
  for (const path of toChain) renameSync(path, path + CHAINED_SUFFIX);
  for (const name of HOOK_NAMES) {
    const template = readFileSync(join(paths.templates, name), 'utf8');
    writeFileSync(join(dir, name), template.replaceAll('@LORE_NODE@', shQuote(paths.node)).replaceAll('@LORE_WORKER@', shQuote(paths.worker)), { mode: 0o755 });
  }
  return hookStatus(root, paths);
}

/** Removes our files and puts back exactly what was there before (a foreign hook, or nothing). */
export async function uninstallHooks(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  const dir = await hooksDir(root);
  for (const name of HOOK_NAMES) {
    const path = join(dir, name);
    if (!isOurs(path)) continue;
    rmSync(path);
    if (existsSync(path + CHAINED_SUFFIX)) renameSync(path + CHAINED_SUFFIX, path);
  }
  if (isOurs(join(dir, SHARED))) rmSync(join(dir, SHARED));
  return hookStatus(root, paths);
}

export function isExecutable(path: string): boolean {
  try {
    return (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function isOurs(path: string): boolean {
  return existsSync(path) && readFileSync(path, 'utf8').includes(MARKER);
}

// Values go between single quotes in the shim: escape any single quote in a path.
function shQuote(value: string): string {
  return value.replaceAll("'", `'\\''`);
}

/**
 * The worker a shim names, unquoted (the inverse of shQuote). A self-contained shim (the whole
 * body, no lore-hook.sh) names it on a line of its own; it works, so it counts.
 */
function shimWorker(text: string): string | undefined {
  return /^(?:node='.*' )?worker='(.*)'(?: \. .*)?$/m.exec(text)?.[1]?.replaceAll(`'\\''`, "'");
}
