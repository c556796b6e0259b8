import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../yaml.js';

/**
 * Packages of an npm/yarn/pnpm workspace, by name → repo-relative directory ('' for the root
 * package, which can import itself by name). Read from the root package.json `workspaces` and
 * pnpm-workspace.yaml `packages`, matched against tracked package.json files, so resolution works
 * the same whether or not node_modules is installed.
 */
export function readWorkspaces(root: string, tracked: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const rootPkg = readJson(join(root, 'package.json'));
  const patterns: string[] = [];
  const ws = rootPkg?.workspaces as unknown;
  if (Array.isArray(ws)) patterns.push(...ws.filter((p): p is string => typeof p === 'string'));
  else if (ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)) {
    patterns.push(...((ws as { packages: unknown[] }).packages.filter((p): p is string => typeof p === 'string')));
  }
  if (tracked.includes('pnpm-workspace.yaml')) {
    try {
      const doc = parseYaml(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: unknown } | null;
      if (Array.isArray(doc?.packages)) patterns.push(...doc.packages.filter((p): p is string => typeof p === 'string'));
    } catch {
      // a broken pnpm-workspace.yaml: pnpm refuses it too; resolve without workspaces
    }
  }
  const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  if (include.length > 0) {
    for (const file of tracked) {
      if (!file.endsWith('/package.json') || file.includes('node_modules/')) continue;
      const dir = file.slice(0, -'/package.json'.length);
      if (!include.some((r) => r.test(dir)) || exclude.some((r) => r.test(dir))) continue;
      const name = readJson(join(root, file))?.name;
      if (typeof name === 'string' && !out.has(name)) out.set(name, dir);
    }
  }
  // A package may import itself by name through its own `exports` (TypeScript's self-name resolution).
  if (typeof rootPkg?.name === 'string' && rootPkg.exports !== undefined && !out.has(rootPkg.name)) out.set(rootPkg.name, '');
  return out;
}

/** A workspace glob (`packages/*`, `apps/**`, `./libs/x`) as a regular expression over directories. */
export function globToRegExp(glob: string): RegExp {
  const clean = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    if (c === '*' && clean[i + 1] === '*') {
      re += '.*';
      i++;
      if (clean[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
