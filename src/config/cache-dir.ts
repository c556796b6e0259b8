import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

// Not in paths.ts and not re-exported by index.ts: src/cli/bin.ts imports it directly on every
// start, and dist/cli.cjs holds all that bin.ts imports; through index.ts every start would load
// the rest of src/config too (docs/performance.md, "Storage").

/**
 * Where code caches live: $XDG_CACHE_HOME/lore, else ~/.cache/lore (apart from the data: deleting
 * it loses nothing). A relative XDG_CACHE_HOME is ignored, as the XDG spec says: it would put the
 * cache in whatever directory lore runs in.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache'), 'lore');
}
