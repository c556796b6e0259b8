/**
 * Labelled pairs for prior-art similarity: a new decision sentence, an earlier text (a decision,
 * a learning or a commit message) and whether the earlier one says much the same. Positives are
 * paraphrases (other words, inflections, order, extra detail); negatives are unrelated choices
 * that share the generic vocabulary of code decisions (cache, database, tests, use, because).
 * Written before the threshold was chosen (test/link/prior-art.test.ts measures on them).
 */
export interface LabelledPair {
  decision: string;
  earlier: string;
  kind: 'decision' | 'learning' | 'commit';
  same: boolean;
}

export const PAIRS: LabelledPair[] = [
  // Paraphrases that should match.
  { decision: 'I will use an LRU cache instead of a Map because memory must stay bounded here too.', earlier: 'We chose an LRU cache instead of a plain Map because memory must stay bounded.', kind: 'decision', same: true },
  { decision: 'Use better-sqlite3 rather than node:sqlite because its API is synchronous.', earlier: 'We went with better-sqlite3 instead of the built-in node:sqlite module since synchronous calls keep the code simple.', kind: 'decision', same: true },
  { decision: 'We decided to parse git log -z output ourselves instead of using simple-git, because the wrapper is too slow for backfills.', earlier: 'Backfill: parse `git log -z` directly; simple-git wrappers were several times slower on large histories.', kind: 'commit', same: true },
  { decision: 'Keep the hook a POSIX sh shim because spawning node on every commit costs too much.', earlier: 'The post-commit hook stays a plain sh script: starting node for each commit was too slow.', kind: 'learning', same: true },
  { decision: 'I chose to redact secrets before writing to the database rather than at display time.', earlier: 'Secrets are redacted before anything is written to the database, never only when displayed.', kind: 'learning', same: true },
  { decision: 'We opted for WAL mode with a busy timeout instead of retrying on SQLITE_BUSY ourselves.', earlier: 'Open the database in WAL journal mode and set busy_timeout rather than writing our own retry loop for busy errors.', kind: 'decision', same: true },
  { decision: 'Switched to chokidar because fs.watch misses renames on macOS.', earlier: 'Use chokidar instead of fs.watch: renamed files were not reported on macOS.', kind: 'decision', same: true },
  { decision: 'Store timestamps as ISO 8601 UTC strings rather than local time, because sorting must work across machines.', earlier: 'Timestamps are stored as UTC ISO-8601 strings so that ordering is consistent between machines.', kind: 'learning', same: true },
  { decision: 'We went with yargs instead of commander because of its built-in shell completion.', earlier: 'Pick yargs over commander: it ships shell completion out of the box.', kind: 'decision', same: true },
  { decision: 'Decided to run migrations inside one transaction each, rather than all at once, so a failure leaves the database unchanged.', earlier: 'Each migration runs in its own transaction; a failed migration leaves the database as it was.', kind: 'commit', same: true },
  { decision: 'Use esbuild rather than tsc for the bundle because startup time matters for the CLI.', earlier: 'Bundle the CLI with esbuild instead of compiling with tsc: a bundled entry starts much faster.', kind: 'commit', same: true },
  { decision: 'I picked feature hashing for embeddings instead of a downloaded model, because lore must work offline.', earlier: 'Embeddings use hashed n-gram features, not a downloaded model, so everything works offline.', kind: 'decision', same: true },
  { decision: 'We chose to debounce watcher events into batches rather than run a catch-up per file event.', earlier: 'The watcher debounces file events and runs one batch for a burst instead of one catch-up per event.', kind: 'learning', same: true },
  { decision: 'Rather than mocking the database in tests, we use a real temporary SQLite file.', earlier: "Don't mock the database in these tests; use a real temp SQLite file.", kind: 'learning', same: true },
  { decision: 'Went with reciprocal rank fusion instead of adding raw scores, because BM25 and cosine scales differ.', earlier: 'Fuse BM25 and vector rankings by reciprocal rank rather than summing scores: the two scales are not comparable.', kind: 'decision', same: true },
  { decision: 'Keep the worker detached with setsid because Ctrl-C in the terminal must not kill it.', earlier: 'Start the hook worker detached (setsid) so a Ctrl-C in the terminal does not reach it.', kind: 'commit', same: true },
  { decision: 'We decided to chain an existing foreign hook instead of overwriting it.', earlier: 'Never overwrite a foreign git hook: keep it and run it first (chained).', kind: 'learning', same: true },
  { decision: 'Trade-off: we read transcripts incrementally from a byte offset instead of re-reading whole files, at the cost of a cursor table.', earlier: 'Transcripts are read incrementally from the last byte offset stored in a cursor, not re-read from the start.', kind: 'decision', same: true },

  // Unrelated choices that share generic words: must not match.
  { decision: 'I will use an LRU cache instead of a Map because memory must stay bounded here too.', earlier: 'We chose Postgres instead of MySQL because the team knows it better.', kind: 'decision', same: false },
  { decision: 'I will use an LRU cache instead of a Map because memory must stay bounded here too.', earlier: 'Cache the resolved tsconfig paths so that module resolution stays fast.', kind: 'commit', same: false },
  { decision: 'Use better-sqlite3 rather than node:sqlite because its API is synchronous.', earlier: 'We use async fs calls in the watcher because blocking the event loop drops events.', kind: 'decision', same: false },
  { decision: 'Use better-sqlite3 rather than node:sqlite because its API is synchronous.', earlier: 'Add a sqlite index on commits(project_path, time) for the why query.', kind: 'commit', same: false },
  { decision: 'Keep the hook a POSIX sh shim because spawning node on every commit costs too much.', earlier: 'Commit messages are stored as messages too, so one search covers chats and commits.', kind: 'learning', same: false },
  { decision: 'Keep the hook a POSIX sh shim because spawning node on every commit costs too much.', earlier: 'We chose node 20 as the minimum version because of the stable test runner.', kind: 'decision', same: false },
  { decision: 'We opted for WAL mode with a busy timeout instead of retrying on SQLITE_BUSY ourselves.', earlier: 'Set a timeout on the HTTP embedding requests instead of waiting forever.', kind: 'decision', same: false },
  { decision: 'Switched to chokidar because fs.watch misses renames on macOS.', earlier: 'Follow renames with git log --follow so the origin commit is found.', kind: 'commit', same: false },
  { decision: 'Store timestamps as ISO 8601 UTC strings rather than local time, because sorting must work across machines.', earlier: 'Sort search hits by fused score rather than by date.', kind: 'decision', same: false },
  { decision: 'We went with yargs instead of commander because of its built-in shell completion.', earlier: 'Bash completion script added for the lore command.', kind: 'commit', same: false },
  { decision: 'Decided to run migrations inside one transaction each, rather than all at once, so a failure leaves the database unchanged.', earlier: 'A failed hook must leave the commit unchanged and exit 0.', kind: 'learning', same: false },
  { decision: 'Use esbuild rather than tsc for the bundle because startup time matters for the CLI.', earlier: 'Use tsc --noEmit for typechecking in CI rather than a separate lint step.', kind: 'decision', same: false },
  { decision: 'I picked feature hashing for embeddings instead of a downloaded model, because lore must work offline.', earlier: 'The patch-id is a hash of the diff, so a rebased commit keeps its links.', kind: 'learning', same: false },
  { decision: 'We chose to debounce watcher events into batches rather than run a catch-up per file event.', earlier: 'Run a catch-up before every query so the index is never stale.', kind: 'decision', same: false },
  { decision: 'Rather than mocking the database in tests, we use a real temporary SQLite file.', earlier: 'Tests use a temporary HOME so that the real home directory is never read.', kind: 'learning', same: false },
  { decision: 'Went with reciprocal rank fusion instead of adding raw scores, because BM25 and cosine scales differ.', earlier: 'Rank tool output below prompts because tool results crowd out the answers.', kind: 'decision', same: false },
  { decision: 'Keep the worker detached with setsid because Ctrl-C in the terminal must not kill it.', earlier: 'The terminal progress bar is hidden when stderr is not a TTY.', kind: 'commit', same: false },
  { decision: 'We decided to chain an existing foreign hook instead of overwriting it.', earlier: 'Overwrite the cached import graph entry when the file content hash changes.', kind: 'decision', same: false },
  { decision: 'Trade-off: we read transcripts incrementally from a byte offset instead of re-reading whole files, at the cost of a cursor table.', earlier: 'Large files are skipped by the import graph instead of being parsed whole.', kind: 'learning', same: false },
  { decision: 'We chose to store one database for all repositories instead of one per repository, so prior art can cross repos.', earlier: 'Each repository gets its own hook queue file under .git/lore.', kind: 'commit', same: false },
  { decision: 'Use a fixed seed for the fuzz tests rather than a random one, so CI failures reproduce.', earlier: 'Use a random port for the test server rather than a fixed one, so parallel runs do not collide.', kind: 'decision', same: false },
  { decision: 'We decided to keep learnings stale-flagged instead of deleting them when files change.', earlier: 'Never delete a session from the database because its transcript file disappeared.', kind: 'learning', same: false },
];
