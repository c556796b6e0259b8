/**
 * The one interface every AI-tool adapter implements (one file per tool, see registry.ts).
 * An adapter finds its tool's files and turns them into normalized records. It reads only its own
 * files: no database, no console, no network. Where each tool keeps its files: docs/sources.md;
 * how to add one: docs/adding-a-source.md and _template.ts.
 */
/**
 * An adapter's id, kebab-case ('claude-code'): the prefix of its session and message ids. A plain
 * string so that a new adapter is one new file; the registry test checks the ids are unique.
 */
export type SourceId = string;

export type Role = 'user' | 'assistant' | 'system' | 'tool';

/** What kind of message this is, stored as messages.metadata.kind. */
export type MessageKind = 'prompt' | 'text' | 'thinking' | 'tool_call' | 'tool_result' | 'meta';

export interface SourceEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  /** Repositories lore knows (for tools that keep history inside the repo, such as Aider). */
  knownRepos: string[];
  /**
   * The repository a query is about. A tool that files its transcripts by the folder a session
   * started in (Claude Code) then locates only the sessions started in it, below it or above it;
   * the others wait for an ingest without a scope (the hook worker, `lore watch`, `lore ingest`,
   * `lore search`). Tools that do not file by folder ignore it.
   */
  scope?: string;
}

/** Where reading a file stopped; the ingest layer stores it and hands it back next time. */
export interface Cursor {
  /** Byte offset just past the last complete record consumed. */
  offset: number;
  size: number;
  mtimeMs: number;
  /** Hash of the file's first bytes: when it changes the file was rewritten, read it again whole. */
  headHash?: string;
  /** Adapter-specific resume state (current turn, line number, ...). JSON-serializable. */
  state?: unknown;
}

/**
 * The most of a title a reader keeps in its cursor state: far more than is stored, so a secret
 * that reaches the stored part is still whole when ingest redacts the title before cutting it.
 */
export const TITLE_KEPT_MAX = 10_000;

export interface SessionRecord {
  /** `<tool>:<native session id>`: deterministic, so re-reading is idempotent. */
  id: string;
  source: SourceId;
  /** Working directory found inside the data (never guessed from a directory slug). */
  cwd?: string;
  /** Uncut (a first line, a whole first prompt): ingest redacts it, then cuts it to length. */
  title?: string;
  createdAt?: string; // ISO 8601
  metadata?: Record<string, unknown>;
}

export interface MessageRecord {
  /** `<tool>:<native session id>:<native message id or line key>`. */
  id: string;
  sessionId: string;
  role: Role;
  kind: MessageKind;
  content: string;
  createdAt?: string; // ISO 8601
  metadata?: Record<string, unknown>;
}

export interface FileEditRecord {
  /** `<message id>#<n>`. */
  id: string;
  sessionId: string;
  /** The message carrying the tool call. */
  messageId?: string;
  /** The human prompt (kind 'prompt') that started the turn in which the edit happened. */
  requestId?: string;
  /** As the tool wrote it: absolute, or relative to `cwd`. The ingest layer makes it repo-relative. */
  path: string;
  cwd?: string;
  tool: string;
  oldText?: string;
  newText?: string;
  /**
   * The change as the tool applied it, when the transcript records it: unified-diff hunks (`@@`
   * headers, then lines starting ` `, `-`, `+`). Whole lines, where old/new text are often
   * fragments of a line; linking prefers them (Claude Code's structuredPatch, Codex's patches).
   */
  patch?: string;
  createdAt?: string;
  /** Tool-specific facts: { replaceAll }, { part } of a MultiEdit, { failed: true } when the call was rejected. */
  metadata?: Record<string, unknown>;
}

/**
 * What read() yields. Contract with the ingest layer (src/ingest/run.ts):
 * - a 'session' record comes before that session's messages and edits in every read() call
 *   (also when resuming from a cursor), so the session can be mapped to its repository; a later
 *   'session' record for the same id updates it (title, metadata);
 * - a message id yielded again replaces the earlier content (streamed messages grow);
 * - 'checkpoint' says all records before it are complete; the consumer stores its cursor (with
 *   `state`, serialized at once, so the adapter may keep mutating the same state object) together
 *   with those records, and the next read() starts from it. Yield one after each line or record;
 *   yield a last one at the end. `size`/`mtimeMs`/`headHash` are filled in by the consumer.
 */
export type SourceRecord =
  | { kind: 'session'; session: SessionRecord }
  | { kind: 'message'; message: MessageRecord }
  | { kind: 'edit'; edit: FileEditRecord }
  /** A malformed or unusable record: skipped, counted, reported with file and line. */
  | { kind: 'skip'; line?: number; reason: string }
  /** Everything before this point has been yielded: safe to store and resume from here. */
  | { kind: 'checkpoint'; cursor: Cursor };

/** A directory a tool writes its transcripts into, existing or not yet. */
export interface SourceRoot {
  path: string;
  /** How many directory levels below it the tool's files sit. */
  depth: number;
}

export interface SourceAdapter {
  id: SourceId;
  /** Human name for tables: 'Claude Code'. */
  name: string;
  /**
   * Environment variables that move this tool's files (CLAUDE_CONFIG_DIR, XDG_CONFIG_HOME...).
   * `lore watch --install-service` carries them into the service, so it watches where the user's
   * shell would look.
   */
  envOverrides: readonly string[];
  /**
   * The directories its transcripts live in on `env.platform`, honouring `envOverrides`. locate()
   * looks only below these and `lore watch` watches exactly these, so one list serves both and they
   * cannot disagree. Empty for tools whose files live inside repositories (`inRepository`).
   */
  watchRoots(env: SourceEnv): SourceRoot[];
  /**
   * Files below the watch roots whose change means new transcript data, by name: the watcher
   * ingests on these and ignores the rest. Include a SQLite store's `-wal` (written first), never
   * its `-shm` (every reader touches it, lore's own reads too).
   */
  watchedFiles: RegExp;
  /** Files or stores to read, found below watchRoots(env) (or in env.knownRepos when inRepository). */
  locate(env: SourceEnv): Promise<string[]>;
  /**
   * Its transcripts live inside repositories (Aider's history files), where `lore watch` does not
   * follow them live: commands read them even while a watcher runs.
   */
  inRepository?: boolean;
  /**
   * Commit-message patterns that name this tool: trailers (`Co-Authored-By: Claude`), a subject
   * prefix (`aider: `), a `Generated with ...` line. The link stage credits a commit to the first
   * adapter in the registry whose pattern matches.
   */
  commitMarkers?: readonly RegExp[];
  /**
   * Author or committer names that name this tool (Aider commits as `Name (aider)`). Tried after
   * every adapter's commitMarkers.
   */
  authorMarkers?: readonly RegExp[];
  /** Whether `path` is one of this adapter's files (for `lore ingest PATH`). */
  matches(path: string): boolean;
  /** Reads from `from` (undefined: from the start). Must never throw for bad data: yield 'skip'. */
  read(file: string, from: Cursor | undefined): AsyncIterable<SourceRecord>;
}
