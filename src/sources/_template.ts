// A skeleton adapter: copy this file to src/sources/<tool>.ts, rename `template` and the `EXAMPLE_*`
// names, and follow docs/adding-a-source.md. It compiles and its test (test/sources/template.test.ts)
// runs it, so it stays in step with the SourceAdapter interface; it is not in the registry.
//
// It reads a made-up JSON-lines tool: `~/.example/sessions/<sessionId>.jsonl`, one
// `{"role","text","ts"}` per line, appended while the tool runs. Most tools look like this
// (Claude Code, Codex); for a file the tool rewrites whole, see continue.ts (readWhenChanged); for a
// SQLite store, see crush.ts (openForeignStore, and store-read.ts for what store readers share).
import { join } from 'node:path';
import { isRecord, openResume } from './file-state.js';
import { readJsonl } from './jsonl.js';
import type { Cursor, SourceAdapter, SourceEnv, SourceRecord, SourceRoot } from './types.js';
import { baseName, findFiles } from './walk.js';

/** The id: the prefix of every session and message id, and the registry key. Never change it once released. */
const TOOL = 'example';

export const template: SourceAdapter = {
  id: TOOL,
  name: 'Example',
  // Every variable that moves the tool's folders; `lore watch --install-service` carries them.
  envOverrides: ['EXAMPLE_HOME'],
  // Patterns in a commit message that credit the commit to this tool (trailers, prefixes).
  commitMarkers: [/^co-authored-by:.*\bexample\b/im],

  // The folders the tool writes to on env.platform, existing or not yet. locate() reads only below
  // these and `lore watch` watches exactly these: test/sources/roots-cover-locate.test.ts checks it.
  watchRoots: (env) => [sessionsRoot(env)],
  // The files whose change the watcher passes to ingest (a SQLite store: its -wal too, never -shm).
  watchedFiles: /\.jsonl$/,

  async locate(env: SourceEnv): Promise<string[]> {
    return findFiles(sessionsRoot(env).path, isSessionFile, 1);
  },

  // For `lore ingest PATH` and the watcher's file events: only this tool's files, by name and place.
  matches(path: string): boolean {
    return isSessionFile(baseName(path)) && path.split(/[\\/]+/).includes('sessions');
  },

  read(file: string, from: Cursor | undefined): AsyncIterable<SourceRecord> {
    return readSession(file, from);
  },
};

/** `$EXAMPLE_HOME/sessions`, else `~/.example/sessions`, on every OS; files sit directly in it. */
function sessionsRoot(env: SourceEnv): SourceRoot {
  return { path: join(env.env.EXAMPLE_HOME || join(env.home, '.example'), 'sessions'), depth: 1 };
}

function isSessionFile(name: string): boolean {
  return name.endsWith('.jsonl');
}

/**
 * Reads from the cursor's offset (the whole file when it was rewritten: ids are deterministic, so
 * reading again adds nothing twice). Never throws on bad data: a bad line is a `skip`.
 */
async function* readSession(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  const resume = openResume(file, from);
  if ('kind' in resume) {
    yield resume; // unreadable: the skip record says why
    return;
  }
  const sessionId = `${TOOL}:${baseName(file).replace(/\.jsonl$/, '')}`;
  // The session comes first in every read, also when resuming, so ingest can map it to its repository.
  yield { kind: 'session', session: { id: sessionId, source: TOOL } };
  const state = from && resume.start > 0 ? (from.state as { line: number } | undefined) : undefined;
  let line = state?.line ?? 1;
  let offset = resume.start;
  for await (const l of readJsonl(file, { offset, startLine: line })) {
    line = l.line + 1;
    offset = l.end;
    if (l.error || !isRecord(l.value)) yield { kind: 'skip', line: l.line, reason: l.error ?? 'not an object' };
    else {
      const { role, text, ts } = l.value;
      if ((role === 'user' || role === 'assistant') && typeof text === 'string') {
        yield {
          kind: 'message',
          message: {
            id: `${sessionId}:L${l.line}`,
            sessionId,
            role,
            kind: role === 'user' ? 'prompt' : 'text',
            content: text,
            ...(typeof ts === 'string' ? { createdAt: ts } : {}),
          },
        };
      } else yield { kind: 'skip', line: l.line, reason: 'no role or text' };
    }
    // Everything up to this line is complete: ingest may store it and resume after it.
    yield { kind: 'checkpoint', cursor: resume.cursorAt(offset, { line }) };
  }
  // A last checkpoint also when nothing new was read, so the cursor's size and mtime move on.
  yield { kind: 'checkpoint', cursor: resume.cursorAt(offset, { line }) };
}
