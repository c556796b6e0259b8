// The git folder's public surface.
export { git, gitRaw, type GitResult } from './run.js';
export { findRepo, findRepoOnDisk, headSha, headShaOnDisk, workTreeStamp, trackedFiles, existingCommits, type RepoInfo } from './repo.js';
export { readLog, readNumstat, parseCommit, parseChanges, parseNumstat, type CommitRecord, type FileChange } from './log.js';
export { enrichCommits, recountUnreadable, type EnrichResult, type EnrichOptions } from './enrich.js';
export { blameLine, lineCount, tryBlameLine, type BlameLine } from './blame.js';
export { blameGraphStale, refreshBlameGraph, writeBlameGraph } from './blame-graph.js';
export { indexCommits, type IndexResult, type IndexOptions } from './index-commits.js';
export { updateReachable } from './reachable.js';
export { computePatchIds } from './patch-id.js';
export { commitDiff, parseDiff, previousCommitOf, type FileDiff } from './diff.js';
export { readQueue, queuePath, parseQueueLine } from './queue.js';
export { installHooks, uninstallHooks, hookStatus, hookManager, defaultHookPaths, isExecutable, HOOK_NAMES, type HookStatus, type HookPaths } from './hooks.js';
export { fetchRef, installNoteRefspecs, isAncestor, pushRef, readNotes, remoteRef, RemoteError, resolveRef, restoreRef, sharerOf, writeNotes, type InstallResult } from './notes.js';
export { resolveRange, defaultBranch, type CommitRange } from './range.js';
export { branchRefs, objectIds, readObjects, treeFiles } from './objects.js';
export { addedLines, historyShas, type AddedLine } from './added-lines.js';
