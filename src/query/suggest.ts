/** Up to `limit` paths from `candidates` closest to `wanted`: same basename first, then edit distance. */
export function closestPaths(wanted: string, candidates: string[], limit = 3): string[] {
  const base = wanted.split('/').pop() ?? wanted;
  const scored = candidates.map((c) => {
    const cBase = c.split('/').pop() ?? c;
    const score = cBase === base ? 0 : 1 + Math.min(distance(base, cBase), distance(wanted, c));
    return { c, score, full: distance(wanted, c) };
  });
  // A typo is a few edits of the file name: allow about one edit in three characters, and drop
  // candidates far worse than the best one (a near miss should not come with noise).
  const best = Math.min(...scored.map((s) => s.score));
  const maxScore = Math.min(1 + Math.max(2, Math.floor(base.length / 3)), best + 2);
  return scored
    .filter((s) => s.score <= maxScore)
    .sort((a, b) => a.score - b.score || a.full - b.full || a.c.localeCompare(b.c))
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
