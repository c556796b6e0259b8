import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { countUntypedSessions, findSessions, forgetProject, forgetSessions, sessionFamily, listSessions as listStored, sessionEdits, sessionMessages, type SessionSummary, type StoredEdit, type StoredMessage } from '../db/index.js';
import { SessionNotFoundError } from '../errors.js';
import { dbPathOf, findRepoOrNone, withDb, type Place } from './repo-context.js';

export interface SessionsRequest {
  /** A path ("." for the current repository): the repository it is in, else the path itself. */
  project?: string;
  source?: string;
  /** ISO time: sessions active at or after it. */
  since?: string;
  limit?: number;
  /** Also the sessions where the user typed nothing (default: left out, and counted). */
  all?: boolean;
}

/** `lore sessions`: the stored chat sessions, most recent first. */
export async function sessions(place: Place, request: SessionsRequest): Promise<{ project: string | undefined; sessions: SessionSummary[]; untyped: number }> {
  const project = request.project !== undefined ? await projectOf(request.project, place.cwd) : undefined;
  const filter = { project, source: request.source, since: request.since };
  return withDb(dbPathOf(place), (db) => ({
    project,
    sessions: listStored(db, { ...filter, limit: request.limit, typedOnly: !request.all }),
    untyped: request.all ? 0 : countUntypedSessions(db, filter),
  }));
}

/** `lore show SESSION`: one session (by id or a unique prefix), its messages and file edits. */
export async function showSession(place: Place, idOrPrefix: string): Promise<{ session: SessionSummary; messages: StoredMessage[]; edits: StoredEdit[] }> {
  return withDb(dbPathOf(place), (db) => {
    const found = findSessions(db, idOrPrefix);
    if (found.length !== 1) throw new SessionNotFoundError(idOrPrefix, found.map((s) => s.id));
    const session = found[0]!;
    return { session, messages: sessionMessages(db, session.id), edits: sessionEdits(db, session.id) };
  });
}

/** `lore forget`: deletes one session (by id or a unique prefix), or every chat session of a project; returns their ids. */
export async function forget(place: Place, what: { session: string } | { project: string }): Promise<string[]> {
  return withDb(dbPathOf(place), async (db) => {
    if ('session' in what) {
      const found = findSessions(db, what.session);
      if (found.length !== 1) throw new SessionNotFoundError(what.session, found.map((s) => s.id));
      // Its subagents' transcripts are part of it.
      const ids = sessionFamily(db, found[0]!.id);
      forgetSessions(db, ids, 'forgotten');
      return ids;
    }
    const abs = resolve(place.cwd, what.project);
    const repo = await findRepoOrNone(abs);
    return forgetProject(db, repo?.root ?? abs);
  });
}

/** The project a path names: the repository it is in, else its real path. */
async function projectOf(path: string, cwd: string): Promise<string> {
  const abs = resolve(cwd, path);
  const repo = await findRepoOrNone(abs);
  if (repo) return repo.root;
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
