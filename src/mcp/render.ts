// Compact text answers for a model: the facts of each use case's result in few tokens, no colour,
// no padding. The structured JSON goes beside them (structuredContent), so nothing here has to be
// parsed back.
import type { CommitInfo, CommitRequest, LearningInfo, LearningsResult, RelatedResult, SearchResult, SessionSummary, StoredEdit, StoredMessage, WhyResult } from '../app/index.js';

const CHANGES_SHOWN = 10;

const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '----------');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The session's whole id (it names its tool, and show_session takes it), else the tool. */
function source(tool: string | null, session: string | null): string {
  return session ? `session ${session}` : (tool ?? 'chat');
}

function request(q: CommitRequest): string {
  return `← "${oneLine(q.text, 300)}" (${source(q.tool, q.sessionId)}, ${day(q.date)}${q.sharedBy ? `, shared by ${q.sharedBy}` : ''})${q.wroteLine ? ' WROTE THIS LINE' : ''}`;
}

/** Another attribution tool's record of the change (git-ai, Entire, Agent Trace), in one line. */
function provenance(p: NonNullable<CommitInfo['provenance']>[number]): string {
  const wrote = p.lines !== null ? ` wrote ${plural(p.lines, 'line')}${p.ranges ? ` (${oneLine(p.ranges, 60)})` : ''}` : p.commitLines ? ` wrote ${p.commitLines.agent} of the commit's ${plural(p.commitLines.total, 'added line')}` : '';
  const what = [p.conversation ? `conversation ${p.conversation}` : '', p.source === 'entire' && p.record ? `checkpoint ${p.record}` : ''].filter(Boolean).join(', ');
  return `${p.source}: ${p.tool}${p.model ? ` (${p.model})` : ''}${wrote}${p.atLine ? ', this line among them' : ''}${what ? `, ${what}` : ''}${p.prompt ? ` ← "${oneLine(p.prompt, 200)}"` : ''}`;
}

function commitLine(c: CommitInfo): string {
  const how = c.status === 'R' && c.oldPath ? ` (renamed from ${c.oldPath})` : c.status === 'D' ? ' (deleted)' : '';
  return `${c.sha.slice(0, 10)} ${day(c.date)} ${c.author}: ${oneLine(c.subject, 120)}${how}`;
}

function commitBlock(c: CommitInfo, indent: string): string[] {
  const lines = [`${indent}${commitLine(c)}`];
  if (c.requests.length === 0) lines.push(`${indent}  no recorded request${c.aiTool ? ` (a trailer says ${c.aiTool} was involved)` : ''}`);
  for (const q of c.requests) lines.push(`${indent}  ${request(q)}`);
  for (const p of c.provenance ?? []) lines.push(`${indent}  ${provenance(p)}`);
  if (c.aiLines) lines.push(`${indent}  AI-written: ${c.aiLines.lines}${c.added !== null ? ` of ${c.added}` : ''} added lines${c.aiLines.sharedBy ? ` (counted by ${c.aiLines.sharedBy.join(', ')})` : ''}`);
  return lines;
}

export function learningLine(l: LearningInfo): string {
  const from = l.sharedBy ? `shared by ${l.sharedBy}` : l.checkpoint ? `Entire checkpoint ${l.checkpoint}` : l.doc ?? (l.source === 'manual' ? 'lore learn' : l.source === 'extracted' ? `extracted from ${l.sessionId ?? 'a session'}` : l.source);
  const where = l.lines ? `, line${l.lines.start === l.lines.end ? ` ${l.lines.start}` : `s ${l.lines.start}-${l.lines.end}`} at ${l.lines.commit.slice(0, 10)}` : '';
  return `${l.atLine ? 'ABOUT THIS LINE: ' : ''}${day(l.date)} [${l.category}] ${oneLine(l.content, 400)} (${from}${where})${l.stale ? ` STALE: ${l.staleReason}` : ''}`;
}

