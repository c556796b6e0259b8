import {
  aiLinesForPaths,
  sharedAiLinesForPaths,
  commitAiTools,
  commitUserWork,
  countChatSessions,
  countCommitsToLink,
  countFileEdits,
  decisionsForPaths,
  editsByIds,
  fileHistory,
  getCommit,
  importersOf,
  importGraphStats,
  importsOf,
  intentLinksForPaths,
  linkedShas,
  listLearnings,
  messageInfos,
  priorArtOf,
  provenanceFor,
  type ProvenanceRow,
  renamedAway,
  sharedBy,
  type ChangeStatus,
  type Commit,
  type CommitRow,
  type Db,
  type FileCommit,
  type Provenance,
  type StoredIntent,
} from '../db/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineOutOfRangeError, UntrackedPathError } from '../errors.js';
import { gitRaw, lineCount, trackedFiles, tryBlameLine, type BlameLine, type GitResult, type RepoInfo } from '../git/index.js';
import { lineOwners } from '../link/index.js';
import { inRanges } from '../share/index.js';
import { toInfo, type LearningInfo } from './learnings.js';
import type { Target } from './resolve-target.js';
import { closestPaths } from './suggest.js';

/** The `--json` shape of `lore why`. Documented in docs/json.md; bump `schema` on breaking change. */
export interface WhyResult {
  schema: 'lore.why/2';
  project: string;
  file: string;
  line: number | null;
  /** The commit that created the file (following renames back to its first name). */
  origin: CommitInfo | null;
  /** For FILE:LINE: the commit that last touched the line. */
  blamed: CommitInfo | null;
  /**
   * For FILE:LINE of a path gone from HEAD (deleted, or an old name): the revision (`<sha>^`, the
   * parent of the commit that removed it) whose version of the file the line counts in; else null.
   */
  lineRev: string | null;
  /** Every commit that touched the file, newest first, origin included. */
  changes: CommitInfo[];
  total: number;
  /** The one-line answer: created when, by which request, changed how often, imported by how many. */
  summary: WhySummary;
  /** Every request behind a change of the file, newest first (one entry per request). */
  requests: RequestInfo[];
  /** Decisions stated about the file in chat sessions, newest first. */
  decisions: DecisionInfo[];
  /** Learnings attached to the file, newest first; `stale` when the file changed a lot since. */
  learnings: LearningInfo[];
  /** The import graph around the file (null counts: the graph has not been built). */
  graph: GraphInfo;
  /**
   * Set when the path asked about is an old name: `file` is then the name it has now (`to`), and
   * `sha`/`date` the commit that renamed `from` away.
   */
  renamed: RenameInfo | null;
  /** Set while commits of the repository wait to be linked (a background worker links them): answers may grow. */
  linking: LinkingInfo | null;
}

export interface LinkingInfo {
  /** Commits of the repository the link stage has not seen yet. */
  pending: number;
  /** Those of this answer's commits (changes, blamed) among them: their "no recorded request" may change. */
  unlinked: string[];
}

export interface RenameInfo {
  from: string;
  to: string;
  sha: string;
  date: string;
}

/** A commit as `lore why` shows it (and `--json` prints it): the stored commit's view for one file. */
export interface CommitInfo extends Pick<Commit, 'sha' | 'subject' | 'body'> {
  author: string;
  email: string;
  date: string; // ISO 8601, commit time
  /** How this commit changed the file, from its CommitFile (all null for a blamed commit outside the list). */
  status: ChangeStatus | null;
  path: string | null;
  oldPath: string | null;
  added: number | null;
  removed: number | null;
  /** The requests that led to this commit's change of the file, strongest evidence first. Empty: no recorded request. */
  requests: CommitRequest[];
  /** The AI tool the commit's trailers name (`Co-Authored-By: Claude`, ...), even with no recorded request. */
  aiTool: string | null;
  /** The tool committed the user's own work, by its own account: "committed by Aider before its edit". */
  userWork: string | null;
  /** Of this change's added lines of the file (`added`), those AI edits wrote, per tool; null when none. */
  aiLines: { lines: number; byTool: Record<string, number>; sharedBy?: string[] } | null;
  /** What other attribution tools recorded about this change of the file (git-ai's authorship log, Entire's checkpoint). */
  provenance?: ProvenanceInfo[];
}

