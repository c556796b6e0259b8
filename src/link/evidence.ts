import { adapters, type SourceAdapter } from '../sources/index.js';

/**
 * Pure scoring of request→change evidence (DESIGN.md §3, docs/linking.md). Strongest first:
 * an edit whose text is in the commit's added lines; an edit to the path with no text to check;
 * Aider's applied-edit / commit lines; the prompt naming the path or a symbol of the file.
 */

export type EvidenceKind =
  | 'edit-text' // the edit's new text is in the commit's added lines
  | 'edit-text-partial' // some of it is
  | 'edit-window' // an edit to the path in the window, with no text to compare
  | 'aider-commit' // Aider printed `> Commit <sha>` in that turn
  | 'aider-applied' // Aider printed `> Applied edit to <path>` in the window
  | 'mention' // the prompt names the path or a symbol the file defines
  | 'rewrite' // carried from the commit a rebase/amend rewrote (post-rewrite map)
  | 'patch-id' // carried from a commit with the same patch-id
  | 'cherry-pick'; // carried from the commit `git cherry-pick -x` named in the message

export interface Score {
  kind: EvidenceKind;
  confidence: number;
  detail: string;
}

export interface EditText {
  tool: string;
  oldText: string | null;
  newText: string | null;
  /** The tool's own hunks (unified diff), when its transcript has them. */
  patch?: string | null;
}

export interface DiffLines {
  added: string[];
  removed: string[];
}

/**
 * Lines that carry meaning: trimmed, with at least three letters or digits. Braces, blank lines
 * and `});` appear in every diff and would match anything.
 */
export function significantLines(text: string | null | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.replace(/[^\p{L}\p{N}]/gu, '').length >= 3) out.push(line);
  }
  return out;
}

/**
 * How well an edit explains a commit's change to one file. Returns `contradicted` when the edit
 * had text to check and none of it is in the commit: the edit was reverted or rewritten before
 * the commit, so it is not evidence at all (and must not fall back to the weaker window rule).
 * The tool's hunks, when recorded, are judged too (whole lines); the edit's text still counts
 * when they find less, so hunks never turn the text's evidence against the link. Only where the
 * text cannot judge (no significant line) do the hunks alone decide.
 */
export function scoreEdit(edit: EditText, diff: DiffLines | undefined): Score | 'contradicted' {
  const byText = scoreEditText(edit, diff);
  const byHunks = edit.patch ? scoreHunks(edit.tool, edit.patch, diff) : undefined;
  if (!byHunks) return byText;
  // Text with nothing to judge by (none, or only short fragments) leaves the verdict to the hunks.
  if (byText === 'contradicted' || byText.kind === 'edit-window') return byHunks;
  if (byHunks === 'contradicted') return byText;
  return byHunks.confidence >= byText.confidence ? byHunks : byText;
}

/**
 * The hunks' changed lines against the commit's: whole lines, so each is compared as a line (a
 * line of the hunk that landed is one of the commit's added lines). Undefined when the hunks
 * change no significant line (nothing to judge by).
 */
function scoreHunks(tool: string, patch: string, diff: DiffLines | undefined): Score | 'contradicted' | undefined {
  const { plus, minus } = hunkLines(patch);
  const added = significantLines(plus.join('\n'));
  const removed = significantLines(minus.join('\n'));
  const addedSet = new Set(added);
  const removedSet = new Set(removed);
  // A line both removed and added only moved (or was re-indented): it says nothing of this edit.
  const changedAdded = [...new Set(added.filter((l) => !removedSet.has(l)))];
  const changedRemoved = [...new Set(removed.filter((l) => !addedSet.has(l)))];
  if (changedAdded.length === 0 && changedRemoved.length === 0) return undefined;
  if (!diff) return 'contradicted';
  const [side, commitSide, label] = changedAdded.length > 0 ? [changedAdded, diff.added, 'added'] : [changedRemoved, diff.removed, 'removed'];
  const commitSet = new Set(significantLines(commitSide.join('\n')));
  const hits = side.filter((l) => commitSet.has(l)).length;
  if (hits === 0) return 'contradicted';
  const fraction = hits / side.length;
  const detail = `${hits} of ${side.length} line(s) ${label} by ${tool} (its hunks) are in the commit`;
  if (fraction >= 0.5) return { kind: 'edit-text', confidence: round(0.8 + 0.15 * fraction), detail };
  return { kind: 'edit-text-partial', confidence: 0.55, detail };
}

/**
 * The lines a tool's recorded hunks add (`+`) and remove (`-`), their first character cut. A stored
 * patch holds hunks only (the sources cut a diff's file headers), so a `+++ x` line is an added
 * `++ x`. The link rules and the AI-line count (ai-lines.ts) read hunks through this one parser.
 */
export function hunkLines(patch: string): { plus: string[]; minus: string[] } {
  const plus: string[] = [];
  const minus: string[] = [];
  for (const line of patch.split('\n')) {
    if (line[0] === '+') plus.push(line.slice(1));
    else if (line[0] === '-') minus.push(line.slice(1));
  }
  return { plus, minus };
}

