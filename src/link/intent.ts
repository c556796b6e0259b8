import {
  commitMentions,
  commitsWithPrefix,
  editsToPaths,
  intentLinksForCommit,
  isPrompt,
  messageInfos,
  promptBefore,
  promptsBetween,
  rewrittenInto,
  samePatchCommits,
  turnRequest,
  getCommit,
  aiLinesOfCommit,
  type AiLinesRow,
  type Db,
  type EditRow,
  type IntentCommitEntry,
  type IntentLinkInput,
  type LinkCommit,
  type ChatMessage,
} from '../db/index.js';
import { commitDiff, previousCommitOf, type FileDiff } from '../git/index.js';
import { countAiLines, lineOwners } from './ai-lines.js';
import { aiderFacts, definedSymbols, mentionScore, scoreEdit, type Score } from './evidence.js';

/** What the intent pass needs from the rest of the run, loaded once per link stage. */
export interface IntentContext {
  db: Db;
  root: string;
  /** Messages with Aider facts (commits / applied edits) in the project's sessions. */
  aider: ChatMessage[];
  /** Memo: message id → the human prompt of its turn. */
  requests: Map<string, string | undefined>;
  /** Requests whose turn printed the commits it made: their edits landed there and nowhere else. */
  turnCommits: Map<string, string[]>;
}

export function intentContext(db: Db, root: string): IntentContext {
  const ctx: IntentContext = { db, root, aider: commitMentions(db, root), requests: new Map(), turnCommits: new Map() };
  for (const m of ctx.aider) {
    const { commits } = aiderFacts(m.metadata);
    const request = commits.length > 0 ? requestOf(ctx, m.id) : undefined;
    if (request) ctx.turnCommits.set(request, [...(ctx.turnCommits.get(request) ?? []), ...commits]);
  }
  return ctx;
}

/** Whether the turn of `request` committed its work elsewhere (it printed commits, not this one). */
function committedElsewhere(ctx: IntentContext, request: string, sha: string): boolean {
  const commits = ctx.turnCommits.get(request);
  return commits !== undefined && !commits.some((s) => sha.startsWith(s));
}

/** `git cherry-pick -x` ends the message with this line; several when a pick was picked again. */
const CHERRY_PICKED = /^\(cherry picked from commit ([0-9a-f]{7,40})\)$/gm;

/** The stored commits that `c`'s message says it was cherry-picked from (one per line that names exactly one). */
function cherryPickedFrom(db: Db, root: string, c: LinkCommit): string[] {
  const out: string[] = [];
  for (const m of c.body.matchAll(CHERRY_PICKED)) {
    const found = commitsWithPrefix(db, root, m[1]!);
    if (found.length === 1 && found[0] !== c.sha) out.push(found[0]!);
  }
  return out;
}

/**
 * Evidence that decides a (request, file) pair on its own: the tool's own commit line, the
 * edit's text in the commit, a carried link. Beside it, weaker rules add no other request.
 */
const STRONG = new Set(['aider-commit', 'edit-text', 'rewrite', 'patch-id', 'cherry-pick']);
const WEAK = new Set(['edit-window', 'mention', 'aider-applied']);

const iso = (ms: number): string => new Date(ms).toISOString();

/** What the link stage learns of one commit: its (request, file) links and its AI-written lines. */
export interface LinkedCommit {
  links: IntentLinkInput[];
  aiLines: AiLinesRow[];
}

/**
 * The (request, file) links one commit carries. Rewritten commits inherit the links of the
 * commits they replace; other files are inferred from edits, Aider lines and prompt mentions.
 */
