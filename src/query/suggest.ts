/** Up to `limit` paths from `candidates` closest to `wanted`: same basename first, then edit distance. */
export function closestPaths(wanted: string, candidates: string[], limit = 3): string[] {
  const base = wanted.split('/').pop() ?? wanted;
  const scored = candidates.map((c) => {
    const cBase = c.split('/').pop() ?? c;
    const score = cBase === base ? 0 : 1 + Math.min(distance(base, cBase), distance(wanted, c));
    return { c, score };
  });
  const maxScore = Math.max(3, Math.floor(wanted.length / 2));
  return scored
    .filter((s) => s.score <= maxScore)
    .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map((s) => s.c);
}

/** Levenshtein distance, two rows. */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