function scoreEditText(edit: EditText, diff: DiffLines | undefined): Score | 'contradicted' {
  const newLines = significantLines(edit.newText);
  const oldLines = significantLines(edit.oldText);
  const oldSet = new Set(oldLines);
  const newSet = new Set(newLines);
  const editAdded = newLines.filter((l) => !oldSet.has(l));
  const editRemoved = oldLines.filter((l) => !newSet.has(l));
  if (editAdded.length === 0 && editRemoved.length === 0) {
    if (edit.newText == null && edit.oldText == null) return { kind: 'edit-window', confidence: 0.6, detail: `${edit.tool} of this path in the window, no text recorded` };
    // The same text before and after (an empty SEARCH/REPLACE): the edit changed nothing.
    if (edit.oldText != null && edit.oldText.trim() === (edit.newText ?? '').trim()) return 'contradicted';
    if (!diff) return 'contradicted';
    return { kind: 'edit-window', confidence: 0.5, detail: `${edit.tool} of this path in the window (whitespace or trivial lines only)` };
  }
  if (!diff) return 'contradicted';
  const [side, commitSide, label] = editAdded.length > 0 ? [editAdded, diff.added, 'added'] : [editRemoved, diff.removed, 'removed'];
  const commitLines = significantLines(commitSide.join('\n'));
  const commitSet = new Set(commitLines);
  const unique = [...new Set(side)];
  // An Edit's strings are often fragments of a line (`greet(name)` → `greet(name = 'x')`): a
  // fragment inside a changed line of the commit is as good as the whole line.
  const hits = unique.filter((l) => commitSet.has(l) || commitLines.some((c) => c.includes(l))).length;
  if (hits === 0) return 'contradicted';
  let fraction = hits / unique.length;
  // A whole-file write repeats lines that were already there: judge it by how much of the
  // commit's change it covers instead, when that is more than a coincidence of a line or two.
  if (edit.oldText == null && commitSet.size > 0 && hits >= Math.min(3, commitSet.size)) fraction = Math.max(fraction, hits / commitSet.size);
  const detail = `${hits} of ${unique.length} line(s) ${label} by ${edit.tool} are in the commit`;
  if (fraction >= 0.5) return { kind: 'edit-text', confidence: round(0.8 + 0.15 * fraction), detail };
  return { kind: 'edit-text-partial', confidence: 0.55, detail };
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * The AI tool a commit's trailers or message name, or undefined: the first adapter whose commit
 * markers match, else the first whose author markers match one of `names` (the commit's author
 * and committer), else a tool no adapter knows from a `Generated with X` line.
 */
export function trailerTool(
  message: string,
  sources: readonly Pick<SourceAdapter, 'id' | 'commitMarkers' | 'authorMarkers'>[] = adapters,
  names: readonly string[] = [],
): string | undefined {
  for (const source of sources) if (source.commitMarkers?.some((re) => re.test(message))) return source.id;
  for (const source of sources) if (source.authorMarkers?.some((re) => names.some((n) => re.test(n)))) return source.id;
  const generated = /^.*generated (?:with|by) \[?([A-Za-z][\w .-]{1,30}?)\]?(?:\(|$)/im.exec(message);
  if (generated) return generated[1]!.trim().toLowerCase().replace(/\s+/g, '-');
  return undefined;
}

/** Names a file defines at top level (exported functions, classes, types, consts), from its added lines. */
export function definedSymbols(addedLines: string[]): string[] {
  const out = new Set<string>();
  const re = /^\s*export\s+(?:default\s+)?(?:async\s+)?(?:function\*?|class|interface|type|enum|const|let|var|abstract\s+class)\s+([A-Za-z_$][\w$]*)/;
  for (const line of addedLines) {
    const m = re.exec(line);
    if (m && m[1]!.length >= 5) out.add(m[1]!);
  }
  return [...out];
}

/** Whether a prompt names `path` (repo-relative, or its file name) or one of `symbols`. */
export function mentionScore(prompt: string, path: string, symbols: string[]): Score | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (prompt.includes(path)) return { kind: 'mention', confidence: 0.5, detail: `the prompt names ${path}` };
  if (name.includes('.') && name.length >= 5 && new RegExp(`(^|[^\\w./-])${escapeRe(name)}($|[^\\w-])`).test(prompt)) {
    return { kind: 'mention', confidence: 0.45, detail: `the prompt names ${name}` };
  }
  for (const s of symbols) {
    if (new RegExp(`\\b${escapeRe(s)}\\b`).test(prompt)) return { kind: 'mention', confidence: 0.4, detail: `the prompt names ${s}, defined in the file` };
  }
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Linking facts on a message (docs/adding-a-source.md): `{appliedEdits: [path], commits: [{sha,
 * message}], userCommits: [{sha, message}]}`. `commits` are the turn's work; `userCommits` are
 * commits the tool made of the user's own work (Aider's dirty-file and start-up commits).
 */
export function aiderFacts(metadata: Record<string, unknown>): { appliedEdits: string[]; commits: string[]; userCommits: string[] } {
  const applied = Array.isArray(metadata.appliedEdits) ? metadata.appliedEdits.filter((p): p is string => typeof p === 'string') : [];
  return { appliedEdits: applied, commits: shas(metadata.commits), userCommits: shas(metadata.userCommits) };
}

function shas(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((c) => (typeof c === 'string' ? c : typeof (c as { sha?: unknown })?.sha === 'string' ? (c as { sha: string }).sha : ''))
    .filter((s) => /^[0-9a-f]{4,64}$/i.test(s))
    .map((s) => s.toLowerCase());
}