export async function linkCommit(ctx: IntentContext, c: LinkCommit, aiTool: string | undefined): Promise<LinkedCommit> {
  const { db, root } = ctx;
  const out = new Map<string, { requestId: string; sessionId: string; path: string; score: Score; edits: string[]; from?: string; tool?: string }>();
  const add = (requestId: string, sessionId: string, path: string, score: Score, edits: string[] = [], from?: string, tool?: string): void => {
    const key = `${requestId}\0${path}`;
    const prev = out.get(key);
    if (!prev || score.confidence > prev.score.confidence) out.set(key, { requestId, sessionId, path, score, edits: [...(prev?.edits ?? []), ...edits], from, tool: tool ?? prev?.tool });
    else prev.edits.push(...edits);
  };

  // 1. Links follow rewritten commits: the post-rewrite map first, then the same patch-id, then
  // the original a `git cherry-pick -x` names (a backport whose conflicts changed the patch, or
  // of old history that has no patch-id).
  const carried = new Set<string>();
  const byPath = new Map(c.files.map((f) => [f.path, f] as const));
  const sources: [string, 'rewrite' | 'patch-id' | 'cherry-pick'][] = [
    ...rewrittenInto(db, root, c.sha).map((s) => [s, 'rewrite'] as [string, 'rewrite']),
    ...samePatchCommits(db, root, c.sha, c.patchId).map((s) => [s, 'patch-id'] as [string, 'patch-id']),
    ...cherryPickedFrom(db, root, c).map((s) => [s, 'cherry-pick'] as [string, 'cherry-pick']),
  ];
  for (const [old, kind] of sources) {
    for (const link of intentLinksForCommit(db, root, old)) {
      const file = byPath.get(link.path) ?? c.files.find((f) => f.oldPath === link.path);
      const entry = link.commits.find((e) => e.sha === old);
      if (!file || !entry) continue;
      carried.add(file.path);
      add(link.requestId, link.sessionId ?? '', file.path, { kind, confidence: entry.confidence, detail: `carried from ${old.slice(0, 10)} (${entry.evidence}: ${entry.detail ?? ''})`.trim() }, entry.edits ?? [], old);
    }
  }

  const untilMs = (c.committedAt + 1) * 1000 - 1;
  const aiderCommit = ctx.aider.filter((m) => aiderFacts(m.metadata).commits.some((s) => c.sha.startsWith(s)));
  // The tool committed the user's own work (Aider's `Committing PATH before applying edits`, its
  // start-up and /commit commits): a human change, so no rule may name a request for it. An AI
  // marker on the commit (author "… (aider)") says otherwise: then the rules decide.
  const printedAsUsers = aiderCommit.length === 0 ? ctx.aider.filter((m) => aiderFacts(m.metadata).userCommits.some((s) => c.sha.startsWith(s))) : [];
  const userWork = !aiTool && printedAsUsers.length > 0;
  const files = userWork ? [] : c.files.filter((f) => !carried.has(f.path));

  // 2. Aider's `> Commit <sha>` names this very commit.
  for (const m of aiderCommit) {
    const request = requestOf(ctx, m.id);
    if (!request) continue;
    const applied = new Set(aiderFacts(m.metadata).appliedEdits);
    for (const f of files) {
      if (applied.size > 0 && !applied.has(f.path) && !(f.oldPath && applied.has(f.oldPath))) continue;
      add(request, m.sessionId, f.path, { kind: 'aider-commit', confidence: 0.95, detail: `Aider printed "Commit ${c.sha.slice(0, 7)}"` }, [], undefined, m.source ?? 'aider');
    }
  }

  // 3. Edits to the commit's paths, between the previous commit of each file and this one.
  const paths = files.flatMap((f) => (f.oldPath ? [f.path, f.oldPath] : [f.path]));
  const loose = editsToPaths(db, root, paths, iso(untilMs)).filter((e) => Date.parse(e.createdAt) <= untilMs);
  const appliedOnly = ctx.aider.filter((m) => aiderFacts(m.metadata).commits.length === 0 && Date.parse(m.createdAt) <= untilMs);
  const decided = new Set<string>(); // request\0path pairs with edit evidence, for or against
  let diffs: Map<string, FileDiff> | undefined;
  const participants = new Set<string>(); // sessions with positive edit evidence in this commit
  for (const f of files) {
    const names = f.oldPath ? [f.path, f.oldPath] : [f.path];
    const edits: EditRow[] = loose.filter((e) => names.includes(e.path));
    const applied = appliedOnly.filter((m) => aiderFacts(m.metadata).appliedEdits.some((p) => names.includes(p)));
    if (edits.length === 0 && applied.length === 0) continue;
    const prev = await previousCommitOf(root, c.sha, f.oldPath && f.status === 'R' ? f.oldPath : f.path);
    const fromMs = prev ? (prev.committedAt + 1) * 1000 : -Infinity;
    const inWindow = edits.filter((e) => Date.parse(e.createdAt) >= fromMs);
    diffs ??= await commitDiff(root, c.sha);
    const diff = diffs.get(f.path);
    for (const e of inWindow) {
      const request = e.requestId && isPrompt(db, e.requestId) ? e.requestId : requestOf(ctx, e.messageId ?? e.requestId ?? '');
      if (!request || committedElsewhere(ctx, request, c.sha)) continue;
      decided.add(`${request}\0${f.path}`);
      const s = scoreEdit(e, f.status === 'D' ? { added: [], removed: diff?.removed ?? [] } : diff);
      if (s === 'contradicted') continue;
      participants.add(e.sessionId);
      add(request, e.sessionId, f.path, s, [e.id]);
    }
    for (const m of applied.filter((a) => Date.parse(a.createdAt) >= fromMs)) {
      const request = requestOf(ctx, m.id);
      if (!request || committedElsewhere(ctx, request, c.sha)) continue;
      decided.add(`${request}\0${f.path}`);
      participants.add(m.sessionId);
      add(request, m.sessionId, f.path, { kind: 'aider-applied', confidence: 0.6, detail: 'Aider printed "Applied edit to" this path' });
    }
  }
  for (const m of aiderCommit) participants.add(m.sessionId);

  // 4. The prompt names the path or a symbol of the file, between the parent commit and this
  // one — only when a trailer says this commit was made with the session's tool. The trailer says
  // an AI was involved, the name says which request; either alone links nothing. (Sessions whose
  // edits are recorded and did not touch the file do not count: the file was changed by hand.)
  if (files.length <= 50 && aiTool) {
    const parent = c.parents[0] ? getCommit(db, root, c.parents[0]) : undefined;
    const fromMs = parent ? (parent.committedAt + 1) * 1000 : -Infinity;
    const prompts = promptsBetween(db, root, iso(Number.isFinite(fromMs) ? fromMs : 0), iso(untilMs)).filter((p) => sameTool(p.source, aiTool) && !participants.has(p.sessionId));
    if (prompts.length > 0) {
      diffs ??= await commitDiff(root, c.sha);
      for (const f of files) {
        if (f.status === 'D') continue;
        const symbols = definedSymbols(diffs.get(f.path)?.added ?? []);
        for (const p of prompts) {
          if (decided.has(`${p.id}\0${f.path}`) || out.has(`${p.id}\0${f.path}`)) continue;
          const s = mentionScore(p.content, f.path, symbols);
          if (s) add(p.id, p.sessionId, f.path, { ...s, confidence: Math.round((s.confidence + 0.1) * 100) / 100, detail: `${s.detail}; a ${aiTool} trailer on the commit` });
        }
      }
    }
  }

  // The tool printed the commit in a turn with no edit of its own, yet marked it as its work
  // (author "… (aider)"): several processes wrote one history, and this turn's lines landed
  // after another's. The request is the newest one typed into any of its sessions before it.
  if (aiTool && out.size === 0) {
    for (const m of printedAsUsers.filter((p) => p.source !== null && sameTool(p.source, aiTool)).slice(0, 1)) {
      const request = promptBefore(db, root, m.source!, m.rowid);
      if (!request) continue;
      for (const f of files) {
        add(request, '', f.path, { kind: 'aider-commit', confidence: 0.6, detail: `Aider printed "Commit ${c.sha.slice(0, 7)}" after another session's lines; the newest request before it` }, [], undefined, m.source!);
      }
    }
  }

  // Strong evidence decides: the tool's commit line names the turn outright, and an edit whose
  // text is in the commit outweighs a window, a mention or an applied-edit line.
  const kinds = new Map<string, Set<string>>();
  for (const v of out.values()) kinds.set(v.path, (kinds.get(v.path) ?? new Set()).add(v.score.kind));
  for (const [key, v] of out) {
    const k = kinds.get(v.path)!;
    if (k.has('aider-commit') && !STRONG.has(v.score.kind)) out.delete(key);
    else if (k.has('aider-commit') && v.score.kind === 'edit-text') out.delete(key);
    else if ([...k].some((x) => STRONG.has(x)) && WEAK.has(v.score.kind)) out.delete(key);
  }

  if (out.size === 0) return { links: [], aiLines: [] };
  const aiLines = await countCommitAiLines(ctx, c, [...out.values()], loose, async () => (diffs ??= await commitDiff(root, c.sha)));
  const infos = messageInfos(db, [...new Set([...out.values()].map((v) => v.requestId))]);
  const links = [...out.values()].map((v) => {
    const entry: IntentCommitEntry = { sha: c.sha, patchId: c.patchId, evidence: v.score.kind, confidence: v.score.confidence, detail: v.score.detail };
    if (v.edits.length > 0) entry.edits = [...new Set(v.edits)];
    if (v.from) entry.from = v.from;
    const info = infos.get(v.requestId);
    return { project: root, requestId: v.requestId, sessionId: v.sessionId || info?.sessionId || '', path: v.path, label: summarize(info?.content ?? ''), entry };
  });
  return { links, aiLines };
}