/** An attribution tool's record of AI-written lines in one commit's version of the file. */
export interface ProvenanceInfo extends Provenance {
  /** The tool's id of its record (Entire's checkpoint id), when it has one. */
  record?: string;
  /** The request the record names (Entire's summary intent or first prompt), redacted. */
  prompt?: string;
  /** Of the commit's added lines (all files), those the agent wrote, by the tool's count at commit time (Entire). */
  commitLines?: { agent: number; total: number };
  /** FILE:LINE, on the blamed commit: the record's ranges hold the line (numbered as that commit has the file). */
  atLine?: true;
}

/** A request as one commit carried it, and why lore links them. */
export interface CommitRequest {
  id: string;
  text: string;
  /** True when `text` was trimmed. */
  truncated: boolean;
  date: string;
  tool: string | null;
  sessionId: string | null;
  sessionTitle: string | null;
  evidence: string;
  confidence: number;
  detail: string | null;
  /** Set for a teammate's request that `lore sync` imported: who shared it (their git email). */
  sharedBy?: string;
  /** FILE:LINE, on the blamed commit: the request's edits wrote the line's text. */
  wroteLine?: true;
}

export interface RequestInfo {
  id: string;
  text: string;
  truncated: boolean;
  date: string;
  tool: string | null;
  sessionId: string | null;
  sessionTitle: string | null;
  /** Commits of this file that carried the request, newest first. */
  commits: string[];
  sharedBy?: string;
}

export interface DecisionInfo {
  sentence: string;
  date: string;
  messageId: string;
  sessionId: string | null;
  tool: string | null;
  evidence: string;
  confidence: number;
  /** Set for a teammate's decision that `lore sync` imported. */
  sharedBy?: string;
  /** Earlier decisions, learnings or commits (any repository) that said much the same. */
  priorArt: { ref: string; text: string; similarity: number; project: string | null }[];
}

export interface GraphInfo {
  /** Files this file imports; null when the import graph is not available. */
  imports: string[] | null;
  /** Files that import this file; null when the import graph is not available. */
  importers: string[] | null;
  entryPoint: boolean;
  /** A TS/JS file: only these have imports and importers. */
  isCode: boolean;
  /** True when the graph is known, nothing imports the file, and it is not an entry point. */
  unreferenced: boolean;
  /** The file is no longer in the work tree (deleted): nothing can import it, and that says nothing about it. */
  deleted: boolean;
}

export interface WhySummary {
  createdAt: string | null;
  createdBy: CommitRequest | null;
  /** Commits after the origin. */
  changedTimes: number;
  /** Distinct requests behind those later commits. */
  changedByRequests: number;
  /** Of those later commits, how many have a recorded request. */
  withRequests: number;
  /** Changes (the origin included) another attribution tool recorded, by tool (git-ai, entire, agent-trace); absent when none. */
  recordedBy?: Record<string, number>;
  importedBy: number | null;
  text: string;
}

/** Import-graph lookups (src/query/related.ts provides one); null when the graph is not built. */
export interface GraphLookup {
  importsOf(db: Db, project: string, path: string): string[] | null;
  importersOf(db: Db, project: string, path: string): string[] | null;
}

export interface WhyOptions {
  /** Defaults to the stored import graph (null lists when no file of the project was parsed). */
  graph?: GraphLookup;
  /** Entry points beyond the usual names: package.json `main`/`bin`/`exports` targets. */
  entryPoints?: string[];
  /** For FILE:LINE, the blame already under way (blameTarget); else it is run here. */
  blame?: Promise<BlameAt>;
}

