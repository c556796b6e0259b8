import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HookConflictError } from '../errors.js';
import { readOrUndefined, statOrUndefined } from '../fs.js';
import { git, gitRaw } from './run.js';

export const HOOK_NAMES = ['post-commit', 'post-merge', 'post-rewrite'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

const MARKER = '# lore-managed hook';
const CHAINED_SUFFIX = '.lore-chained';
/** Where `pre-commit install` moves a hook it did not write (and runs it from its own). */
const LEGACY_SUFFIX = '.legacy';
/** The body the three shims source, copied beside them as it ships. */
const SHARED = 'lore-hook.sh';
/** In <common git dir>/lore/: lore's hooks record a repository only while this file is there. */
const ENABLED = 'enabled';

export interface HookStatus {
  name: HookName;
  /** The file git runs for this hook. */
  path: string;
  /**
   * 'installed': ours (or, in a hooks directory the team shares, the team's hook calls ours);
   * 'foreign': someone else's, lore not installed; 'missing': nothing there; 'manual': the hooks
   * directory holds the team's files, which lore never changes: `line` added to `path` runs lore's.
   */
  state: 'installed' | 'foreign' | 'missing' | 'manual';
  /** A foreign hook that ours runs first. */
  chained: boolean;
  /** Our hook points at a worker that no longer exists (lore moved or reinstalled elsewhere), or sits where it no longer belongs. */
  stale: boolean;
  /** This repository is one lore's hooks record (a hooks directory may serve many: a global core.hooksPath). */
  enabled: boolean;
  /** For 'manual': the line that, added to `path`, runs lore's hook. */
  line?: string;
}

export interface HookPaths {
  /** node binary baked into the shim. */
  node: string;
  /** dist/hook-worker.js baked into the shim. */
  worker: string;
  /** Directory holding the shim templates and the script they share. */
  templates: string;
}

/** Where git runs hooks for a repository, and where lore puts its own. */
interface HookLayout {
  /** The directory git runs hooks from (honours core.hooksPath). */
  dir: string;
  /** The common git directory (shared by worktrees). */
  common: string;
  /**
   * `dir` holds files a team shares (tracked, or not ignored, in a work tree: husky 4–8's
   * `.husky/`, a committed `.githooks/`): lore writes nothing there, its shims go to
   * <common>/lore/hooks and the team's hook may call them.
   */
  teamDir: boolean;
  /** Where lore's shims are: `dir`, or <common>/lore/hooks when `dir` is the team's. */
  shims: string;
}

/** Where this lore's hook worker and templates are (found by walking up from this module). */
export function defaultHookPaths(): HookPaths {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!lstatOrUndefined(join(dir, 'hooks', 'post-commit')) && dirname(dir) !== dir) dir = dirname(dir);
  return { node: process.execPath, worker: join(dir, 'dist', 'hook-worker.js'), templates: join(dir, 'hooks') };
}

/** The hooks directory git uses for this repository (honours core.hooksPath: husky, lefthook). */
async function hooksDir(root: string): Promise<string> {
  return resolve(root, (await git(root, ['rev-parse', '--git-path', 'hooks'])).trim());
}

/**
 * The line that runs lore's `name` hook from a hook file the team shares (a no-op where lore is
 * not set up). git runs hooks from the top of the work tree, where `.git` is the git directory
 * unless this is a linked worktree (a `.git` file): only then does it cost a `git rev-parse`.
 */
export function teamHookLine(name: HookName): string {
  return `[ -d .git ] && lore_hook=.git/lore/hooks/${name} || lore_hook="$(git rev-parse --git-common-dir)/lore/hooks/${name}"; [ ! -x "$lore_hook" ] || "$lore_hook" "$@"`;
}

/**
 * The tool that writes the hooks git runs, when one is recognised, and what it does to lore's
 * shims when it runs again: what `lore doctor` says beside a shim found gone.
 */
export async function hookManager(root: string): Promise<{ tool: string; note: string } | undefined> {
  const dir = await hooksDir(root);
  if (basename(dir) === '_' && lstatOrUndefined(join(dir, 'h'))) {
    return { tool: 'husky', note: `husky rewrites ${relative(root, dir)}/ at every \`npm install\`: run \`lore hook install\` after it` };
  }
  const pkg = readOrUndefined(join(root, 'package.json'));
  if (pkg?.includes('"simple-git-hooks"') || ['.simple-git-hooks.json', 'simple-git-hooks.json', '.simple-git-hooks.js', 'simple-git-hooks.js', '.simple-git-hooks.cjs', 'simple-git-hooks.cjs'].some((f) => lstatOrUndefined(join(root, f)))) {
    return {
      tool: 'simple-git-hooks',
      note: 'simple-git-hooks deletes the hooks its config does not name, and rewrites those it does, each time it runs: its config keeps the others with "preserveUnused": ["post-commit", "post-merge", "post-rewrite"]; run `lore hook install` after it',
    };
  }
  if (lstatOrUndefined(join(root, '.pre-commit-config.yaml'))) {
    return { tool: 'pre-commit', note: '`pre-commit install` moves a hook it did not write to <name>.legacy and runs it from its own: run `lore hook install` after it' };
  }
  if (['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml', 'lefthook.json', 'lefthook.toml'].some((f) => lstatOrUndefined(join(root, f)))) {
    return { tool: 'lefthook', note: '`lefthook install` moves a hook its config names to <name>.old and writes its own: run `lore hook install` after it' };
  }
  return undefined;
}

