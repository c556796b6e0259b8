import { posix, win32 } from 'node:path';
import { childProcess, fsPromises } from '../builtins.js';

/**
 * Maps the working directory found inside a transcript to the repository it belongs to
 * (`git rev-parse --show-toplevel`, realpath), and edit paths to repo-relative ones. A cwd that is
 * not in a repository (or no longer exists) keeps the cwd itself as the project.
 */
export interface Project {
  /** sessions.project_path: the repository top (realpath), else the cwd as written. */
  path: string;
  isRepo: boolean;
  /** The same top as the transcript spells it (through symlinks such as /tmp → /private/tmp). */
  aliases: string[];
}

export type ProjectResolver = (cwd: string | undefined) => Promise<Project>;

const UNKNOWN: Project = { path: '', isRepo: false, aliases: [] };

/** A resolver with a per-run cache: git runs once per distinct cwd. */
export function projectResolver(): ProjectResolver {
  const cache = new Map<string, Promise<Project>>();
  return (cwd) => {
    if (!cwd) return Promise.resolve(UNKNOWN);
    let p = cache.get(cwd);
    if (!p) cache.set(cwd, (p = resolveProject(cwd)));
    return p;
  };
}

async function resolveProject(cwd: string): Promise<Project> {
  if (isWindowsPath(cwd) && process.platform !== 'win32') return { path: cwd, isRepo: false, aliases: [] };
  const real = await fsPromises().realpath(cwd).catch(() => undefined);
  if (!real) return { path: cwd, isRepo: false, aliases: [] };
  const top = await showToplevel(real);
  if (!top) return { path: cwd, isRepo: false, aliases: cwd === real ? [] : [real] };
  const root = await fsPromises().realpath(top).catch(() => top);
  const aliases = new Set<string>([root, top]);
  // cwd as written = <logical top>/<sub>: strip the same sub to get the top as the transcript spells it.
  const sub = posix.relative(root, real);
  if (sub === '') aliases.add(trimSlash(cwd));
  else if (!sub.startsWith('..') && trimSlash(cwd).endsWith(`/${sub}`)) aliases.add(trimSlash(cwd).slice(0, -(sub.length + 1)));
  return { path: root, isRepo: true, aliases: [...aliases].sort((a, b) => b.length - a.length) };
}

// git itself, not src/git: src/git uses this folder's redaction, and one git call is all we need.
function showToplevel(dir: string): Promise<string> {
  return new Promise((resolve) => {
    childProcess().execFile('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout) =>
      resolve(err ? '' : stdout.trim()),
    );
  });
}

/**
 * An edit path as stored: repo-relative when it lies inside the project, else absolute. A
 * relative path is taken from `cwd`; `..` is resolved only when the result stays inside the
 * repository (anything else keeps its absolute form, never a `../` path).
 */
export function repoRelativePath(path: string, cwd: string | undefined, project: Project): string {
  const win = isWindowsPath(path) || (cwd !== undefined && isWindowsPath(cwd));
  const p = win ? win32 : posix;
  let abs: string;
  if (p.isAbsolute(path)) abs = p.normalize(path);
  else if (cwd) abs = p.resolve(cwd, path);
  else return p.normalize(path).startsWith('..') ? path : p.normalize(path);
  if (win) abs = abs.replace(/\\/g, '/');
  if (!project.isRepo) {
    // Not a repository: relative to the cwd project when inside it.
    const base = win ? project.path.replace(/\\/g, '/') : project.path;
    return inside(abs, base) ?? abs;
  }
  for (const top of project.aliases) {
    const rel = inside(abs, top);
    if (rel !== undefined) return rel;
  }
  return abs;
}

function inside(abs: string, top: string): string | undefined {
  if (!top) return undefined;
  const t = trimSlash(top);
  if (abs.startsWith(`${t}/`)) return abs.slice(t.length + 1);
  return undefined;
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}
