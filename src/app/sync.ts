import { importShared, replaceSharedAiLines } from '../db/index.js';
import type { Reporter } from '../events.js';
import {
  fetchRef, installNoteRefspecs, RemoteError, isAncestor, pushRef, readNotes, remoteRef, resolveRef, restoreRef, sharerOf, writeNotes, type InstallResult,
} from '../git/index.js';
import {
  forgottenKeys, isEmptyNote, mergeNoteMaps, ownKeys, ownNotes, parseNote, serializeNote, sharedMessageId, toImport, keepAiLines, type Note,
} from '../share/index.js';
import { catchUpRepo } from './catch-up.js';
import { importProvenance, type ProvenanceResult } from './provenance.js';
import { openRepoContext, type Place } from './repo-context.js';

/** lore's notes, and where a remote's are fetched to (docs/sync.md). */
export const NOTES_REF = 'refs/notes/lore';
export const trackingRef = (remote: string): string => `refs/notes/lore-remote/${remote.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'remote'}`;

/** How often a push that lost a race fetches, merges and tries again. */
const ATTEMPTS = 5;

export interface SyncOptions {
  remote?: string;
  dryRun?: boolean;
  install?: boolean;
}

export interface NoteSummary {
  sha: string;
  requests: { path: string; text: string; tool: string | null; session: string }[];
  decisions: number;
  learnings: number;
}

export interface SyncResult {
  schema: 'lore.sync/1';
  remote: string;
  /** Who this clone shares as (git user.email). */
  by: string;
  dryRun: boolean;
  install: InstallResult | null;
  /** What this clone shares: notes (commits) and entries. */
  shared: { notes: number; requests: number; decisions: number; learnings: number; aiLines: number };
  /** With --dry-run: every note this clone would share. */
  preview: NoteSummary[];
  /** Notes the remote had (0: it had none yet). */
  remoteNotes: number;
  /** Entries of teammates stored in the database by this sync (aiLines: their AI-line counts new or changed); sessions removed because someone forgot them. */
  imported: { added: number; removed: number; aiLines: number; from: string[] };
  /** Commits whose record by another attribution tool (git-ai, Entire) this sync read; records it could not read. */
  provenance: ProvenanceResult;
  pushed: boolean;
  /** Pushes that lost a race (someone pushed first) and were retried after a new fetch and merge. */
  retries: number;
}

/** `lore sync [REMOTE]`: share this clone's knowledge as git notes and take in the teammates'. */
export async function sync(place: Place, options: SyncOptions, report: Reporter): Promise<SyncResult> {
  const ctx = await openRepoContext(place);
  const { db, repo } = ctx;
  const root = repo.root;
  const remote = options.remote ?? 'origin';
  try {
    const by = await sharerOf(root);
    const result: SyncResult = {
      schema: 'lore.sync/1', remote, by, dryRun: options.dryRun ?? false, install: null,
      shared: { notes: 0, requests: 0, decisions: 0, learnings: 0, aiLines: 0 }, preview: [], remoteNotes: 0,
      imported: { added: 0, removed: 0, aiLines: 0, from: [] }, provenance: { gitAi: 0, entire: 0, agentTrace: 0, skipped: 0 }, pushed: false, retries: 0,
    };
    if (options.install) {
      result.install = await installNoteRefspecs(root, remote, NOTES_REF, trackingRef(remote));
      return result;
    }
    await catchUpRepo(ctx, report);
    const own = ownNotes(db, root, by);
    const forgotten = forgottenKeys(db);
    const mine = mergeNoteMaps([own], forgotten);
    result.shared = countOf(mine);
    if (options.dryRun) {
      result.preview = [...mine].filter(([, n]) => !isEmptyNote(n)).map(([sha, n]) => ({
        sha,
        requests: n.requests.map((r) => ({ path: r.path, text: r.text, tool: r.tool, session: r.session })),
        decisions: n.decisions.length,
        learnings: n.learnings.length,
      }));
      return result;
    }
    const merged = await exchange(root, remote, mine, forgotten, result);
    result.provenance = await importProvenance(db, root);
    const { items, forgotten: gone, aiLines } = toImport(merged, ownKeys(db, root), by);
    const counts = replaceSharedAiLines(db, root, aiLines);
    result.imported = { ...importShared(db, root, items, gone, sharedMessageId), aiLines: counts, from: [...new Set([...items.requests, ...items.decisions, ...items.learnings, ...aiLines].map((x) => x.by))].sort() };
    return result;
  } finally {
    db.close();
  }
}

