// The link folder's public surface: request→change, decisions, prior art and learnings.
export { linkRepo, type LinkResult } from './link-repo.js';
export { solutionsDir } from './learnings.js';
export { lineOwners } from './ai-lines.js';