/** The commit that last touched a line, and the revision the line was counted in. */
export interface BlameAt extends BlameLine {
  rev: string;
}

const storedGraph: GraphLookup = {
  importsOf: (db, project, path) => (importGraphStats(db, project).files > 0 ? importsOf(db, project, path).map((n) => n.path) : null),
  importersOf: (db, project, path) => (importGraphStats(db, project).files > 0 ? importersOf(db, project, path).map((n) => n.path) : null),
};

const QUOTE_MAX = 300;
/** The changes `lore why` lists without --all (src/cli/commands/why.ts). */
const ONE_SCREEN = 10;

/**
 * Checks that `target` names a file git knows (tracked now, or with history), and that a line is
 * in range, before anything is written: errors leave the database untouched.
 */
export async function checkTarget(repo: RepoInfo, target: Target): Promise<void> {
  // Ask git about this one path (`:(literal)`: no glob magic); list every file only for suggestions.
  const one = await gitRaw(repo.root, ['ls-files', '-z', '--', `:(literal)${target.path}`]);
  if (one.code !== 0 || !one.stdout.split('\0').includes(target.path)) {
    const everExisted = await gitRaw(repo.root, ['log', '-1', '--format=%H', '--', `:(literal)${target.path}`]);
    if (everExisted.code !== 0 || everExisted.stdout.trim() === '') throw new UntrackedPathError(target.path, closestPaths(target.path, await trackedFiles(repo.root)));
    if (target.line !== undefined) throw new LineOutOfRangeError(target.path, target.line, 0);
    return;
  }
  if (target.line !== undefined) {
    const count = await lineCount(repo.root, target.path);
    if (target.line > count) throw new LineOutOfRangeError(target.path, target.line, count);
  }
}

/**
 * git blame for `line` of `path`, checking both at once (the blame fails on a path or line git
 * does not have): at HEAD, or for a path gone from HEAD (deleted, or an old name) in its last
 * version, the parent of the commit that removed it, as an old reference (a stack trace, a
 * review comment) means it. Throws UntrackedPathError or LineOutOfRangeError. `started`: the
 * same blame at HEAD, already running.
 */
export async function blameTarget(repo: RepoInfo, path: string, line: number, started?: Promise<GitResult>): Promise<BlameAt> {
  const head = await tryBlameLine(repo, path, line, 'HEAD', started);
  if ('sha' in head) return { ...head, rev: 'HEAD' };
  if ('lines' in head) throw new LineOutOfRangeError(path, line, head.lines);
  const last = await gitRaw(repo.root, ['log', '-1', '--format=%H', 'HEAD', '--', `:(literal)${path}`]);
  const sha = last.stdout.trim();
  if (last.code !== 0 || sha === '') throw new UntrackedPathError(path, closestPaths(path, await trackedFiles(repo.root)));
  const rev = `${sha}^`;
  const before = await tryBlameLine(repo, path, line, rev);
  if ('sha' in before) return { ...before, rev };
  throw new LineOutOfRangeError(path, line, 'lines' in before ? before.lines : 0);
}

/** Answers `lore why` from the (already indexed and linked) database. */
export async function why(db: Db, repo: RepoInfo, target: Target, options: WhyOptions = {}): Promise<WhyResult> {
  const renamed = currentName(db, repo.root, target.path);
  if (!renamed) return answer(db, repo, target, options);
  // A line of an old name counts in that file's last version, not in the file of the new name.
  const blame = options.blame ?? (target.line !== undefined ? blameTarget(repo, target.path, target.line) : undefined);
  const r = await answer(db, repo, { ...target, path: renamed.to }, { ...options, ...(blame ? { blame } : {}) });
  r.renamed = renamed;
  r.summary.text = `renamed to ${renamed.to} in ${renamed.sha.slice(0, 10)} (${renamed.date.slice(0, 10)}); ${r.summary.text}`;
  return r;
}

