import { editsByIds, intentLinksForCommit, messageInfos, modelOfAnswer, openDb, rangeCommits, sharedBy, type Db, type StoredIntent } from '../db/index.js';
import { BadRangeError } from '../errors.js';
import type { Reporter } from '../events.js';
import { addedLines, findRepo, historyShas, resolveRange, type AddedLine } from '../git/index.js';
import { redact } from '../ingest/index.js';
import { lineOwners } from '../link/index.js';
import { AGENT_TRACE_VERSION, modelId, stableUuid, toRanges, type AgentTraceConversation, type AgentTraceRecord } from '../share/index.js';
import { catchUpRepo } from './catch-up.js';
import { dbPathOf, type Place } from './repo-context.js';

declare const __LORE_VERSION__: string;
const VERSION = typeof __LORE_VERSION__ === 'string' ? __LORE_VERSION__ : '0.0.0-dev';

export interface AgentTraceExport {
  records: AgentTraceRecord[];
  /** Commits of the range lore knows; those with no recorded request get no record. */
  commits: number;
}

/** A request as the export's metadata names it (`metadata["dev.lore"].requests`). */
interface ExportedRequest {
  path: string;
  conversation: string;
  tool: string | null;
  session: string;
  text: string;
  evidence: string;
  confidence: number;
  sharedBy?: string;
}

/**
 * `lore export --agent-trace [RANGE]`: one Agent Trace record per commit of RANGE (default: all of
 * HEAD's history) that has a recorded request. Each file a request changed is a conversation (the
 * request's session). Its ranges are the lines of the commit's version of the file that the
 * session's edits wrote (contributor `ai`), counted as the link stage counts AI lines; all the
 * lines the commit added when Aider's own commit says the session made them all (`ai`), or when
 * lore cannot tell which lines were whose (`unknown`). Texts are redacted again on the way out,
 * as in `lore sync`.
 */
export async function exportAgentTrace(place: Place, spec: string | undefined, report: Reporter): Promise<AgentTraceExport> {
  const repo = await findRepo(place.cwd);
  const shas = spec ? await rangeShas(repo.root, spec) : await historyShas(repo.root);
  const dbPath = dbPathOf(place);
  const db = openDb(dbPath);
  try {
    await catchUpRepo({ repo, db, dbPath }, report);
    const records: AgentTraceRecord[] = [];
    const commits = rangeCommits(db, repo.root, shas);
    for (const c of commits) {
      const links = intentLinksForCommit(db, repo.root, c.sha);
      if (links.length === 0) continue;
      const infos = messageInfos(db, links.map((l) => l.requestId));
      const by = sharedBy(db, links.map((l) => l.sessionId ?? ''));
      const added = await addedLines(repo.root, c.sha);
      const written = writtenLines(db, repo.root, c.sha, links, added, (link) => link.sessionId ?? infos.get(link.requestId)?.sessionId ?? null);
      const requests: ExportedRequest[] = [];
      const files = new Map<string, Map<string, AgentTraceConversation>>();
      for (const link of links) {
        const info = infos.get(link.requestId);
        const session = link.sessionId ?? info?.sessionId ?? null;
        if (!info || !session) continue;
        const entry = link.commits.find((e) => e.sha === c.sha);
        const url = `lore://session/${encodeURIComponent(session)}`;
        const conversations = files.get(link.path) ?? new Map<string, AgentTraceConversation>();
        files.set(link.path, conversations);
        if (!conversations.has(url)) {
          const model = modelOfAnswer(db, session, info.createdAt);
          const own = written.get(`${link.path}\0${session}`) ?? [];
          // Lines lore cannot tell apart (a link by time or by mention): all the commit added.
          const lines = own.length > 0 ? own : (added.get(link.path) ?? []).map((l) => l.line);
          conversations.set(url, {
            url,
            // Aider's own commit is the turn's whole change, also one that only removed lines.
            contributor: { type: own.length > 0 || (entry?.evidence ?? link.evidence) === 'aider-commit' ? 'ai' : 'unknown', ...(model ? { model_id: modelId(model) } : {}) },
            ranges: toRanges(lines).map(([start_line, end_line]) => ({ start_line, end_line })),
          });
        }
        const sharer = by.get(session);
        requests.push({
          path: link.path, conversation: url, tool: info.source, session, text: redact(info.content).text,
          evidence: entry?.evidence ?? link.evidence, confidence: entry?.confidence ?? link.confidence, ...(sharer ? { sharedBy: sharer } : {}),
        });
      }
      if (files.size === 0) continue;
      records.push({
        version: AGENT_TRACE_VERSION,
        id: stableUuid(c.sha),
        timestamp: new Date(c.committedAt * 1000).toISOString(),
        vcs: { type: 'git', revision: c.sha },
        tool: { name: 'lore', version: VERSION },
        files: [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([path, conversations]) => ({ path, conversations: [...conversations.values()] })),
        metadata: { 'dev.lore': { requests } },
      });
    }
    return { records, commits: commits.length };
  } finally {
    db.close();
  }
}

/** The range's commits; a range git cannot read says how to write one for this command. */
async function rangeShas(root: string, spec: string): Promise<string[]> {
  try {
    return (await resolveRange(root, spec)).shas;
  } catch (err) {
    if (err instanceof BadRangeError) throw new BadRangeError(err.message, 'name a range as git does: lore export --agent-trace BASE..HEAD (or BASE for BASE..HEAD)');
    throw err;
  }
}

/**
 * Which added lines of each file of commit `sha` each conversation wrote, keyed `path\0session`
 * (the session of the link, as the conversation is: a subagent's edit counts for the request it
 * served), by the rules of the link stage's AI-line counts (lineOwners).
 */
function writtenLines(db: Db, project: string, sha: string, links: StoredIntent[], added: Map<string, AddedLine[]>, sessionOf: (link: StoredIntent) => string | null): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const entries = links.map((link) => ({ link, entry: link.commits.find((e) => e.sha === sha) }));
  const edits = new Map(editsByIds(db, project, entries.flatMap((e) => e.entry?.edits ?? [])).map((e) => [e.id, e]));
  for (const [path, lines] of added) {
    const fileLinks = entries
      .filter((e) => e.link.path === path && e.entry)
      .map(({ link, entry }) => ({ session: sessionOf(link), evidence: entry!.evidence, edits: (entry!.edits ?? []).flatMap((id) => edits.get(id) ?? []) }));
    lineOwners(lines.map((l) => l.text), fileLinks, (l) => l.session ?? undefined).forEach((session, i) => {
      if (session === undefined) return;
      const key = `${path}\0${session}`;
      out.set(key, [...(out.get(key) ?? []), lines[i]!.line]);
    });
  }
  return out;
}
