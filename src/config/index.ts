// Where lore keeps its files and what its config file says. Low level: imports only the kernel
// (src/errors.ts, src/fs.ts) and node built-ins, so any folder may import it. The code cache's
// folder is in cache-dir.ts, which only src/cli/bin.ts imports, directly (see there why).
export { configPath, homeOf, resolveDbPath } from './paths.js';
export { isExcluded, loadConfig, type EmbedSettings, type LoreConfig } from './load-config.js';