/**
 * For a path gone from the work tree because it was renamed (maybe more than once): the name it
 * has now, so its history is told under that name, as `git log --follow NEW` would.
 */
export function currentName(db: Db, project: string, path: string): RenameInfo | null {
  if (existsSync(join(project, path))) return null;
  let first: { path: string; sha: string; committedAt: number } | undefined;
  let name = path;
  for (let hops = 0; hops < 20; hops++) {
    const next = renamedAway(db, project, name);
    if (!next || next.path === path) break;
    first ??= next;
    name = next.path;
    if (existsSync(join(project, name))) break;
  }
  return first ? { from: path, to: name, sha: first.sha, date: new Date(first.committedAt * 1000).toISOString() } : null;
}

async function answer(db: Db, repo: RepoInfo, target: Target, options: WhyOptions): Promise<WhyResult> {
  const project = repo.root;
  // Started first and awaited last: the rest (all synchronous) runs while git walks the history.
  const blaming = target.line !== undefined ? (options.blame ?? blameTarget(repo, target.path, target.line)) : undefined;
  // Read before the links: a worker may finish linking while this answer is read, and "nothing
  // waits" read after links that were read before it finished would hide its links for good.
  const pending = linkPending(db, project);
  const history = fileHistory(db, project, target.path);
  const names = [...new Set([target.path, ...history.flatMap((h) => (h.file.oldPath ? [h.file.path, h.file.oldPath] : [h.file.path]))])];

  // Requests per commit, from the (request, file) links of every name the file had.
  const links = intentLinksForPaths(db, project, names);
  const infos = messageInfos(db, [...new Set(links.map((l) => l.requestId))]);
  const shared = sharedBy(db, [...infos.values()].map((i) => i.sessionId));
  const bySha = new Map<string, CommitRequest[]>();
  for (const l of links) {
    const info = infos.get(l.requestId);
    if (!info) continue;
    for (const e of l.commits) {
      const { text, truncated } = quote(info.content);
      const req: CommitRequest = {
        id: l.requestId,
        text,
        truncated,
        date: info.createdAt,
        tool: info.source,
        sessionId: info.sessionId,
        sessionTitle: info.sessionTitle,
        evidence: e.evidence,
        confidence: e.confidence,
        detail: e.detail ?? null,
      };
      const by = shared.get(info.sessionId);
      if (by) req.sharedBy = by;
      const list = bySha.get(e.sha) ?? [];
      if (!list.some((r) => r.id === req.id)) list.push(req);
      bySha.set(e.sha, list);
    }
  }
  for (const list of bySha.values()) list.sort((a, b) => b.confidence - a.confidence || newerFirst(a.date, b.date));
  const tools = commitAiTools(db, project, history.map((h) => h.sha));
  const userWork = commitUserWork(db, project, history.map((h) => h.sha));
  const provenance = provenanceFor(db, project, names);
  const provenanceOf = (c: CommitInfo): { provenance?: ProvenanceInfo[] } => {
    const rows = (provenance.get(c.sha) ?? []).filter((p) => p.path === c.path || p.path === c.oldPath || (c.path === null && p.path === target.path));
    return rows.length === 0 ? {} : { provenance: rows.map(provenanceInfo) };
  };
  const aiRows = aiLinesForPaths(db, project, names);
  const sharedAiRows = sharedAiLinesForPaths(db, project, names);
  const aiLinesOf = (sha: string, path: string | null): CommitInfo['aiLines'] => {
    const of = <T extends { sha: string; path: string }>(xs: T[]): T[] => xs.filter((r) => r.sha === sha && (path === null || r.path === path));
    const rows = of(aiRows);
    if (rows.length > 0) return aiLineTotals(rows);
    // No count of this clone's own: what teammates counted (their notes). Two teammates who
    // counted the same change give the larger count of each file and tool, not their sum.
    const shared = of(sharedAiRows);
    if (shared.length === 0) return null;
    const best = new Map<string, { tool: string; lines: number }>();
    for (const r of shared) {
      const k = `${r.path}\0${r.tool}`;
      if ((best.get(k)?.lines ?? -1) < r.lines) best.set(k, { tool: r.tool, lines: r.lines });
    }
    return { ...aiLineTotals([...best.values()]), sharedBy: [...new Set(shared.map((r) => r.by))].sort() };
  };
  const enrich = (c: CommitInfo): CommitInfo => ({
    ...c,
    requests: bySha.get(c.sha) ?? [],
    aiTool: tools.get(c.sha) ?? null,
    userWork: userWorkText(userWork.get(c.sha)),
    aiLines: aiLinesOf(c.sha, c.path),
    ...provenanceOf(c),
  });

  const changes = history.map((h) => enrich(fromFileCommit(h)));
  const oldest = history[history.length - 1];
  const origin = oldest && (oldest.file.status === 'A' || oldest.file.status === 'C' || oldest.parents.length === 0) ? changes[changes.length - 1]! : null;
  const requests = collectRequests(changes);
  const decisions = decisionInfos(db, project, names);
  const learnings = learningsFor(db, project, names);
  const graph = graphInfo(db, project, target.path, options.graph ?? storedGraph, options.entryPoints ?? packageEntryPoints(project));
  const later = changes.filter((c) => c.sha !== origin?.sha);
  const laterRequests = new Set(later.flatMap((c) => c.requests.map((r) => r.id)));
  const summary: WhySummary = {
    createdAt: origin?.date ?? null,
    createdBy: origin?.requests[0] ?? null,
    changedTimes: later.length,
    changedByRequests: laterRequests.size,
    withRequests: later.filter((c) => c.requests.length > 0).length,
    importedBy: graph.importers ? graph.importers.length : null,
    text: '',
  };
  for (const c of changes) {
    for (const source of new Set((c.provenance ?? []).map((p) => p.source))) {
      summary.recordedBy ??= {};
      summary.recordedBy[source] = (summary.recordedBy[source] ?? 0) + 1;
    }
  }
  summary.text = summaryText(summary, origin, graph.isCode, graph.deleted ? (changes[0]?.status === 'D' ? changes[0].date : '') : null);
  let blamed: CommitInfo | null = null;
  let lineRev: string | null = null;
  if (blaming) {
    const b = await blaming;
    if (b.rev !== 'HEAD') lineRev = b.rev;
    markFindingsAt(learnings, b);
    const known = changes.find((c) => c.sha === b.sha) ?? fromCommit(getCommit(db, project, b.sha));
    if (known) {
      const tool = tools.get(known.sha) ?? commitAiTools(db, project, [known.sha]).get(known.sha) ?? null;
      blamed = {
        ...known,
        requests: bySha.get(known.sha) ?? [],
        aiTool: tool,
        userWork: known.userWork ?? userWorkText(commitUserWork(db, project, [known.sha]).get(known.sha)),
        aiLines: known.aiLines ?? aiLinesOf(known.sha, target.path),
        ...(known.provenance ? {} : provenanceOf(known)),
      };
      markLine(db, project, blamed, b, links);
    }
  }

  return {
    schema: 'lore.why/2',
    project,
    file: target.path,
    line: target.line ?? null,
    origin,
    blamed,
    lineRev,
    changes,
    total: changes.length,
    summary,
    requests,
    decisions,
    learnings,
    graph,
    renamed: null,
    linking: pending === 0 ? null : linkingInfo(db, project, pending, [...changes.map((c) => c.sha), ...(blamed ? [blamed.sha] : [])]),
  };
}

