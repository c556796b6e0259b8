// Line ranges as attribution records write them: `1-3,7` (git-ai's attestations, and lore's
// `ranges` column for every provenance source).

/** `1-3,7` → 1, 2, 3, 7 (ranges may overlap in real logs; a huge range is capped). */
export function expandRanges(spec: string): number[] {
  const out: number[] = [];
  for (const [a, end] of parseRanges(spec)) for (let n = a; n <= end; n++) out.push(n);
  return out;
}

/** Whether `line` is in `spec` (`1-3,7`). */
export function inRanges(spec: string, line: number): boolean {
  return parseRanges(spec).some(([a, end]) => line >= a && line <= end);
}

function parseRanges(spec: string): [number, number][] {
  const out: [number, number][] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    if (!Number.isInteger(a) || a < 1) continue;
    const end = b === undefined ? a : b;
    if (!Number.isInteger(end) || end < a || end - a > 1_000_000) continue;
    out.push([a, end]);
  }
  return out;
}

/** `[1,2,3,7]` → `1-3,7`. */
export function compactRanges(lines: number[]): string {
  return toRanges(lines).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** Sorted distinct line numbers as closed ranges: `[1,2,3,7]` → `[[1,3],[7,7]]`. */
export function toRanges(lines: number[]): [number, number][] {
  const sorted = [...new Set(lines)].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
