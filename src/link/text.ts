/** Sentence and word helpers shared by decision, learning and prior-art inference (pure). */

/** Prose sentences of a message: code blocks, inline code fences and quoted tool output removed. */
export function sentences(text: string): string[] {
  const prose = text
    .replace(/```[\s\S]*?(```|$)/g, '\n')
    .split('\n')
    .filter((l) => !/^\s*(>|\||\$ |[-+]{3} |@@)/.test(l))
    .join('\n');
  return prose
    .split(/(?<=[.!?])\s+(?=[A-Z`"'(])|\n\s*\n|\n(?=\s*(?:[-*\u2022]|\d+\.)\s)/)
    .map((s) => s.replace(/\s+/g, ' ').replace(/^[-*\u2022]\s+|^\d+\.\s+/, '').trim())
    .filter((s) => s.length > 0);
}

const STOP = new Set(
  'the and for that this with from have has had are was were will would should could can not but you your our its it\'s into than then them they there their what when which while who why how use used using also just only more most some such very all any each other about over under after before been being does did done make made like want need because instead rather chose choose decided decision trade off tradeoff let lets we\'ll i\'ll here now file files code'.split(' '),
);

/** Content words (lowercase, ≥ 3 letters, no stop words), in order, unique. */
export function contentWords(text: string): string[] {
  const out = new Set<string>();
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}_]{3,}/gu) ?? []) if (!STOP.has(w) && !/^\d+$/.test(w)) out.add(w);
  return [...out];
}

/** Share of `a`'s words that `b` also has (how much of the new text the earlier one says). */
export function coverage(a: string[], b: string[]): { shared: number; score: number } {
  if (a.length === 0) return { shared: 0, score: 0 };
  const set = new Set(b);
  const shared = a.filter((w) => set.has(w)).length;
  return { shared, score: shared / a.length };
}

/** Trims a sentence for a label or a learning: one line, at most `max` characters. */
export function clip(text: string, max = 240): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Repo paths named in `text` (as written, or by an unambiguous file name), among `known`. */
export function namedPaths(text: string, known: Set<string>, byName: Map<string, string[]>): string[] {
  const out = new Set<string>();
  for (const token of text.match(/[\w@./-]+\.[A-Za-z0-9]{1,6}\b/g) ?? []) {
    const t = token.replace(/^\.\//, '');
    if (known.has(t)) out.add(t);
    else if (!t.includes('/')) {
      const hits = byName.get(t);
      if (hits && hits.length === 1) out.add(hits[0]!);
    }
  }
  return [...out];
}