/** How many commits the link stage has still to do, when the project has chats to link (else nothing would change). */
function linkPending(db: Db, project: string): number {
  const pending = countCommitsToLink(db, project);
  return pending === 0 || (countChatSessions(db, project) === 0 && countFileEdits(db, project) === 0) ? 0 : pending;
}

/** Which of `shas` wait for the link stage, of `pending` commits that waited when the answer began. */
function linkingInfo(db: Db, project: string, pending: number, shas: string[]): LinkingInfo {
  const linked = linkedShas(db, project, shas);
  return { pending, unlinked: [...new Set(shas.filter((s) => !linked.has(s)))] };
}

/** `deleted`: null for a file in the work tree, else the date of the commit that deleted it ('' when not committed yet). */
function summaryText(s: WhySummary, origin: CommitInfo | null, isCode: boolean, deleted: string | null): string {
  const parts: string[] = [];
  if (origin) {
    const by = s.createdBy ? `by "${oneLine(s.createdBy.text, 70)}"${s.createdBy.tool ? ` (${s.createdBy.tool})` : ''}` : 'with no recorded request';
    parts.push(`created ${origin.date.slice(0, 10)} ${by}`);
  } else {
    parts.push('origin not in the indexed history');
  }
  if (s.changedTimes === 0) parts.push('never changed since');
  else if (s.changedByRequests === 0) parts.push(`changed ${times(s.changedTimes)}, no recorded request`);
  else {
    parts.push(`changed ${times(s.changedTimes)} by ${s.changedByRequests} request${s.changedByRequests === 1 ? '' : 's'}`);
    // Past one screen of changes, say how many of them a reader can follow back to a request.
    if (s.changedTimes > ONE_SCREEN) parts.push(`${s.withRequests} of ${s.changedTimes} changes have a recorded request`);
  }
  if (s.recordedBy) {
    const by = Object.entries(s.recordedBy).sort((a, b) => b[1] - a[1]);
    parts.push(by.map(([source, n]) => `${source} recorded ${n === 1 ? 'one change' : `${n} changes`}`).join(', '));
  }
  if (deleted !== null) parts.push(deleted ? `deleted ${deleted.slice(0, 10)}` : 'deleted from the work tree');
  if (!isCode || deleted !== null) return parts.join('; ');
  parts.push(s.importedBy === null ? 'importers unknown (no import graph yet)' : s.importedBy === 0 ? 'imported by no file' : `imported by ${s.importedBy} file${s.importedBy === 1 ? '' : 's'}`);
  return parts.join('; ');
}