/**
 * The commit's added lines that its links' AI edits wrote, per file and tool. A file Aider's own
 * `> Commit` line names is all Aider's (it commits the user's edits apart, before its own); a
 * carried link brings the figure of the commit it was carried from; otherwise the lines of the
 * linked edits are matched against the commit's added lines. Weak evidence (a window, a mention)
 * names a request but no line, so it counts nothing.
 */
async function countCommitAiLines(
  ctx: IntentContext,
  c: LinkCommit,
  links: { path: string; score: Score; edits: string[]; from?: string; tool?: string }[],
  edits: EditRow[],
  diffOf: () => Promise<Map<string, FileDiff>>,
): Promise<AiLinesRow[]> {
  const out: AiLinesRow[] = [];
  const byId = new Map(edits.map((e) => [e.id, e] as const));
  for (const f of c.files) {
    if (f.status === 'D') continue;
    const mine = links.filter((l) => l.path === f.path);
    if (mine.length === 0) continue;
    const carried = mine.find((l) => l.from);
    if (carried?.from) {
      const names = new Set([f.path, f.oldPath]);
      for (const r of aiLinesOfCommit(ctx.db, ctx.root, carried.from)) if (names.has(r.path)) out.push({ ...r, path: f.path });
      continue;
    }
    const added = (await diffOf()).get(f.path)?.added ?? [];
    if (added.length === 0) continue;
    const fileLinks = mine.map((l) => ({ evidence: l.score.kind, tool: l.tool, edits: l.edits.map((id) => byId.get(id)).filter((e): e is EditRow => e !== undefined) }));
    // Per tool: Aider's link by its own tool, an edit by the tool that made it.
    const owners = lineOwners(added, fileLinks, (l, e) => (e ? (e.source ?? e.tool) : l.tool));
    for (const [tool, lines] of countAiLines(owners)) out.push({ path: f.path, tool, lines });
  }
  return out;
}

