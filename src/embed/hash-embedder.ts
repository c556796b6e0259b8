import type { Embedder } from './types.js';

/**
 * The default, offline embedding: feature hashing of word unigrams (weight 1), word bigrams
 * (0.7) and character 3–5-grams of each word with boundary marks (0.35), FNV-1a into `dims`
 * signed buckets, then sign·log1p(|x|) and L2 normalisation. Chosen for being fast
 * (docs/performance.md), deterministic and offline (no download). It is lexical: it matches
 * shared words, word pieces, inflections and typos, not synonyms.
 */
export function hashEmbedder(dims = 256): Embedder {
  return {
    id: `hash-ngram-v1/${dims}`,
    dims,
    embed: async (texts) => texts.map((t) => hashVector(t, dims)),
  };
}

/** Longer texts add little to a bag of n-grams but cost linearly: embed the head. */
const MAX_CHARS = 2000;
const WORD = /[\p{L}\p{N}]+/gu;

export function hashVector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  const words = wordsOf(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text);
  let prev: string | undefined;
  for (const w of words) {
    add(v, w, 1);
    if (prev !== undefined) add(v, `${prev} ${w}`, 0.7);
    prev = w;
    const marked = `<${w}>`;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= marked.length; i++) add(v, marked.slice(i, i + n), 0.35);
    }
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const x = v[i]!;
    const y = Math.sign(x) * Math.log1p(Math.abs(x));
    v[i] = y;
    norm += y * y;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dims; i++) v[i]! *= inv;
  }
  return v;
}

/**
 * Whether `text`, as embedded (its head), holds something of the query that a hash feature of both
 * needs: a one-character word of it as a word of its own (its only features are the word and
 * `<w>`), a longer word, or a 3-character piece of one of 4 or more (a shared feature of only a
 * word's first or last two letters aside). A vector near the query's that holds none of these got
 * there by a collision of hash buckets.
 */
export function holdsQueryPiece(query: string, text: string): boolean {
  const raw = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  const head = raw.toLowerCase();
  let words: Set<string> | undefined;
  for (const w of wordsOf(query)) {
    if (w.length === 1) {
      if ((words ??= new Set(wordsOf(raw))).has(w)) return true;
    } else if (w.length <= 3) {
      if (head.includes(w)) return true;
    } else {
      for (let i = 0; i + 3 <= w.length; i++) if (head.includes(w.slice(i, i + 3))) return true;
    }
  }
  return false;
}

/** Lower-cased words; identifiers also contribute their parts (openDb → open, db). */
function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const parts = raw.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})/u);
    if (parts.length > 1) for (const p of parts) out.push(p.toLowerCase());
    else out.push(raw.toLowerCase());
  }
  return out;
}

function add(v: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const index = (h & 0x7fffffff) % v.length;
  v[index]! += h & 0x80000000 ? -weight : weight;
}

/** FNV-1a, 32 bits, over UTF-16 code units (stable across machines). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
