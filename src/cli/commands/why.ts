import type { CommandModule } from 'yargs';
import type { CommitInfo, CommitRequest, LearningInfo, ProvenanceInfo, WhyResult } from '../../app/index.js';
import { placeOf } from '../context.js';
import type { GitOutput } from '../early-blame.js';
import { bold, cyan, day, dim, print, printJson, shortSession, withJson, yellow, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

export interface WhyArgs extends GlobalArgs, OutputArgs {
  target: string;
  all?: boolean;
  evidence?: boolean;
}

export const whyCommand: CommandModule<GlobalArgs, WhyArgs> = {
  command: 'why <target>',
  describe: 'Explain why a file (or FILE:LINE) exists: the requests behind its origin and every change, decisions, learnings',
  builder: (y) =>
    withJson(y)
      .positional('target', { type: 'string', demandOption: true, describe: 'FILE or FILE:LINE' })
      .option('all', { type: 'boolean', describe: 'show full commit messages and every change (not just the newest 10)' })
      .option('evidence', { type: 'boolean', describe: 'show why each request was linked to a change (evidence and confidence)' }) as never,
  handler: (args) => runWhy(args),
};

/** Answers `lore why` (also reached without yargs, from src/cli/fast-path.ts, with the blame bin.ts started). */
export async function runWhy(args: WhyArgs, blame?: Promise<GitOutput>): Promise<void> {
  const { why } = await import('../../app/index.js');
  const report = stderrReporter();
  try {
    const result = await why(placeOf(args), args.target, report, blame ? { blame } : {});
    report.stop();
    if (args.json) printJson(result);
    else renderWhy(result, { full: args.all ?? false, evidence: args.evidence ?? false });
  } finally {
    report.stop();
  }
}

const TIMELINE_MAX = 10;

interface RenderOptions {
  full: boolean;
  evidence: boolean;
  /** Some change of the file has a recorded request (else "no recorded request" is said once). */
  anyRequest?: boolean;
  /** Commits the link stage has not seen yet: "not linked yet" rather than "no recorded request". */
  unlinked?: Set<string>;
}

export function renderWhy(r: WhyResult, opts: RenderOptions | boolean): void {
  const base: RenderOptions = typeof opts === 'boolean' ? { full: opts, evidence: false } : opts;
  const o: RenderOptions = {
    ...base,
    anyRequest: r.changes.some((c) => c.requests.length > 0) || (r.blamed?.requests.length ?? 0) > 0,
    unlinked: new Set(r.linking?.unlinked ?? []),
  };
  // The name asked about, also when it is an old one (the summary says what it is called now).
  const asked = r.renamed?.from ?? r.file;
  const where = r.line !== null ? `${asked}:${r.line}` : asked;
  print(`${bold(where)}  ${dim(`${r.total} commit${r.total === 1 ? '' : 's'}`)}`);
  print(r.summary.text.charAt(0).toUpperCase() + r.summary.text.slice(1));
  if (r.linking) print(dim(linkingLine(r.linking, r.total)));
  if (r.blamed) {
    print();
    // A line of a path gone from HEAD counts in its last version (the parent of the commit that removed it).
    const at = r.lineRev ? ` ${dim(`(in ${asked} as of ${r.lineRev.slice(0, 10)}^, before it was ${r.renamed ? 'renamed' : 'deleted'})`)}` : '';
    print(`${bold(`Line ${r.line} last changed`)}${at}`);
    printCommit(r.blamed, o, true);
  }
  print();
  if (r.origin) {
    print(bold('Origin'));
    printCommit(r.origin, o, true);
    if (r.origin.path && r.origin.path !== r.file) print(`  ${dim(`created as ${r.origin.path}`)}`);
  } else {
    print(`${bold('Origin')}  ${dim('not found in the indexed history')}`);
  }
  if (r.decisions.length > 0) {
    print();
    print(bold(`Decisions (${r.decisions.length})`));
    for (const d of r.decisions) {
      print(`  ${day(d.date)}  "${d.sentence}"  ${dim(`${source(d.tool, d.sessionId)}${d.sharedBy ? `, shared by ${d.sharedBy}` : ''}`)}`);
      if (o.evidence) print(`      ${dim(`evidence: ${d.evidence} (confidence ${d.confidence})`)}`);
      for (const a of d.priorArt) print(`      ${dim(`prior art (${Math.round(a.similarity * 100)}% alike): ${a.ref} "${a.text}"${a.project ? ` in ${a.project}` : ''}`)}`);
    }
  }
  if (r.learnings.length > 0) {
    print();
    print(bold(`Learnings (${r.learnings.length})`));
    for (const l of r.learnings) printLearning(l);
  }
  const later = r.changes.filter((c) => c.sha !== r.origin?.sha);
  if (later.length > 0) {
    print();
    // One screen; --all lists every change, newest first. When they do not fit, the changes a
    // reader can follow back to a request (or to another tool's record) come first: they are what
    // the question is about.
    const explained = (c: CommitInfo): boolean => c.requests.length > 0 || (c.provenance?.length ?? 0) > 0;
    const requested = later.filter(explained);
    const reorder = !o.full && later.length > TIMELINE_MAX && requested.length > 0 && requested.length < later.length;
    const ordered = reorder ? [...requested, ...later.filter((c) => !explained(c))] : later;
    const first = later.some((c) => c.requests.length === 0 && c.provenance) ? "a recorded request or another tool's record" : 'a recorded request';
    print(bold(reorder ? `Changes since (${later.length}), those with ${first} first, newest first` : `Changes since, newest first (${later.length})`));
    const shown = o.full ? ordered : ordered.slice(0, TIMELINE_MAX);
    for (const c of shown) printCommit(c, o, false);
    const rest = later.length - shown.length;
    if (rest > 0) print(`  ${dim(`… ${rest} ${reorder ? 'more' : 'older'} change${rest === 1 ? '' : 's'}: lore why ${r.renamed?.from ?? r.file} --all`)}`);
  }
  if (r.graph.isCode && !r.graph.deleted) {
    print();
    print(graphLine(r));
  }
}

/** "linking 12,034 commits in the background; answers may grow", and how many of this file's changes wait. */
function linkingLine(l: NonNullable<WhyResult['linking']>, total: number): string {
  const mine = l.unlinked.length > 0 ? ` (${l.unlinked.length} of this file's ${total} not linked yet)` : '';
  return `linking ${l.pending.toLocaleString('en-US')} commit${l.pending === 1 ? '' : 's'} in the background${mine}; answers may grow`;
}

export function printLearning(l: LearningInfo): void {
  const stale = l.stale ? `  ${yellow('STALE')} ${dim(`(${l.staleReason})`)}` : '';
  const from = l.sharedBy ? `shared by ${l.sharedBy}` : l.checkpoint ? `Entire checkpoint ${l.checkpoint}` : l.doc ?? (l.source === 'extracted' ? `extracted from ${l.sessionId ? sessionLabel(l.sessionId) : 'a session'}` : l.source === 'manual' ? 'lore learn' : l.source);
  // A code finding's lines, numbered as its commit had the file.
  const lines = l.lines ? dim(`, line${l.lines.start === l.lines.end ? ` ${l.lines.start}` : `s ${l.lines.start}\u2013${l.lines.end}`} at ${l.lines.commit.slice(0, 10)}`) : '';
  print(`  ${day(l.date)}  [${l.category}] ${l.content}  ${dim(from)}${lines}${l.atLine ? `  ${cyan('← this line')}` : ''}${stale}`);
}

function graphLine(r: WhyResult): string {
  const g = r.graph;
  if (g.importers === null || g.imports === null) return dim('Imports: unknown (the import graph has not been built)');
  const list = (xs: string[]): string => (xs.length === 0 ? '' : `: ${xs.slice(0, 5).join(', ')}${xs.length > 5 ? `, +${xs.length - 5} more` : ''}`);
  const importers = g.unreferenced ? yellow('nothing imports this file') : `imported by ${g.importers.length}${list(g.importers)}`;
  return `Imports ${g.imports.length}${list(g.imports)} · ${importers}`;
}

function printCommit(c: CommitInfo, o: RenderOptions, quoteFull: boolean): void {
  const rename = c.status === 'R' && c.oldPath ? dim(` (renamed from ${c.oldPath})`) : c.status === 'D' ? dim(' (deleted)') : '';
  print(`  ${cyan(c.sha.slice(0, 10))}  ${day(c.date)}  ${authorColumn(c.author)}  ${c.subject}${rename}`);
  if (o.full && c.body) for (const line of c.body.split('\n')) print(`      ${line}`);
  for (const p of c.provenance ?? []) provenanceLines(p, o.full).forEach((line, i) => print(`      ${dim(line)}${i === 0 && p.atLine ? `  ${cyan('← this line')}` : ''}`));
  if (c.requests.length === 0) {
    // When no change of the file has a request, the summary line says so once (and the line under
    // it says what linking still waits).
    if (c.userWork) print(`      ${dim(c.userWork)}`);
    else if (o.anyRequest || c.aiTool) {
      const why = o.unlinked?.has(c.sha) ? 'not linked yet (linking in the background)' : 'no recorded request';
      print(`      ${dim(`${why}${c.aiTool ? ` (the commit says ${c.aiTool} was involved)` : ''}`)}`);
    }
    return;
  }
  for (const q of c.requests) {
    const text = quoteFull ? q.text.replace(/\s+/g, ' ') : oneLine(q.text, 100);
    print(`      ← "${text}"  ${dim(`${source(q.tool, q.sessionId)}, ${day(q.date)}${q.sharedBy ? `, shared by ${q.sharedBy}` : ''}`)}${q.wroteLine ? `  ${cyan('wrote this line')}` : ''}`);
    if (o.evidence) print(`        ${dim(`evidence: ${q.evidence} (confidence ${q.confidence})${q.detail ? ` — ${q.detail}` : ''}`)}`);
  }
  if (c.aiLines) print(`      ${aiShare(c)}`);
}

/** "AI 12/15 lines (claude-code)": the change's lines AI edits wrote, under its requests. */
function aiShare(c: CommitInfo): string {
  if (!c.aiLines) return '';
  const tools = Object.keys(c.aiLines.byTool).sort((a, b) => c.aiLines!.byTool[b]! - c.aiLines!.byTool[a]!);
  return dim(`AI ${c.aiLines.lines}${c.added !== null ? `/${c.added}` : ''} lines (${tools.join(', ')})${c.aiLines.sharedBy ? `, counted by ${c.aiLines.sharedBy.join(', ')}` : ''}`);
}

const AUTHOR_WIDTH = 16;
const AUTHOR_MAX = 28;

/**
 * The author, padded to a column. A longer name widens its row rather than lose a marker such as
 * Aider's "(aider)" suffix, which says who wrote the change; only a name past AUTHOR_MAX is cut,
 * and then before its suffix.
 */
function authorColumn(author: string): string {
  if (author.length <= AUTHOR_MAX) return author.padEnd(AUTHOR_WIDTH);
  const suffix = / \([^()]*\)$/.exec(author)?.[0] ?? '';
  return `${author.slice(0, AUTHOR_MAX - suffix.length - 1)}…${suffix}`;
}

function source(tool: string | null, session: string | null): string {
  return `${tool ?? 'chat'}${session ? ` session ${shortSession(session)}` : ''}`;
}

/** `claude-code:4f70b41d-...` → `claude-code session 4f70b41d`. */
function sessionLabel(id: string): string {
  const tool = id.includes(':') ? id.slice(0, id.indexOf(':')) : null;
  return source(tool, id);
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export type { CommitRequest };

/** Another attribution tool's record of a change: `git-ai: claude (model) wrote 3 lines (36,246,251), conversation 9279810e`. */
function provenanceLines(p: ProvenanceInfo, full: boolean): string[] {
  const who = `${p.source}: ${p.tool}${p.model ? ` (${p.model})` : ''}`;
  // A lore session id (`claude-code:4f70b41d-…`, from lore's own export) shows as lore prints sessions.
  const conversation = p.conversation ? `${p.source === 'entire' ? 'session' : 'conversation'} ${p.conversation.replace(/^[a-z][a-z-]*:/, '').slice(0, 8)}` : '';
  const wrote = p.lines !== null
    ? `wrote ${p.lines} line${p.lines === 1 ? '' : 's'}${p.ranges ? ` (${p.ranges.length > 40 ? `${p.ranges.slice(0, 39)}…` : p.ranges})` : ''}`
    : p.commitLines
      ? `wrote ${p.commitLines.agent} of the commit's ${p.commitLines.total} added line${p.commitLines.total === 1 ? '' : 's'}`
      : '';
  const head = [who + (wrote ? ` ${wrote}` : ''), conversation, p.record && p.source === 'entire' ? `checkpoint ${p.record}` : ''].filter(Boolean).join(', ');
  if (!p.prompt) return [head];
  const text = p.prompt.replace(/\s+/g, ' ').trim();
  return [head, `  ← "${full || text.length <= 100 ? text : `${text.slice(0, 99)}…`}"`];
}
