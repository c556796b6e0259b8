import {
  commitMentions,
  commitsWithPrefix,
  countChatSessions,
  countFileEdits,
  editsAfter,
  firstCommitTouching,
  getLinkState,
  isCommitLinked,
  loadCommits,
  markCommitsLinked,
  setLinkState,
  setLinkedThrough,
  uncountedCommits,
  unlinkedCommitShas,
  upsertIntentLinks,
  type AiLinesRow,
  type Db,
} from '../db/index.js';
import { silent, type Reporter } from '../events.js';
import type { RepoInfo } from '../git/index.js';
import { aiderFacts, trailerTool } from './evidence.js';
import { intentContext, linkCommit, userWorkOf } from './intent.js';
import { linkKnowledge } from './knowledge.js';

export interface LinkResult {
  /** Commits processed by this run (new ones, and old ones that newly stored edits belong to). */
  commits: number;
  /** (request, file, commit) links written. */
  links: number;
  decisions: number;
  learnings: number;
  priorArt: number;
  /** Commits left unlinked for the background worker (a backlog over LinkOptions.limit); 0 when all were done. */
  deferred: number;
}

export interface LinkOptions {
  /**
   * Link only when at most this many commits wait (default: all). A query passes a small number:
   * a larger backlog (a first index of a long history) is the background worker's, and the query
   * answers from what is linked so far.
   */
  limit?: number;
}

/**
 * The link stage: infers which requests led to which changes for every commit not yet linked,
 * and re-links commits that edits stored since the last run belong to. Light by design (git and
 * SQLite only): it runs after every catch-up, from the hook worker too.
 */
export async function linkRepo(db: Db, repo: RepoInfo, report: Reporter = silent, options: LinkOptions = {}): Promise<LinkResult> {
  const project = repo.root;
  const state = getLinkState(db, project);
  const freshList = unlinkedCommitShas(db, project);
  const newEdits = editsAfter(db, project, state.editsRowid);
  // Without chats a commit is only checked for trailers: cheap, whatever the backlog.
  // Commits linked before AI lines were counted: linked again, which counts them (once).
  const uncounted = uncountedCommits(db, project);
  const hasChats = (freshList.length > 0 || newEdits.length > 0 || uncounted.length > 0) && (countFileEdits(db, project) > 0 || countChatSessions(db, project) > 0);
  const limit = hasChats ? (options.limit ?? Infinity) : Infinity;
  // The whole stage waits (knowledge too, and the edit cursor stays), so the worker that takes
  // the backlog also re-links the commits that the new edits belong to.
  const defer = (waiting: number): LinkResult => ({ commits: 0, links: 0, decisions: 0, learnings: 0, priorArt: 0, deferred: waiting });
  if (freshList.length > limit) return defer(freshList.length);
  const freshShas = new Set(freshList);
  const late = new Set<string>();
  for (const e of newEdits) {
    const sha = firstCommitTouching(db, project, e.path, Math.floor(Date.parse(e.createdAt) / 1000));
    if (sha && !freshShas.has(sha) && isCommitLinked(db, project, sha)) late.add(sha);
  }
  // A chat history read after its commits were linked (an old Aider history given to `lore ingest`,
  // a transcript folder found later): the commits its new messages name are linked again. The
  // commits of its new edits are found above by time, which an Aider history, written in local
  // time without a zone, cannot give.
  for (const m of commitMentions(db, project, state.messagesRowid)) {
    const { commits: named, userCommits } = aiderFacts(m.metadata);
    for (const prefix of [...named, ...userCommits]) {
      for (const sha of commitsWithPrefix(db, project, prefix)) if (!freshShas.has(sha) && isCommitLinked(db, project, sha)) late.add(sha);
    }
  }
  for (const sha of uncounted) if (!freshShas.has(sha)) late.add(sha);
  if (freshList.length + late.size > limit) return defer(freshList.length + late.size);
  const ctx = freshList.length + late.size > 0 ? intentContext(db, project) : undefined;
  const withChats = hasChats || (ctx?.aider.length ?? 0) > 0;
  // Without chats only the message and names are read (trailers): a backfill's files stay unread.
  const fresh = loadCommits(db, project, freshList, { files: withChats });
  const commits = [...fresh, ...loadCommits(db, project, [...late], { files: withChats })];
  let links = 0;
  if (ctx && commits.length > 0) {
    const marks: { sha: string; links: number; aiTool: string | null; userWork: string | null; aiLines: AiLinesRow[] }[] = [];
    let done = 0;
    for (const c of commits) {
      const message = c.body ? `${c.subject}\n\n${c.body}` : c.subject;
      // Who wrote the change (trailers, the author's name) decides linking. A committer marker says
      // only that the tool made the commit: Aider (--attribute-committer, its default) commits the
      // user's own hand edits as "Name (aider)" too, so it is recorded as involvement, not used as
      // authorship (on Aider's own history every such commit with a human author was the user's).
      const aiTool = trailerTool(message, undefined, [c.authorName]);
      const involved = aiTool ?? (c.committerName ? trailerTool('', undefined, [c.committerName]) : undefined);
      let n = 0;
      let aiLines: AiLinesRow[] = [];
      if (withChats && c.parents.length <= 1) {
        const found = await linkCommit(ctx, c, aiTool);
        if (found.links.length > 0) upsertIntentLinks(db, found.links);
        n = found.links.length;
        aiLines = found.aiLines;
      }
      links += n;
      marks.push({ sha: c.sha, links: n, aiTool: involved ?? null, userWork: n === 0 ? (userWorkOf(ctx, c, aiTool) ?? null) : null, aiLines });
      if (marks.length >= 500) {
        const batch = marks.splice(0);
        markCommitsLinked(db, project, batch);
        setLinkedThrough(db, project, batch.filter((m) => freshShas.has(m.sha)).pop()?.sha);
      }
      if (++done % 200 === 0) report({ type: 'progress', stage: 'link', done, total: commits.length });
    }
    markCommitsLinked(db, project, marks);
    setLinkedThrough(db, project, fresh[fresh.length - 1]?.sha);
    report({ type: 'stage-end', stage: 'link' });
  }
  const knowledge = linkKnowledge(db, project, state.messagesRowid, newEdits);
  const editsRowid = newEdits[newEdits.length - 1]?.rowid ?? state.editsRowid;
  if (editsRowid !== state.editsRowid || knowledge.messagesRowid !== state.messagesRowid) setLinkState(db, project, { editsRowid, messagesRowid: knowledge.messagesRowid });
  return { commits: commits.length, links, decisions: knowledge.decisions, learnings: knowledge.learnings, priorArt: knowledge.priorArt, deferred: 0 };
}