/**
 * Fetch, merge, write, push; again when the push lost a race. A failure on the way puts the
 * local and tracking refs back where they were, and the database is written only afterwards.
 */
async function exchange(root: string, remote: string, mine: Map<string, Note>, forgotten: Set<string>, result: SyncResult): Promise<Map<string, Note>> {
  const tracking = trackingRef(remote);
  const localBefore = await resolveRef(root, NOTES_REF);
  const trackingBefore = await resolveRef(root, tracking);
  try {
    for (let attempt = 0; ; attempt++) {
      const remoteSha = await remoteRef(root, remote, NOTES_REF);
      if (remoteSha) await fetchRef(root, remote, NOTES_REF, tracking);
      const local = await readNotes(root, NOTES_REF);
      const theirs = remoteSha ? await readNotes(root, tracking) : new Map<string, string>();
      result.remoteNotes = theirs.size;
      // AI-line counts: this clone's own from `mine`, the teammates' from the remote (keepAiLines).
      const merged = mergeNoteMaps([keepAiLines(parsed(local), () => false), keepAiLines(parsed(theirs), (a) => a.by !== result.by), mine], forgotten);
      const texts = new Map<string, string>();
      // Notes that are not lore's JSON (another tool's, a hand edit) are kept as they are.
      for (const [sha, text] of [...theirs, ...local]) if (!parseNote(text)) texts.set(sha, text);
      for (const [sha, n] of merged) if (!isEmptyNote(n) && !texts.has(sha)) texts.set(sha, serializeNote(n));
      const tip = await resolveRef(root, NOTES_REF);
      if (remoteSha && sameNotes(texts, theirs) && (!tip || (await isAncestor(root, tip, remoteSha)))) {
        if (tip !== remoteSha) await restoreRef(root, NOTES_REF, remoteSha);
      } else if (!(sameNotes(texts, local) && tip && (!remoteSha || (await isAncestor(root, remoteSha, tip))))) {
        if (texts.size === 0 && !tip && !remoteSha) return merged;
        const parents = [tip, remoteSha && !(tip && (await isAncestor(root, remoteSha, tip))) ? remoteSha : null].filter((p): p is string => !!p);
        await writeNotes(root, NOTES_REF, texts, parents, `lore sync: ${texts.size} notes`);
      }
      const now = await resolveRef(root, NOTES_REF);
      if (!now || now === remoteSha) return merged;
      if ((await pushRef(root, remote, NOTES_REF)) === 'pushed') {
        result.pushed = true;
        return merged;
      }
      if (attempt + 1 >= ATTEMPTS) throw new RemoteError(remote, `its notes changed under ${ATTEMPTS} pushes in a row (teammates syncing); run lore sync again`);
      result.retries++;
    }
  } catch (err) {
    await restoreRef(root, NOTES_REF, localBefore);
    await restoreRef(root, tracking, trackingBefore);
    throw err;
  }
}

function parsed(texts: Map<string, string>): Map<string, Note> {
  const out = new Map<string, Note>();
  for (const [sha, text] of texts) {
    const n = parseNote(text);
    if (n) out.set(sha, n);
  }
  return out;
}

function sameNotes(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function countOf(notes: Map<string, Note>): SyncResult['shared'] {
  const all = [...notes.values()].filter((n) => !isEmptyNote(n));
  return {
    notes: all.length,
    requests: all.reduce((s, n) => s + n.requests.length, 0),
    decisions: all.reduce((s, n) => s + n.decisions.length, 0),
    learnings: all.reduce((s, n) => s + n.learnings.length, 0),
    aiLines: all.reduce((s, n) => s + n.aiLines.length, 0),
  };
}