/**
 * `<tool>:<when>` when the tool committed the user's own work in `c` by its own account (Aider's
 * `Committing PATH before applying edits.`, start-up and /commit commits; `when` is empty when the
 * history does not say) and nothing marks the commit as the tool's: the fact `lore why` shows
 * instead of "no recorded request". Same rule as linkCommit's `userWork`.
 */
export function userWorkOf(ctx: IntentContext, c: Pick<LinkCommit, 'sha'>, aiTool: string | undefined): string | undefined {
  if (aiTool) return undefined;
  let when: string | undefined;
  for (const m of ctx.aider) {
    if (aiderFacts(m.metadata).commits.some((s) => c.sha.startsWith(s))) return undefined;
    const entry = userCommitEntry(m.metadata, c.sha);
    if (entry && when === undefined) when = `${m.source ?? 'aider'}:${entry.when ?? ''}`;
  }
  return when;
}

function userCommitEntry(metadata: Record<string, unknown>, sha: string): { when?: string } | undefined {
  const list = Array.isArray(metadata.userCommits) ? (metadata.userCommits as unknown[]) : [];
  for (const e of list) {
    const prefix = typeof e === 'string' ? e : typeof (e as { sha?: unknown })?.sha === 'string' ? (e as { sha: string }).sha : '';
    if (prefix.length >= 4 && sha.startsWith(prefix.toLowerCase())) {
      const when = (e as { when?: unknown })?.when;
      return typeof when === 'string' ? { when } : {};
    }
  }
  return undefined;
}

function requestOf(ctx: IntentContext, messageId: string): string | undefined {
  if (!messageId) return undefined;
  if (!ctx.requests.has(messageId)) ctx.requests.set(messageId, turnRequest(ctx.db, messageId));
  return ctx.requests.get(messageId);
}

function sameTool(source: string | null, tool: string): boolean {
  return source !== null && (source === tool || source.startsWith(tool) || tool.startsWith(source));
}

/** First line of a request, trimmed for a label. */
export function summarize(text: string, max = 120): string {
  const line = text.trim().split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
