import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { learn, learnings, pendingWork, refresh, related, repositoryOf, search, sessions, showSession, why, type Pending, type Place } from '../app/index.js';
import { LoreError, NotAGitRepoError, StorageError, UsageError } from '../errors.js';
import type { Reporter } from '../events.js';
import { learningLine, learningsText, relatedText, searchText, sessionsText, sessionText, whyText } from './render.js';

export interface McpOptions {
  /** The directory the server was started in (`-C`), and the database (`--db`). */
  place: Place;
  version: string;
  /**
   * How long a tool call waits for the catch-up it started before answering from what is stored
   * (default 1 s): enough for new commits and chat lines, not for a backlog.
   */
  budgetMs?: number;
  /** Lines for the client's log (stderr: stdout carries the protocol). */
  log?: (line: string) => void;
}

/** What a pending note is about: each tool shows the notes that bear on its answer. */
type Topic = 'index' | 'details' | 'graph' | 'vectors';

interface Note {
  topic: Topic;
  text: string;
}

/**
 * The catch-up between answers: one at a time (concurrent calls share it), each call waiting for it
 * at most `budgetMs`, then answering from what is stored with a note of what is not there yet.
 */
class Freshness {
  private running: Promise<void> | undefined;
  private pending: Pending | undefined;
  private backfillAsked = false;

