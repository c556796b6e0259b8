import {
  decisionsOfRequests,
  intentLinksForCommit,
  learningsOfRequests,
  messageInfos,
  rangeCommits,
  type Db,
  type RangeCommit,
} from '../db/index.js';
import type { CommitRange } from '../git/index.js';
import { aiLineTotals, userWorkText } from './why.js';

/** The `--json` shape of `lore pr`. Documented in docs/json.md; bump `schema` on breaking change. */
export interface PrResult {
  schema: 'lore.pr/1';
  range: { spec: string; base: string; head: string };
  /** Requests behind the range's commits, in the order they were made. */
  requests: PrRequest[];
  decisions: { request: string | null; path: string; text: string; date: string | null }[];
  learnings: { category: string; text: string; files: string[]; date: string }[];
  commits: PrCommit[];
  /** The range's added lines and those AI edits wrote (commits not yet counted left out of both). */
  aiLines: AiShare;
  /** Commits with no recorded request (merges aside). */
  unexplained: string[];
  /** Commits of the range not in the database (not indexed yet). */
  unknown: string[];
}

export interface AiShare {
  lines: number;
  added: number;
  byTool: Record<string, number>;
  /** Commits linked before AI lines were counted: outside the figure. */
  uncounted: number;
}

export interface PrRequest {
  id: string;
  /** The prompt as stored (redacted at ingest). */
  text: string;
  tool: string | null;
  sessionId: string | null;
  date: string;
  /** Files the request changed in the range, with the commits that carried each. */
  files: { path: string; commits: string[] }[];
}

export interface PrCommit {
  sha: string;
  subject: string;
  author: string;
  date: string;
  merge: boolean;
  requests: string[];
  added: number;
  aiLines: number;
  byTool: Record<string, number>;
  counted: boolean;
  aiTool: string | null;
  userWork: string | null;
}

/** What a pull request of `range` carries, from what the database knows of its commits. */
export function prSummary(db: Db, project: string, range: CommitRange): PrResult {
  const stored = rangeCommits(db, project, range.shas);
  const known = new Set(stored.map((c) => c.sha));
  const requests = new Map<string, Map<string, Set<string>>>(); // request → path → shas
  const commits: PrCommit[] = [];
  for (const c of stored) {
    const ids = new Set<string>();
    for (const link of intentLinksForCommit(db, project, c.sha)) {
      ids.add(link.requestId);
      const files = requests.get(link.requestId) ?? new Map<string, Set<string>>();
      files.set(link.path, (files.get(link.path) ?? new Set()).add(c.sha));
      requests.set(link.requestId, files);
    }
    commits.push(toPrCommit(c, [...ids]));
  }
  const infos = messageInfos(db, [...requests.keys()]);
  const list: PrRequest[] = [...requests]
    .map(([id, files]) => {
      const info = infos.get(id);
      return {
        id,
        text: info?.content.trim() ?? '',
        tool: info?.source ?? null,
        sessionId: info?.sessionId ?? null,
        date: info?.createdAt ?? '',
        files: [...files].sort(([a], [b]) => a.localeCompare(b)).map(([path, shas]) => ({ path, commits: [...shas] })),
      };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  const ids = list.map((r) => r.id);
  const sessions = [...new Set(list.flatMap((r) => (r.sessionId ? [r.sessionId] : [])))];
  const share: AiShare = { lines: 0, added: 0, byTool: {}, uncounted: 0 };
  for (const c of commits) {
    if (c.merge) continue;
    if (!c.counted) {
      share.uncounted++;
      continue;
    }
    share.added += c.added;
    share.lines += c.aiLines;
    for (const [tool, n] of Object.entries(c.byTool)) share.byTool[tool] = (share.byTool[tool] ?? 0) + n;
  }
  return {
    schema: 'lore.pr/1',
    range: { spec: range.spec, base: range.base, head: range.head },
    requests: list,
    decisions: decisionsOfRequests(db, project, ids).map((d) => ({ request: d.requestId, path: d.path, text: d.sentence, date: d.createdAt })),
    learnings: learningsOfRequests(db, project, ids, sessions).map((l) => ({ category: l.category, text: l.content, files: l.files, date: l.createdAt })),
    commits,
    aiLines: share,
    unexplained: commits.filter((c) => !c.merge && c.requests.length === 0).map((c) => c.sha),
    unknown: range.shas.filter((s) => !known.has(s)),
  };
}

function toPrCommit(c: RangeCommit, requests: string[]): PrCommit {
  const ai = aiLineTotals(c.aiLines);
  return {
    sha: c.sha,
    subject: c.subject,
    author: c.author,
    date: new Date(c.committedAt * 1000).toISOString(),
    merge: c.merge,
    requests,
    added: c.files.reduce((s, f) => s + (f.added ?? 0), 0),
    aiLines: ai.lines,
    byTool: ai.byTool,
    // A commit with no chat evidence at all has no AI line to count, whether or not it was counted.
    counted: c.counted || requests.length === 0,
    aiTool: c.aiTool,
    userWork: userWorkText(c.userWork ?? undefined),
  };
}