/** `why`: what `lore why` prints, in fewer words. */
export function whyText(r: WhyResult, all: boolean): string {
  const asked = r.renamed?.from ?? r.file;
  const out = [`${r.line !== null ? `${asked}:${r.line}` : asked} (${plural(r.total, 'commit')})`, r.summary.text];
  if (r.blamed) out.push(`Line ${r.line} last changed:`, ...commitBlock(r.blamed, '  '));
  if (r.origin) {
    out.push('Origin:', ...commitBlock(r.origin, '  '));
    if (r.origin.path && r.origin.path !== r.file) out.push(`  created as ${r.origin.path}`);
  } else out.push('Origin: not found in the indexed history');
  if (r.decisions.length > 0) {
    out.push(`Decisions (${r.decisions.length}):`);
    for (const d of r.decisions) {
      out.push(`- ${day(d.date)} "${oneLine(d.sentence, 300)}" (${source(d.tool, d.sessionId)}${d.sharedBy ? `, shared by ${d.sharedBy}` : ''})`);
      for (const a of d.priorArt) out.push(`  prior art (${Math.round(a.similarity * 100)}% alike): ${a.ref} "${oneLine(a.text, 200)}"${a.project ? ` in ${a.project}` : ''}`);
    }
  }
  if (r.learnings.length > 0) out.push(`Learnings (${r.learnings.length}):`, ...r.learnings.map((l) => `- ${learningLine(l)}`));
  const later = r.changes.filter((c) => c.sha !== r.origin?.sha);
  if (later.length > 0) {
    // As `lore why` does: past one screen, the changes a reader can follow to a request first.
    const requested = later.filter((c) => c.requests.length > 0);
    const reorder = !all && later.length > CHANGES_SHOWN && requested.length > 0 && requested.length < later.length;
    const ordered = reorder ? [...requested, ...later.filter((c) => c.requests.length === 0)] : later;
    const shown = all ? ordered : ordered.slice(0, CHANGES_SHOWN);
    out.push(`Changes since (${later.length}${reorder ? ', those with a recorded request first' : ''}, newest first):`);
    for (const c of shown) out.push(...commitBlock(c, '').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)));
    if (shown.length < later.length) out.push(`… ${later.length - shown.length} more (call why with all: true)`);
  }
  if (r.graph.isCode && !r.graph.deleted) {
    const g = r.graph;
    if (g.importers === null || g.imports === null) out.push('Imports: unknown (the import graph has not been built)');
    else {
      const list = (xs: string[]): string => (xs.length === 0 ? '' : `: ${xs.slice(0, 10).join(', ')}${xs.length > 10 ? `, +${xs.length - 10} more` : ''}`);
      out.push(`Imports ${g.imports.length}${list(g.imports)}; ${g.unreferenced ? 'nothing imports this file' : `imported by ${g.importers.length}${list(g.importers)}`}`);
    }
  }
  return out.join('\n');
}

export function searchText(r: SearchResult): string {
  if (r.empty) return 'nothing indexed yet: run `lore init` in a repository';
  if (r.hits.length === 0) return `no matches for ${JSON.stringify(r.query)}`;
  const out: string[] = [];
  r.hits.forEach((h, i) => {
    const what = h.kind === 'commit' ? `commit ${h.sha?.slice(0, 10) ?? ''}` : h.kind === 'learning' ? 'learning' : (h.role ?? 'message');
    const where = h.kind === 'commit' ? (h.project ?? '') : (h.sessionTitle ?? h.sessionId ?? '');
    out.push(`${i + 1}. [${what}] ${day(h.date)} ${h.tool ?? ''} ${oneLine(where, 80)}`.trimEnd());
    out.push(`   ${oneLine(h.snippet.replace(/\u0002/g, '«').replace(/\u0003/g, '»'), 400)}`);
    if (h.files.length > 0) out.push(`   files: ${h.files.slice(0, 10).join(', ')}${h.files.length > 10 ? ` +${h.files.length - 10} more` : ''}`);
    out.push(`   id: ${h.id}${h.sessionId ? ` session: ${h.sessionId}` : ''}`);
  });
  return out.join('\n');
}