export async function hookStatus(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  return statusIn(await hookLayout(root), paths);
}

function statusIn(layout: HookLayout, paths: HookPaths): HookStatus[] {
  const enabled = lstatOrUndefined(join(layout.common, 'lore', ENABLED)) !== undefined;
  return HOOK_NAMES.map((name) => {
    const path = join(layout.dir, name);
    const here = shimStatus(path, layout.dir, paths);
    if (!layout.teamDir) return { name, path, ...here, enabled };
    // An earlier lore's shim in the team's directory: `lore hook install` puts back what was there.
    if (here.state === 'installed') return { name, path, ...here, stale: true, enabled };
    const side = shimStatus(join(layout.shims, name), layout.shims, paths);
    const text = lstatOrUndefined(path)?.isFile() ? readOrUndefined(path) : undefined;
    if (side.state === 'installed' && text?.includes(`lore/hooks/${name}`)) return { name, path, ...side, enabled };
    return { name, path, state: 'manual', chained: false, stale: false, enabled, line: teamHookLine(name) };
  });
}

/**
 * Installs the shims and the script they share, and enables this repository. A foreign hook
 * (a symlink too, as the link itself) is moved aside byte for byte, mode included, and run first
 * by ours; our own older files are refreshed in place. When the hooks directory holds the team's
 * files, nothing there is touched: the shims go to <common git dir>/lore/hooks and each status
 * says which line the team's hook needs. Returns what it did, per hook.
 */
export async function installHooks(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  const layout = await hookLayout(root);
  if (layout.teamDir) {
    // Put back what an earlier lore moved in the team's directory, then install beside it.
    removeOurs(layout.dir, layout.common);
    installInto(layout.shims, layout.common, paths);
  } else {
    installInto(layout.dir, layout.common, paths);
  }
  mkdirSync(join(layout.common, 'lore'), { recursive: true });
  writeFileSync(join(layout.common, 'lore', ENABLED), `${MARKER}: lore's git hooks record this repository while this file is here (\`lore hook uninstall\` removes it).\n`);
  return statusIn(layout, paths);
}

/** Removes our files and puts back exactly what was there before (a foreign hook, or nothing). */
export async function uninstallHooks(root: string, paths = defaultHookPaths()): Promise<HookStatus[]> {
  const layout = await hookLayout(root);
  removeOurs(layout.dir, layout.common);
  if (layout.shims !== layout.dir) {
    removeOurs(layout.shims, layout.common);
    removeIfEmpty(layout.shims);
  }
  rmSync(join(layout.common, 'lore', ENABLED), { force: true });
  return statusIn(layout, paths);
}