/**
 * Sort order of ISO 8601 dates, newest first. Compared as plain strings: localeCompare would build
 * an ICU collator on the first call, a cost every `lore why` paid (docs/performance.md).
 */
const newerFirst = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0);

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

function collectRequests(changes: CommitInfo[]): RequestInfo[] {
  const out = new Map<string, RequestInfo>();
  for (const c of changes) {
    for (const r of c.requests) {
      const prev = out.get(r.id);
      if (prev) prev.commits.push(c.sha);
      else out.set(r.id, { id: r.id, text: r.text, truncated: r.truncated, date: r.date, tool: r.tool, sessionId: r.sessionId, sessionTitle: r.sessionTitle, commits: [c.sha], ...(r.sharedBy ? { sharedBy: r.sharedBy } : {}) });
    }
  }
  return [...out.values()].sort((a, b) => newerFirst(a.date, b.date));
}

function decisionInfos(db: Db, project: string, names: string[]): DecisionInfo[] {
  const rows = decisionsForPaths(db, project, names);
  const seen = new Set<string>();
  const unique = rows.filter((r) => !seen.has(r.messageId) && seen.add(r.messageId));
  const art = priorArtOf(db, unique.map((r) => `msg:${r.messageId}`));
  const shared = sharedBy(db, unique.flatMap((r) => (r.sessionId ? [r.sessionId] : [])));
  return unique.map((r) => ({
    ...(r.sessionId && shared.has(r.sessionId) ? { sharedBy: shared.get(r.sessionId)! } : {}),
    sentence: r.sentence,
    date: r.createdAt,
    messageId: r.messageId,
    sessionId: r.sessionId,
    tool: r.source,
    evidence: r.evidence,
    confidence: r.confidence,
    priorArt: art.filter((a) => a.source === `msg:${r.messageId}`).map((a) => ({ ref: a.target, text: oneLine(a.label, 200), similarity: a.similarity, project: a.targetProject })),
  }));
}