export function relatedText(r: RelatedResult, limit: number): string {
  const out = [r.file];
  const list = (title: string, items: string[], empty: string): void => {
    if (items.length === 0) out.push(`${title}: ${empty}`);
    else out.push(`${title} (${items.length}): ${items.slice(0, limit).join(', ')}${items.length > limit ? `, +${items.length - limit} more` : ''}`);
  };
  if (!r.isCode) out.push('Imports: not a TS/JS file');
  else {
    list('Imports', r.imports.map((n) => (n.depth > 1 ? `${n.path} (${n.depth} steps)` : n.path)), 'nothing');
    list('Imported by', r.importers.map((n) => (n.depth > 1 ? `${n.path} (${n.depth} steps)` : n.path)), 'nothing imports this file');
  }
  const t = r.changedTogether;
  if (t.commits === 0) out.push('Changed together: no commits of this file in the indexed history');
  else list(`Changed together (over ${plural(t.commits, 'commit')})`, t.files.map((f) => `${f.path} ×${f.commits}`), t.largeCommits === t.commits ? 'only in large commits' : 'always changed alone');
  const s = r.sameRequests;
  if (s.requests === 0) out.push('Edited for the same requests: no recorded AI edits of this file');
  else list(`Edited for the same requests (${plural(s.requests, 'request')})`, s.files.map((f) => `${f.path} ×${f.requests}`), 'no other file');
  return out.join('\n');
}

export function learningsText(r: LearningsResult): string {
  if (r.learnings.length === 0) return r.file ? `no learnings attached to ${r.file}` : 'no learnings recorded for this repository';
  const out = [`${plural(r.learnings.length, 'learning')}${r.file ? ` about ${r.file}` : ''}:`];
  for (const l of r.learnings) out.push(`- ${learningLine(l)}${!r.file && l.files.length > 0 ? ` — ${l.files.join(', ')}` : ''}`);
  return out.join('\n');
}

export function sessionsText(sessions: SessionSummary[]): string {
  if (sessions.length === 0) return 'no sessions match';
  return sessions
    .map((s) => `${s.id} ${day(s.lastMessageAt ?? s.createdAt)} ${s.messages} msg ${s.edits} edits ${oneLine(s.title ?? '(untitled)', 100)}${s.projectPath ? ` — ${s.projectPath}` : ''}`)
    .join('\n');
}

export function sessionText(session: SessionSummary, messages: StoredMessage[], edits: StoredEdit[], window: { offset: number; limit: number; full: boolean }): string {
  const out = [
    `${session.title ?? '(untitled)'}`,
    `${session.id} ${session.source ?? ''} ${session.projectPath} ${session.createdAt ?? '?'} → ${session.lastMessageAt ?? '?'}; ${plural(messages.length, 'message')}, ${plural(edits.length, 'edit')}`,
  ];
  const byMessage = new Map<string, StoredEdit[]>();
  for (const e of edits) byMessage.set(e.messageId ?? '', [...(byMessage.get(e.messageId ?? '') ?? []), e]);
  const shown = messages.slice(window.offset, window.offset + window.limit);
  for (const m of shown) {
    const kind = String(m.metadata.kind ?? '');
    const who = kind === 'prompt' ? 'user' : m.role === 'assistant' ? `assistant${kind === 'thinking' ? ' (thinking)' : ''}` : kind === 'tool_result' ? 'tool result' : `${m.role}${kind ? ` (${kind})` : ''}`;
    const max = window.full ? 20_000 : kind === 'prompt' ? 2000 : 600;
    out.push(`[${m.createdAt?.slice(0, 19) ?? '?'}] ${who}: ${m.content.length > max ? `${m.content.slice(0, max - 1)}…` : m.content}`);
    for (const e of byMessage.get(m.id) ?? []) out.push(`  ${e.metadata.failed === true ? '✗ edit rejected' : '✎ edit'} ${e.path} (${e.tool})`);
  }
  const rest = messages.length - window.offset - shown.length;
  if (rest > 0) out.push(`… ${rest} more messages (call show_session with offset: ${window.offset + shown.length})`);
  return out.join('\n');
}
