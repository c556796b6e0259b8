// The query folder's public surface.
export { why, blameTarget, checkTarget, type BlameAt, type LinkingInfo, type WhyResult, type CommitInfo, type CommitRequest, type ProvenanceInfo, type RequestInfo, type DecisionInfo, type GraphInfo, type WhyOptions, type GraphLookup, type WhySummary, type RenameInfo } from './why.js';
export { resolveTarget, type Target } from './resolve-target.js';
export { closestPaths } from './suggest.js';
export { search, toMatchExpression, type SearchOptions, type SearchResult, type SearchHit, type SearchMode } from './search.js';
export { learn, learnings, STALE_LINES, type LearningInfo, type LearningsResult } from './learnings.js';
export { related, importGraphLookup, type RelatedResult, type RelatedOptions } from './related.js';
export type { GraphNeighbor } from '../db/index.js';
export { prSummary, type PrResult, type PrRequest, type PrCommit, type AiShare } from './pr.js';
export { stats, type StatsResult, type StatsRow } from './stats.js';