/**
 * For FILE:LINE, which of the blamed commit's records hold the line itself, not just the commit:
 * the request that wrote its text, by the rules of the link stage's AI-line counts (lineOwners),
 * and the attribution tools' ranges that hold its number in that commit's version of the file (as
 * the Agent Trace spec looks a line up: blame it, then find the range of that revision). A blank
 * line is anybody's. Marked on copies: the same requests are listed under the commit in `changes`.
 */
function markLine(db: Db, project: string, blamed: CommitInfo, b: BlameLine, links: StoredIntent[]): void {
  if (b.text.trim() !== '') {
    const entries = links.filter((l) => l.path === b.path).flatMap((link) => link.commits.filter((e) => e.sha === b.sha).map((entry) => ({ link, entry })));
    const edits = new Map(editsByIds(db, project, entries.flatMap((e) => e.entry.edits ?? [])).map((e) => [e.id, e]));
    const fileLinks = entries.map(({ link, entry }) => ({ request: link.requestId, evidence: entry.evidence, edits: (entry.edits ?? []).flatMap((id) => edits.get(id) ?? []) }));
    const [writer] = lineOwners([b.text], fileLinks, (l) => l.request);
    if (writer !== undefined) blamed.requests = blamed.requests.map((r) => (r.id === writer ? { ...r, wroteLine: true as const } : r));
  }
  if (blamed.provenance) blamed.provenance = blamed.provenance.map((p) => (p.ranges && inRanges(p.ranges, b.line) ? { ...p, atLine: true as const } : p));
}

/**
 * Marks the code findings about the line asked for, and puts them first: those whose lines, in
 * their commit's version of the file, hold the line git blame traced it to. A finding made at an
 * earlier commit than the one that last changed the line is about text that is no longer there.
 */
function markFindingsAt(learnings: LearningInfo[], b: BlameLine): void {
  for (const l of learnings) {
    if (l.lines && l.lines.commit === b.sha && l.files.includes(b.path) && b.line >= l.lines.start && b.line <= l.lines.end) l.atLine = true;
  }
  learnings.sort((x, y) => Number(y.atLine ?? false) - Number(x.atLine ?? false));
}

function learningsFor(db: Db, project: string, names: string[]): LearningInfo[] {
  const seen = new Set<string>();
  const rows = names.flatMap((n) => listLearnings(db, project, n)).filter((l) => !seen.has(l.id) && seen.add(l.id));
  return rows.map((l) => toInfo(db, project, l)).sort((a, b) => newerFirst(a.date, b.date));
}

// Files nothing needs to import: programs, configs, tests, scripts.
const ENTRY = [
  /(^|\/)(index|main|cli|server|app|bin)\.[cm]?[jt]sx?$/,
  /\.(test|spec|bench|config|stories)\.[cm]?[jt]sx?$/,
  /(^|\/)(test|tests|__tests__|bench|scripts|bin|examples?)\//,
  /(^|\/)[^/]+\.config\.[cm]?[jt]s$/,
  /\.d\.ts$/,
];

function graphInfo(db: Db, project: string, path: string, lookup: GraphLookup, entryPoints: string[]): GraphInfo {
  const imports = lookup.importsOf(db, project, path);
  const importers = lookup.importersOf(db, project, path);
  const entryPoint = entryPoints.includes(path) || ENTRY.some((re) => re.test(path));
  const isCode = /\.[cm]?[jt]sx?$/.test(path);
  const deleted = !existsSync(join(project, path));
  return { imports, importers, entryPoint, isCode, unreferenced: !deleted && importers !== null && importers.length === 0 && !entryPoint && isCode, deleted };
}