  constructor(
    private readonly place: () => Place,
    private readonly budgetMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts a catch-up (or joins the running one), waits for it up to the budget, and says what is missing. */
  async settle(): Promise<Note[]> {
    const run = this.start();
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([run.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.budgetMs)))]);
    clearTimeout(timer);
    return notesOf(done ? this.pending : undefined, !done);
  }

  private start(): Promise<void> {
    this.running ??= (async () => {
      const report: Reporter = Object.assign((e: Parameters<Reporter>[0]) => (e.type === 'warning' ? this.log(`warning: ${e.message}`) : undefined), { rendersProgress: false });
      try {
        // One backfill worker per server at most: it takes what `lore index` leaves to it.
        const r = await refresh(this.place(), report, { backfill: !this.backfillAsked });
        if (r.backfillStarted) this.backfillAsked = true;
        this.pending = r;
      } catch (err) {
        // The answer reports it: the use case meets the same error (a damaged database, no repository).
        this.pending = undefined;
        this.log(`catch-up failed: ${(err as Error)?.message ?? String(err)}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}

function notesOf(p: Pending | undefined, stillRunning: boolean): Note[] {
  const notes: Note[] = [];
  if (stillRunning) {
    notes.push({ topic: 'index', text: 'lore is still catching up with this repository (new commits, chat transcripts); this answer is from what was stored before' });
  }
  if (!p) return notes;
  if (p.commits === 0 && !stillRunning) notes.push({ topic: 'index', text: 'no commit of this repository is indexed yet' });
  if (p.hookEvents) notes.push({ topic: 'index', text: 'commits queued by the git hooks are not stored yet' });
  if (p.links > 0) notes.push({ topic: 'index', text: `${p.links} commits are not linked to their requests yet${p.worker.running ? '; the background worker is on it' : ''}` });
  if (p.details > 0) notes.push({ topic: 'details', text: `line counts and patch-ids of ${p.details} commits are pending (their messages are not searchable yet)${p.worker.running ? '; the background worker is on it' : ''}` });
  if (p.graphUnbuilt > 0) notes.push({ topic: 'graph', text: `the import graph is not built yet (${p.graphUnbuilt} TS/JS files): importers are unknown${p.worker.running ? '; the background worker is building it' : '; `lore index` builds it'}` });
  if (p.vectors > 0) notes.push({ topic: 'vectors', text: `${p.vectors} items have no search vector yet (they are found by their words only)` });
  return notes;
}

const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

/** A tool error the model can act on: lore's one line and its hint; anything else, its message. */
export function toolError(err: unknown, log: (line: string) => void): CallToolResult {
  err = StorageError.from(err) ?? err;
  if (err instanceof NotAGitRepoError) {
    return errorResult(`${err.message}\nhint: lore mcp serves the repository it was started in; start it there or with -C DIR (\`lore mcp --print-config CLIENT\` shows how)`);
  }
  if (err instanceof LoreError) return errorResult(`${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}`);
  log(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  return errorResult(`unexpected error in lore: ${(err as Error)?.message ?? String(err)}`);
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** A short date (YYYY-MM-DD) or ISO timestamp as an ISO bound; a span (7d, 12h, 2w) back from now. */
function dateBound(text: string, which: 'since' | 'until', now = Date.now()): string {
  const span = /^(\d+)\s*([hdw])$/.exec(text.trim());
  if (span) return new Date(now - Number(span[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[span[2] as 'h' | 'd' | 'w']).toISOString();
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dayOnly ? `${text}T${which === 'since' ? '00:00:00.000' : '23:59:59.999'}Z` : text);
  if (Number.isNaN(ms)) throw new UsageError(`${which} ${JSON.stringify(text)} is not a date`, 'use YYYY-MM-DD, an ISO 8601 timestamp, or a span such as 7d');
  return new Date(ms).toISOString();
}

/** The MCP server over lore's use cases (the same ones the CLI runs), not yet connected. */
export function createServer(options: McpOptions): { server: McpServer; adopt: (dir: string) => Promise<boolean>; answerAfter: (work: Promise<unknown>) => void } {
  const log = options.log ?? ((line: string) => process.stderr.write(`lore mcp: ${line}\n`));
  // Relative paths from a model are meant from the repository's top, whatever -C named.
  let place: Place = options.place;
  const adopt = async (dir: string): Promise<boolean> => {
    const root = await repositoryOf(dir);
    if (root) place = { ...options.place, cwd: root };
    return root !== undefined;
  };
  // Started outside a repository, the server learns which one to serve from the client's roots:
  // a call that arrives meanwhile waits for that answer rather than failing.
  let adopted: Promise<unknown> = Promise.resolve();
  const fresh = new Freshness(() => place, options.budgetMs ?? 1000, log);
  const server = new McpServer(
    { name: 'lore', title: 'lore: why code exists', version: options.version },
    {
      instructions:
        'lore knows why each file of this repository exists: the AI chat requests and commits that created and changed it, decisions taken, and learnings (rules, gotchas) that apply. Before changing a file, call `why` (or `learnings`) for it; use `search` to find past discussions; record a rule the user states with `record_learning`.',
    },
  );

  /** Runs one tool's answer: catch-up first (bounded), then the use case; errors become tool errors. */
  const answer = async (topics: Topic[] | null, work: () => Promise<{ text: string; data: object }>): Promise<CallToolResult> => {
    try {
      await adopted;
      const notes = topics ? (await fresh.settle()).filter((n) => topics.includes(n.topic)) : [];
      const { text, data } = await work();
      const pending = notes.map((n) => n.text);
      return {
        content: [{ type: 'text', text: pending.length > 0 ? `${text}\n\n${pending.map((p) => `pending: ${p}`).join('\n')}` : text }],
        structuredContent: pending.length > 0 ? { ...data, pending } : (data as Record<string, unknown>),
      };
    } catch (err) {
      return toolError(err, log);
    }
  };

  const path = z.string().min(1).describe('a file of the repository: relative to its top directory, or absolute');

  server.registerTool(
    'why',
    {
      title: 'Why does this file exist?',
      description:
        'Why a file exists: the commit and AI chat request that created it, every later change with the request behind it, decisions stated about it, learnings attached to it, and its importers. Same answer as `lore why`. Give `line` for the commit that last changed that line.',
      inputSchema: { file: path, line: z.number().int().min(1).optional().describe('a line number: explain the commit that last changed it'), all: z.boolean().optional().describe('list every change (default: the newest ten)') },
      annotations: readOnly,
    },
    ({ file, line, all }) =>
      answer(['index', 'graph'], async () => {
        const r = await why(place, line !== undefined ? `${file}:${line}` : file, silentReporter, { catchUp: false });
        return { text: whyText(r, all ?? false), data: r };
      }),
  );

  server.registerTool(
    'search',
    {
      title: 'Search chats, commits and learnings',
      description: 'Hybrid (full text + vector) search over AI chat messages, commit messages and learnings of every repository lore knows. Same as `lore search`.',
      inputSchema: {
        query: z.string().min(1).describe('words or a question'),
        limit: z.number().int().min(1).max(50).optional().describe('how many hits (default 10)'),
        kind: z.array(z.enum(['message', 'commit', 'learning'])).optional().describe('only these kinds of item'),
        source: z.array(z.string().min(1)).optional().describe('only these tools: claude-code, codex, aider, git, ...'),
        role: z.array(z.enum(['user', 'assistant', 'system', 'tool'])).optional().describe('only messages with these roles'),
        since: z.string().optional().describe('only items on or after: YYYY-MM-DD, ISO 8601, or a span such as 7d'),
        until: z.string().optional().describe('only items on or before this date'),
        file: z.string().min(1).optional().describe('only items linked to this file'),
        project: z.array(z.string().min(1)).optional().describe('only these repositories (paths; "." for this one)'),
        mode: z.enum(['hybrid', 'fts', 'vector']).optional().describe('ranking (default hybrid)'),
      },
      annotations: readOnly,
    },
    (a) =>
      answer(['index', 'details', 'vectors'], async () => {
        const r = await search(
          place,
          {
            query: a.query,
            limit: a.limit ?? 10,
            mode: a.mode ?? 'hybrid',
            ...(a.kind ? { kinds: a.kind } : {}),
            ...(a.source ? { sources: a.source } : {}),
            ...(a.role ? { roles: a.role } : {}),
            ...(a.since ? { since: dateBound(a.since, 'since') } : {}),
            ...(a.until ? { until: dateBound(a.until, 'until') } : {}),
            ...(a.file ? { file: a.file } : {}),
            ...(a.project ? { projects: a.project } : {}),
          },
          silentReporter,
          { catchUp: false },
        );
        const hits = r.hits.map((h) => ({ ...h, snippet: h.snippet.replaceAll('\u0002', '«').replaceAll('\u0003', '»') }));
        return { text: searchText(r), data: { ...r, hits } };
      }),
  );

  server.registerTool(
    'related',
    {
      title: 'Files tied to a file',
      description: 'Files tied to a file: what it imports and what imports it (transitively with depth), files changed in the same commits, files edited for the same AI requests. Same as `lore related`.',
      inputSchema: {
        file: path,
        depth: z.number().int().min(1).max(10).optional().describe('follow imports this many steps (default 1)'),
        limit: z.number().int().min(1).max(200).optional().describe('entries per list in the text (default 10)'),
      },
      annotations: readOnly,
    },
    ({ file, depth, limit }) =>
      answer(['index', 'graph'], async () => {
        const r = await related(place, file, { depth: depth ?? 1, limit: limit ?? 10, catchUp: false }, silentReporter);
        return { text: relatedText(r, limit ?? 10), data: r };
      }),
  );

  server.registerTool(
    'learnings',
    {
      title: 'Learnings (rules, gotchas)',
      description: 'Learnings of this repository (from docs/solutions, `lore learn` and chat sessions), newest first, stale ones flagged; with `file`, those attached to that file. Read them before changing the file.',
      inputSchema: { file: path.optional() },
      annotations: readOnly,
    },
    ({ file }) =>
      answer(['index'], async () => {
        const r = await learnings(place, file, silentReporter, { catchUp: false });
        return { text: learningsText(r), data: r };
      }),
  );

  server.registerTool(
    'sessions',
    {
      title: 'Stored chat sessions',
      description: 'AI chat sessions lore has stored, most recent first (ids for show_session). By default those of this repository.',
      inputSchema: {
        project: z.string().min(1).optional().describe('a repository path; default "." (this one); "*" for every repository'),
        source: z.string().min(1).optional().describe('only this tool: claude-code, codex, aider, ...'),
        since: z.string().optional().describe('only sessions active since: YYYY-MM-DD, ISO 8601, or a span such as 7d'),
        limit: z.number().int().min(1).max(500).optional().describe('at most this many (default 20)'),
      },
      annotations: readOnly,
    },
    (a) =>
      answer(['index'], async () => {
        const project = a.project === '*' ? undefined : (a.project ?? '.');
        const r = await sessions(place, { project, source: a.source, since: a.since ? dateBound(a.since, 'since') : undefined, limit: a.limit ?? 20 });
        return { text: sessionsText(r.sessions), data: r };
      }),
  );

  server.registerTool(
    'show_session',
    {
      title: 'One chat session',
      description: 'A stored chat session as a transcript: prompts, answers, tool results (clipped unless full), the file edits each made. Takes an id from sessions/why/search or a unique prefix; long sessions come in pages (offset, limit).',
      inputSchema: {
        id: z.string().min(1).describe('session id or a unique prefix'),
        offset: z.number().int().min(0).optional().describe('first message to show (default 0)'),
        limit: z.number().int().min(1).max(500).optional().describe('messages to show (default 50)'),
        full: z.boolean().optional().describe('do not clip long messages'),
      },
      annotations: readOnly,
    },
    (a) =>
      answer(['index'], async () => {
        const r = await showSession(place, a.id);
        const offset = a.offset ?? 0;
        const limit = a.limit ?? 50;
        const text = sessionText(r.session, r.messages, r.edits, { offset, limit, full: a.full ?? false });
        const shown = r.messages.slice(offset, offset + limit);
        const ids = new Set(shown.map((m) => m.id));
        return { text, data: { session: r.session, total: r.messages.length, offset, messages: shown, edits: r.edits.filter((e) => e.messageId !== null && ids.has(e.messageId)) } };
      }),
  );

  server.registerTool(
    'record_learning',
    {
      title: 'Record a learning',
      description:
        'Record a learning (a rule, a gotcha, a root cause: "X must stay pure", "never mock the database") attached to files, as `lore learn` does; it then shows in `why` and `learnings` for those files. Secrets are redacted before it is stored.',
      inputSchema: {
        text: z.string().min(1).max(4000).describe('the learning, in one or two sentences'),
        files: z.array(path).max(50).optional().describe('files it is about'),
        category: z.string().min(1).max(40).optional().describe('gotcha, convention, performance, ... (default note)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (a) =>
      answer(null, async () => {
        const info = await learn(place, a.text, a.files ?? [], a.category);
        return { text: `learned: ${learningLine(info)}${info.files.length > 0 ? ` — ${info.files.join(', ')}` : ''}`, data: info };
      }),
  );

  return { server, adopt, answerAfter: (work) => (adopted = work) };
}

const silentReporter: Reporter = Object.assign(() => {}, { rendersProgress: false });

/**
 * `lore mcp`: serves the repository of `place.cwd` over stdio until the client closes it. When that
 * directory is not in a repository, the first root the client names that is one is served instead.
 */
export async function serveMcp(options: McpOptions): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`lore mcp: ${line}\n`));
  const { server, adopt, answerAfter } = createServer({ ...options, log });
  const inRepo = await adopt(options.place.cwd);
  const readRoots = async (): Promise<void> => {
    try {
      const { roots } = await server.server.listRoots();
      for (const r of roots) {
        if (r.uri.startsWith('file:') && (await adopt(fileURLToPath(r.uri)))) return log(`serving ${fileURLToPath(r.uri)} (a root the client named)`);
      }
    } catch (err) {
      log(`could not read the client's roots: ${(err as Error).message}`);
    }
  };
  if (!inRepo) {
    server.server.oninitialized = () => {
      if (server.server.getClientCapabilities()?.roots) answerAfter(readRoots());
    };
  }
  // Each answer the pipe cannot take at once waits for one 'drain': concurrent calls (a client may
  // send dozens) would trip Node's leak warning on stdout, which is no leak.
  process.stdout.setMaxListeners(0);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  // The client ends the session by closing stdin.
  process.stdin.on('end', () => void server.close());
  await closed;
}
