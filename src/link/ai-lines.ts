import { hunkLines, significantLines, type EditText } from './evidence.js';

/**
 * How many of a commit's added lines came from AI edits (issue 15): pure counting, beside the
 * evidence rules. A line counts once, for the first tool whose edits wrote it, so the figures
 * of several tools never add up to more than the commit's added lines.
 */

/** One file's AI-written lines in a commit, per tool. */
export interface AiLineCount {
  path: string;
  tool: string;
  lines: number;
}

/**
 * Lines an edit wrote, whole or as fragments: the `+` lines of the tool's own hunks when it
 * recorded them (whole lines), else its new text less the lines its old text already had (a
 * SEARCH/REPLACE block repeats the lines around the change). A whole-file write wrote them all.
 */
export function editWrittenLines(edit: Pick<EditText, 'oldText' | 'newText' | 'patch'>): string[] {
  if (edit.patch) {
    const { plus } = hunkLines(edit.patch);
    if (plus.length > 0) return plus.map((l) => l.trim());
  }
  if (edit.newText == null) return [];
  // No old text (a new file) had no lines: ''.split('\n') would make it one blank line.
  const old = multiset(edit.oldText ? edit.oldText.split('\n').map((l) => l.trim()) : []);
  const out: string[] = [];
  for (const raw of edit.newText.split('\n')) {
    const line = raw.trim();
    const n = old.get(line) ?? 0;
    if (n > 0) old.set(line, n - 1);
    else out.push(line);
  }
  // `new_string` ends with a newline more often than not: that empty last piece is no line.
  if (edit.newText.endsWith('\n') && out[out.length - 1] === '') out.pop();
  return out;
}

/** An edit a link names, as the AI-line rules read it. */
export type LinkedEdit = Pick<EditText, 'oldText' | 'newText' | 'patch'> & { id: string; createdAt: string };

const TEXT_EVIDENCE = new Set(['edit-text', 'edit-text-partial']);

/**
 * Who wrote each of `added` (the lines a commit added to one file), by that file's links for the
 * commit: a link by Aider's own commit line (`aider-commit`) wrote them all, since Aider commits
 * its edits alone; else the edits the links name as text evidence, each once and newest first (a
 * line written twice is the later edit's), matched by aiLineOwners. `keyOf` names the writer of a
 * link (undefined: not one to name) or of one of its edits. The link stage's AI-line counts, `lore
 * export --agent-trace` and `lore why FILE:LINE` all read the lines through this.
 */
export function lineOwners<L extends { evidence: string; edits: readonly LinkedEdit[] }, K>(
  added: readonly string[],
  links: readonly L[],
  keyOf: (link: L, edit?: L['edits'][number]) => K | undefined,
): (K | undefined)[] {
  const aider = links.find((l) => l.evidence === 'aider-commit' && keyOf(l) !== undefined);
  if (aider) return added.map(() => keyOf(aider));
  const seen = new Set<string>();
  const written = links
    .filter((l) => TEXT_EVIDENCE.has(l.evidence))
    .flatMap((l) => l.edits.filter((e) => !seen.has(e.id) && seen.add(e.id)).map((edit) => ({ edit, key: keyOf(l, edit) })))
    .filter((w): w is { edit: L['edits'][number]; key: K } => w.key !== undefined)
    .sort((a, b) => b.edit.createdAt.localeCompare(a.edit.createdAt))
    .map((w) => ({ key: w.key, lines: editWrittenLines(w.edit) }));
  return aiLineOwners(added, written);
}

/** How many lines each writer wrote, of lineOwners' (or aiLineOwners') answer. */
export function countAiLines<K>(owners: readonly (K | undefined)[]): Map<K, number> {
  const out = new Map<K, number>();
  for (const key of owners) if (key !== undefined) out.set(key, (out.get(key) ?? 0) + 1);
  return out;
}

/**
 * For each of `added`, the key of the first `written` whose lines account for it, or undefined.
 * Each written line is used once (two added `}` lines need two written ones). A line the edit
 * wrote only as a fragment (Claude Code's Edit strings often are) counts when it has meaning on
 * its own (significantLines) and the added line contains it.
 */
export function aiLineOwners<K>(added: readonly string[], written: readonly { key: K; lines: readonly string[] }[]): (K | undefined)[] {
  const pools = written.map((w) => ({ key: w.key, pool: multiset(w.lines), fragments: significantLines(w.lines.join('\n')) }));
  const owners: (K | undefined)[] = added.map(() => undefined);
  const unmatched: number[] = [];
  added.forEach((raw, i) => {
    const line = raw.trim();
    const hit = pools.find((p) => (p.pool.get(line) ?? 0) > 0);
    if (hit) {
      hit.pool.set(line, hit.pool.get(line)! - 1);
      owners[i] = hit.key;
    } else unmatched.push(i);
  });
  for (const i of unmatched) {
    const line = added[i]!.trim();
    if (significantLines(line).length === 0) continue;
    owners[i] = pools.find((p) => p.fragments.some((f) => line.includes(f)))?.key;
  }
  return owners;
}

function multiset(lines: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}