/**
 * Files package.json names as entry points (main, module, bin, exports), as written and with a
 * build folder mapped back to its source (`dist/x.js` → `src/x.ts`), since both are plausible.
 */
export function packageEntryPoints(root: string): string[] {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') found.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  const p = pkg as Record<string, unknown>;
  for (const k of ['main', 'module', 'browser', 'bin', 'exports']) walk(p[k]);
  const out = new Set<string>();
  for (const f of found) {
    const rel = f.replace(/^\.\//, '');
    out.add(rel);
    const src = rel.replace(/^(dist|build|lib|out)\//, 'src/').replace(/\.(c|m)?js$/, '.ts');
    out.add(src);
    out.add(src.replace(/\.ts$/, '.tsx'));
  }
  return [...out];
}

function quote(text: string): { text: string; truncated: boolean } {
  const t = text.trim();
  if (t.length <= QUOTE_MAX) return { text: t, truncated: false };
  return { text: `${t.slice(0, QUOTE_MAX - 1).trimEnd()}…`, truncated: true };
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function fromFileCommit(c: FileCommit): CommitInfo {
  return { ...fromCommit(c)!, status: c.file.status, path: c.file.path, oldPath: c.file.oldPath, added: c.file.added, removed: c.file.removed };
}

function fromCommit(c: CommitRow | undefined): CommitInfo | null {
  if (!c) return null;
  return {
    sha: c.sha,
    author: c.authorName,
    email: c.authorEmail,
    date: new Date(c.committedAt * 1000).toISOString(),
    subject: c.subject,
    body: c.body,
    status: null,
    path: null,
    oldPath: null,
    added: null,
    removed: null,
    requests: [],
    aiTool: null,
    userWork: null,
    aiLines: null,
  };
}

/** A commit's AI-written lines (rows per file and tool) as one figure and per tool: `lore why` per change, `lore pr` per commit. */
export function aiLineTotals(rows: readonly { tool: string; lines: number }[]): { lines: number; byTool: Record<string, number> } {
  const byTool: Record<string, number> = {};
  let lines = 0;
  for (const r of rows) {
    byTool[r.tool] = (byTool[r.tool] ?? 0) + r.lines;
    lines += r.lines;
  }
  return { lines, byTool };
}

/** `aider:before-edit` → "committed by Aider before its edit" (only Aider records such commits). */
export function userWorkText(fact: string | undefined): string | null {
  if (!fact) return null;
  const [tool = '', when = ''] = fact.split(':');
  const name = tool ? tool[0]!.toUpperCase() + tool.slice(1) : 'the AI tool';
  const at = { 'before-edit': ' before its edit', 'start-up': ' at the start of its session', commit: ' on /commit', lint: ' before /lint' }[when] ?? '';
  return `committed by ${name}${at} (the user's own change)`;
}

function provenanceInfo(p: ProvenanceRow): ProvenanceInfo {
  const info: ProvenanceInfo = { source: p.source, tool: p.tool, model: p.model, conversation: p.conversation, human: p.human, lines: p.lines, ranges: p.ranges };
  if (p.record) info.record = p.record;
  if (p.prompt) info.prompt = p.prompt;
  let d: { agentLines?: unknown; totalLines?: unknown } = {};
  try {
    d = p.detail ? (JSON.parse(p.detail) as typeof d) : {};
  } catch {
    // A detail this lore cannot read adds nothing.
  }
  // Entire writes 0 of 0 for a session of the checkpoint it attributed nothing to: no count.
  if (typeof d.agentLines === 'number' && typeof d.totalLines === 'number' && d.totalLines > 0) info.commitLines = { agent: d.agentLines, total: d.totalLines };
  return info;
}
