import { hashVector } from '../embed/index.js';
import { contentWords, coverage } from './text.js';

/**
 * How much an earlier text (decision, learning, commit message) says what a new decision says.
 * `coverage`: share of the decision's content words the earlier text has (full text); `cosine`:
 * of the two texts' hashed n-gram vectors (the offline embedding search uses), which also matches
 * inflections, word pieces and identifiers split apart; `hybrid`: the two fused.
 */
export interface PriorArtScore {
  shared: number;
  coverage: number;
  cosine: number;
  hybrid: number;
}

/** Dimensions of the on-the-fly vectors: those of the default embedder (hash-ngram-v1/256). */
export const PRIOR_ART_DIMS = 256;

/**
 * Thresholds, chosen on the labelled pairs in test/link/prior-art-pairs.ts (see prior-art.test.ts):
 * full text alone needs 3 shared words covering half of the decision; the hybrid score weighs
 * cosine and coverage equally and needs `minHybrid`, with 2 shared words at least.
 */
export const PRIOR_ART_THRESHOLDS = { minShared: 3, minCoverage: 0.5, minHybrid: 0.3, minHybridShared: 2, cosineWeight: 0.5 };

export function scorePriorArt(decision: string, earlier: string, words = contentWords(decision), vector?: Float32Array): PriorArtScore {
  const { shared, score } = coverage(words, contentWords(earlier));
  const a = vector ?? hashVector(decision, PRIOR_ART_DIMS);
  const b = hashVector(earlier, PRIOR_ART_DIMS);
  let cosine = 0;
  for (let i = 0; i < a.length; i++) cosine += a[i]! * b[i]!;
  const w = PRIOR_ART_THRESHOLDS.cosineWeight;
  return { shared, coverage: score, cosine, hybrid: w * cosine + (1 - w) * score };
}

/** The full-text rule (used when no vectors are stored). */
export function isPriorArtByText(s: PriorArtScore): boolean {
  return s.shared >= PRIOR_ART_THRESHOLDS.minShared && s.coverage >= PRIOR_ART_THRESHOLDS.minCoverage;
}

/** The hybrid rule (used when the database holds vectors of the offline embedding). */
export function isPriorArtByHybrid(s: PriorArtScore): boolean {
  return s.shared >= PRIOR_ART_THRESHOLDS.minHybridShared && s.hybrid >= PRIOR_ART_THRESHOLDS.minHybrid;
}
