// lore's architecture as rules (STYLE.md, docs/architecture.md). The code flows one way:
//   entry points (cli, workers, mcp) → use cases (app) → stages (sources, ingest, git, code, link,
//   embed, watch, query) → storage (db) → kernel (errors, events, fs, yaml; config)
// Each heavy library has one home, folders talk through their index.ts, and the hook worker
// stays light.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true, viaOnly: { pathNot: ['^src/cli/'] } } },
    { name: 'sqlite-only-in-db', comment: 'better-sqlite3 and sqlite-vec (and SQL) live in src/db only', severity: 'error', from: { path: '^src/', pathNot: '^src/db/' }, to: { path: 'node_modules/(better-sqlite3|sqlite-vec)/' } },
    { name: 'ts-morph-only-in-code', severity: 'error', from: { path: '^src/', pathNot: '^src/code/' }, to: { path: 'node_modules/(ts-morph|typescript)/' } },
    { name: 'chokidar-only-in-watch', severity: 'error', from: { path: '^src/', pathNot: '^src/watch/' }, to: { path: 'node_modules/chokidar/' } },
    {
      name: 'mcp-sdk-only-in-mcp',
      comment: 'the MCP SDK and zod (its schemas) live in src/mcp, which only `lore mcp` loads',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/mcp/' },
      to: { path: 'node_modules/(@modelcontextprotocol|zod)/' },
    },
    { name: 'yargs-only-in-cli', severity: 'error', from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: 'node_modules/(yargs|cli-progress)/' } },
    {
      name: 'every-folder-has-a-layer',
      comment: 'a new folder in src/ takes its place in the flow: add it to a layer below (and to docs/architecture.md)',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(cli|workers|mcp|app|sources|ingest|git|code|link|share|embed|watch|query|db|config)/', '^src/[^/]+\\.ts$'] },
      to: {},
    },
    {
      name: 'cli-to-app-only',
      comment:
        "a command parses, calls a use case through app/index.ts, and renders: reaching past it means the command does the application's work, or app's surface misses something (type imports too: app re-exports what the renderers need)",
      severity: 'error',
      from: { path: '^src/cli/' },
      // src/mcp/index.ts: `lore mcp` hands its process to the MCP server, another entry point.
      // src/repo-dir.ts and src/read-thread.ts: the blame `lore why FILE:LINE` and the read worker `lore ingest` start before app's code has loaded.
      to: { path: '^src/', pathNot: ['^src/cli/', '^src/app/index\\.ts$', '^src/(errors|events|repo-dir|read-thread)\\.ts$', '^src/config/', '^src/mcp/index\\.ts$'] },
    },
    {
      name: 'mcp-to-app-only',
      comment: 'the MCP server is an entry point like the CLI: it validates a tool call, runs a use case through app/index.ts, and renders the result',
      severity: 'error',
      from: { path: '^src/mcp/' },
      to: { path: '^src/', pathNot: ['^src/mcp/', '^src/app/index\\.ts$', '^src/(errors|events)\\.ts$', '^src/config/'] },
    },
    {
      name: 'workers-to-app-only',
      comment: 'a worker is a process entry point: it parses its command line and runs one use case of src/app (the kernel aside)',
      severity: 'error',
      from: { path: '^src/workers/' },
      to: { path: '^src/', pathNot: ['^src/(workers|app)/', '^src/[^/]+\\.ts$', '^src/config/'] },
    },
    { name: 'app-not-to-entry-points', comment: 'use cases return results; only entry points parse argv and render', severity: 'error', from: { path: '^src/app/' }, to: { path: '^src/(cli|workers|mcp)/' } },
    {
      name: 'stages-not-to-app',
      comment: 'a stage does one step of the flow and knows nothing of the use cases that combine the steps, nor of the entry points',
      severity: 'error',
      from: { path: '^src/(sources|ingest|git|code|link|share|embed|watch|query)/' },
      to: { path: '^src/(app|cli|workers|mcp)/' },
    },
    {
      name: 'storage-imports-no-stage',
      comment: 'src/db stores what the stages hand it: it imports only the kernel (and config)',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: ['^src/db/', '^src/[^/]+\\.ts$', '^src/config/'] },
    },
    {
      name: 'kernel-imports-kernel',
      comment: 'errors, events, fs, yaml and config are the ground floor: anything may import them, they import only each other',
      severity: 'error',
      from: { path: ['^src/[^/]+\\.ts$', '^src/config/'] },
      to: { path: '^src/', pathNot: ['^src/[^/]+\\.ts$', '^src/config/'] },
    },
    {
      name: 'folders-through-index',
      comment:
        'reach into another folder only through its index.ts; but a worker loads the one use case it runs straight from its file, so the hook worker never loads what app/index.ts reaches (the import graph, TypeScript)',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/workers/' },
      // cache-dir.ts: the CLI's entry reads it before anything loads; through index.ts it would cost chunks.
      to: { path: '^src/([^/]+)/', pathNot: ['^src/$1/', '^src/[^/]+/index\.ts$', '^src/config/cache-dir\.ts$'] },
    },
    {
      name: 'hook-worker-stays-light',
      comment: 'the code a git hook starts imports neither yargs nor ts-morph nor chokidar',
      severity: 'error',
      from: { path: '^src/workers/hook-worker\\.ts$' },
      to: { path: 'node_modules/(yargs|ts-morph|typescript|chokidar|cli-progress|@modelcontextprotocol|zod)/', reachable: true },
    },
    { name: 'no-dep-on-test', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|bench)/' } },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
