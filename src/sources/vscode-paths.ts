import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { SourceEnv } from './types.js';

/** The variables vscodeUserDirs() honours, for the envOverrides of the adapters that use it. */
export const VSCODE_ENV = ['VSCODE_PORTABLE', 'VSCODE_APPDATA', 'XDG_CONFIG_HOME', 'APPDATA'] as const;

/**
 * Where VS Code-family editors (Code, Insiders, VSCodium, Cursor, Windsurf) keep their `User` dir,
 * following VS Code's own rules (src/vs/platform/environment/node/userDataPath.ts): portable mode
 * (`VSCODE_PORTABLE`), then `VSCODE_APPDATA`, then the platform default: `%APPDATA%` on Windows,
 * `~/Library/Application Support` on macOS, `$XDG_CONFIG_HOME` or `~/.config` on Linux. Remote
 * servers keep theirs in `~/.vscode-server/data/User`.
 */
export function vscodeUserDirs(senv: SourceEnv, apps: string[]): string[] {
  const { env, home, platform } = senv;
  const dirs: string[] = [];
  if (env.VSCODE_PORTABLE) dirs.push(join(env.VSCODE_PORTABLE, 'user-data', 'User'));
  const roots: string[] = [];
  if (env.VSCODE_APPDATA) roots.push(env.VSCODE_APPDATA);
  if (platform === 'win32') roots.push(env.APPDATA || join(home, 'AppData', 'Roaming'));
  else if (platform === 'darwin') roots.push(join(home, 'Library', 'Application Support'));
  else roots.push(env.XDG_CONFIG_HOME || join(home, '.config'));
  for (const root of roots) for (const app of apps) dirs.push(join(root, app, 'User'));
  if (platform !== 'win32') {
    const servers: Record<string, string> = { Code: '.vscode-server', 'Code - Insiders': '.vscode-server-insiders', Cursor: '.cursor-server', VSCodium: '.vscodium-server' };
    for (const app of apps) if (servers[app]) dirs.push(join(home, servers[app]!, 'data', 'User'));
  }
  return unique(dirs);
}

/** Entries of a directory, or none when it is missing or unreadable. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The folder a VS Code workspace storage dir belongs to, from its `workspace.json`:
 * `{"folder": "file:///abs"}`, or `{"workspace": "file:///x.code-workspace"}` (multi-root: the
 * first folder of that file). Undefined when absent or unreadable.
 */
export function workspaceFolder(workspaceStorageDir: string): string | undefined {
  try {
    const data = JSON.parse(readFileSync(join(workspaceStorageDir, 'workspace.json'), 'utf8')) as { folder?: unknown; workspace?: unknown };
    if (typeof data.folder === 'string') return uriToPath(data.folder);
    if (typeof data.workspace === 'string') {
      const file = uriToPath(data.workspace);
      if (!file) return undefined;
      try {
        const ws = JSON.parse(readFileSync(file, 'utf8')) as { folders?: Array<{ path?: string; uri?: string }> };
        const first = ws.folders?.[0];
        if (first?.path) return isAbsolute(first.path) ? first.path : resolve(dirname(file), first.path);
        if (first?.uri) return uriToPath(first.uri);
      } catch {
        return undefined;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * A VS Code URI as a path: `file:///home/u/p` → `/home/u/p`, `file:///c%3A/Users/u` → `c:\Users\u`,
 * `vscode-remote://wsl%2Bubuntu/home/u/p` → `/home/u/p` (the path on the remote side).
 */
function uriToPath(uri: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(uri);
  if (!m) return isAbsolute(uri) ? uri : undefined;
  let path: string;
  try {
    path = decodeURIComponent(m[3] ?? '/');
  } catch {
    return undefined;
  }
  const drive = /^\/([a-zA-Z]):(\/.*)?$/.exec(path);
  if (drive) return `${drive[1]}:${(drive[2] ?? '/').replace(/\//g, '\\')}`;
  if (m[1]!.toLowerCase() === 'file' && m[2]) return `//${m[2]}${path}`; // UNC share
  return path;
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** ms since the epoch (number or numeric string) or an ISO string → ISO 8601 UTC; undefined otherwise. */
export function toIso(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const d = new Date(value < 1e11 ? value * 1000 : value);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof value === 'string' && value) {
    if (/^\d+$/.test(value)) return toIso(Number(value));
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  return undefined;
}
