// Node built-ins that most runs of `lore why` and of the context hook never call, got where they
// are called: an import at the top of a module loads a built-in on every start, whether or not
// the run uses it, and these cost more to load than anything else lore's start-up does
// (docs/start-up.md). Shared by every folder, like fs.ts.

/** node:child_process, loaded on first use. */
export const childProcess = (): typeof import('node:child_process') => process.getBuiltinModule('node:child_process');

/** node:crypto, loaded on first use. */
export const crypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto');

/** node:fs/promises, loaded on first use (it loads readline too; a query reads files synchronously). */
export const fsPromises = (): typeof import('node:fs/promises') => process.getBuiltinModule('node:fs/promises');

/** node:worker_threads, loaded on first use (`lore ingest`'s read thread; bin.ts runs every command). */
export const workerThreads = (): typeof import('node:worker_threads') => process.getBuiltinModule('node:worker_threads');

/**
 * Milliseconds from an arbitrary start, as performance.now() gives them: the global `performance`
 * loads Node's perf_hooks (eleven modules) on its first use, and a timing needs none of them.
 */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
