// The database's public surface: the only module outside src/db that other folders import.
export { openDb, type Db, type OpenOptions } from './open.js';
export { migrate, loadMigrations, latestVersion, migrationBackups, type Migration, type MigrateOptions } from './migrate.js';
export * from './commits.js';
export * from './hook-events.js';
export * from './health.js';
export * from './sessions.js';
export * from './links.js';
export { openForeignStore, ForeignStoreError, type ForeignStore, type ForeignStoreOptions, type ForeignStoreProblem } from './foreign-store.js';
export * from './vectors.js';
export * from './search.js';
export * from './knowledge.js';
export * from './code-graph.js';
