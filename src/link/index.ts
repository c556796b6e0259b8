// The link folder's public surface: request→change, decisions, prior art and learnings.
export { linkRepo, type LinkResult } from './link-repo.js';
export { scoreEdit, significantLines, trailerTool, definedSymbols, mentionScore, type Score, type EvidenceKind } from './evidence.js';
export { summarize } from './intent.js';
