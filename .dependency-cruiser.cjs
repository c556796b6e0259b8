// lore's architecture as rules (STYLE.md): each heavy library has one home, folders talk through
// their index.ts, the core never depends on the CLI, and the hook worker stays light.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true, viaOnly: { pathNot: ['^src/cli/'] } } },
    { name: 'sqlite-only-in-db', comment: 'better-sqlite3 and sqlite-vec (and SQL) live in src/db only', severity: 'error', from: { path: '^src/', pathNot: '^src/db/' }, to: { path: 'node_modules/(better-sqlite3|sqlite-vec)/' } },
    { name: 'ts-morph-only-in-code', severity: 'error', from: { path: '^src/', pathNot: '^src/code/' }, to: { path: 'node_modules/(ts-morph|typescript)/' } },
    { name: 'chokidar-only-in-watch', severity: 'error', from: { path: '^src/', pathNot: '^src/watch/' }, to: { path: 'node_modules/chokidar/' } },
    { name: 'simple-git-only-in-git', severity: 'error', from: { path: '^src/', pathNot: '^src/git/' }, to: { path: 'node_modules/simple-git/' } },
    { name: 'yargs-only-in-cli', severity: 'error', from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: 'node_modules/(yargs|cli-progress)/' } },
    { name: 'core-not-to-cli', comment: 'the core returns results; only src/cli renders', severity: 'error', from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: '^src/cli/' } },
    {
      name: 'folders-through-index',
      comment: 'reach into another folder only through its index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'hook-worker-stays-light',
      comment: 'the code a git hook starts imports neither yargs nor ts-morph nor chokidar',
      severity: 'error',
      from: { path: '^src/pipeline/hook-worker\\.ts$' },
      to: { path: 'node_modules/(yargs|ts-morph|typescript|chokidar|cli-progress)/', reachable: true },
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
