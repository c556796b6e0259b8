import { intentLinksForCommit, messageInfos, modelOfAnswer, openDb, rangeCommits, sharedBy } from '../db/index.js';
import { BadRangeError } from '../errors.js';
import type { Reporter } from '../events.js';
import { addedRanges, findRepo, historyShas, resolveRange } from '../git/index.js';
import { redact } from '../ingest/index.js';
import { AGENT_TRACE_VERSION, modelId, stableUuid, type AgentTraceConversation, type AgentTraceRecord } from '../share/index.js';
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
 * request's session) whose ranges are the lines the commit added to the file, at that commit; its
 * contributor is `ai` when lore counted every added line as written by AI edits, `mixed` when some,
 * else `unknown`. Texts are redacted again on the way out, as in `lore sync`.
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
      const added = await addedRanges(repo.root, c.sha);
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
          conversations.set(url, {
            url,
            contributor: { type: contributorType(c, link.path, entry?.evidence ?? link.evidence), ...(model ? { model_id: modelId(model) } : {}) },
            ranges: (added.get(link.path) ?? []).map(([start_line, end_line]) => ({ start_line, end_line })),
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

/** `ai` when every line the commit added to the file came from AI edits by lore's count, `mixed` when some. */
function contributorType(c: { files: { path: string; added: number | null }[]; aiLines: { path: string; lines: number }[]; counted: boolean }, path: string, evidence: string): 'ai' | 'mixed' | 'unknown' {
  const added = c.files.find((f) => f.path === path)?.added ?? null;
  const ai = c.aiLines.filter((a) => a.path === path).reduce((s, a) => s + a.lines, 0);
  if (c.counted && added !== null && added > 0) return ai >= added ? 'ai' : ai > 0 ? 'mixed' : 'unknown';
  // Linked before lines were counted: the tool's own record of the edit in the commit still says AI wrote it.
  return evidence === 'edit-text' ? 'ai' : 'unknown';
}