export function isExecutable(path: string): boolean {
  try {
    return (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function installInto(dir: string, common: string, paths: HookPaths): void {
  const shared = join(dir, SHARED);
  // Refuse before writing anything, so a refusal leaves the directory as it was.
  if (lstatOrUndefined(shared) && !isOurs(shared)) throw new HookConflictError(shared);
  const toChain = HOOK_NAMES.map((name) => join(dir, name)).filter((path) => lstatOrUndefined(path) && !isOurs(path));
  mkdirSync(dir, { recursive: true });
  // The shared script first: a shim without it would fail.
  writeFileSync(shared, readFileSync(join(paths.templates, SHARED)), { mode: 0o644 });
  // `pre-commit install` moved an earlier shim of ours to <name>.legacy, which its hook runs: the hook
  // now in place is chained below, so that copy would record every commit twice.
  for (const name of HOOK_NAMES) if (isOurs(join(dir, name + LEGACY_SUFFIX))) rmSync(join(dir, name + LEGACY_SUFFIX));
  for (const path of toChain) {
    // A tool wrote its hook over ours (husky regenerating `.husky/_`, simple-git-hooks, lefthook):
    // the hook now there is the one to run, and the copy chained before goes (kept aside if it differs).
    if (lstatOrUndefined(path + CHAINED_SUFFIX) && !isSameHook(path, path + CHAINED_SUFFIX)) keepAside(path + CHAINED_SUFFIX, common);
    renameSync(path, path + CHAINED_SUFFIX);
  }
  for (const name of HOOK_NAMES) {
    const template = readFileSync(join(paths.templates, name), 'utf8');
    writeFileSync(join(dir, name), template.replaceAll('@LORE_NODE@', shQuote(paths.node)).replaceAll('@LORE_WORKER@', shQuote(paths.worker)), { mode: 0o755 });
  }
}

/** Removes lore's files from `dir` and puts back what each shim had moved aside. */
function removeOurs(dir: string, common: string): void {
  for (const name of HOOK_NAMES) {
    const path = join(dir, name);
    const chained = path + CHAINED_SUFFIX;
    if (isOurs(path + LEGACY_SUFFIX)) rmSync(path + LEGACY_SUFFIX);
    if (isOurs(path)) {
      rmSync(path);
      if (lstatOrUndefined(chained)) renameSync(chained, path);
    } else if (lstatOrUndefined(chained)) {
      // Another tool replaced our shim: its hook stays; the copy we chained goes (kept aside if it differs).
      if (lstatOrUndefined(path) && isSameHook(path, chained)) rmSync(chained);
      else if (lstatOrUndefined(path)) keepAside(chained, common);
      else renameSync(chained, path);
    }
  }
  if (isOurs(join(dir, SHARED))) rmSync(join(dir, SHARED));
}

/** How a hook file at `path` (in `dir`) stands, as far as lore is concerned. */
function shimStatus(path: string, dir: string, paths: HookPaths): Pick<HookStatus, 'state' | 'chained' | 'stale'> {
  const chained = lstatOrUndefined(path + CHAINED_SUFFIX) !== undefined;
  if (!lstatOrUndefined(path)) return { state: 'missing', chained, stale: false };
  if (!isOurs(path)) return { state: 'foreign', chained, stale: false };
  const text = readOrUndefined(path) ?? '';
  const worker = shimWorker(text);
  const lacksShared = text.includes(SHARED) && !isOurs(join(dir, SHARED));
  return { state: 'installed', chained, stale: lacksShared || !worker || !lstatOrUndefined(worker) || worker !== paths.worker };
}

async function hookLayout(root: string): Promise<HookLayout> {
  const [hooks = 'hooks', common = '.git'] = (await git(root, ['rev-parse', '--git-path', 'hooks', '--git-common-dir'])).trim().split('\n');
  const dir = resolve(root, hooks);
  const commonDir = resolve(root, common);
  const names = [SHARED, ...HOOK_NAMES.flatMap((name) => [name, name + CHAINED_SUFFIX])];
  const teamDir = await holdsTeamFiles(dir, names);
  return { dir, common: commonDir, teamDir, shims: teamDir ? join(commonDir, 'lore', 'hooks') : dir };
}

/**
 * Whether any of `names` in `dir` is (or would be) a file a team shares: tracked, or not ignored,
 * in whichever work tree holds `dir`. A git directory or a folder outside any work tree holds none.
 */
async function holdsTeamFiles(dir: string, names: string[]): Promise<boolean> {
  let cwd = dir;
  while (!statOrUndefined(cwd)?.isDirectory() && dirname(cwd) !== cwd) cwd = dirname(cwd);
  const paths = names.map((name) => relative(cwd, join(dir, name)));
  // Without --no-index, a tracked path is reported as not ignored, which is what is asked here.
  const r = await gitRaw(cwd, ['check-ignore', '--stdin', '-z'], paths.join('\0') + '\0');
  if (r.code !== 0 && r.code !== 1) return false; // not in a work tree: a git dir, or no repository at all
  const ignored = new Set(r.stdout.split('\0'));
  return paths.some((p) => !ignored.has(p));
}

/** Moves a hook lore no longer runs into <common>/lore/replaced-hooks, so no one's bytes are lost. */
function keepAside(path: string, common: string): void {
  const dir = join(common, 'lore', 'replaced-hooks');
  mkdirSync(dir, { recursive: true });
  renameSync(path, join(dir, `${basename(path)}.${new Date().toISOString().replaceAll(':', '-')}`));
}

/** Same bytes and mode, or two symlinks to the same place. */
function isSameHook(a: string, b: string): boolean {
  const sa = lstatOrUndefined(a);
  const sb = lstatOrUndefined(b);
  if (!sa || !sb) return false;
  if (sa.isSymbolicLink() || sb.isSymbolicLink()) return sa.isSymbolicLink() && sb.isSymbolicLink() && readlinkSync(a) === readlinkSync(b);
  return sa.isFile() && sb.isFile() && (sa.mode & 0o7777) === (sb.mode & 0o7777) && readFileSync(a).equals(readFileSync(b));
}

/** Ours: a regular file with our marker. Never a symlink: following one could read or write outside the repository. */
function isOurs(path: string): boolean {
  return lstatOrUndefined(path)?.isFile() === true && (readOrUndefined(path) ?? '').includes(MARKER);
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // not there, or not empty
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
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
  return /^(?:\[ .* \] \|\| )?(?:node='.*' )?worker='(.*)'(?: \. .*)?$/m.exec(text)?.[1]?.replaceAll(`'\\''`, "'");
}
