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

/**
 * Of `added` (a commit's added lines of one file), how many each tool's `written` lines account
 * for (aiLineOwners, summed per tool).
 */
export function countAiLines(added: readonly string[], written: readonly { tool: string; lines: readonly string[] }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const tool of aiLineOwners(added, written.map((w) => ({ key: w.tool, lines: w.lines })))) if (tool !== undefined) out.set(tool, (out.get(tool) ?? 0) + 1);
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
