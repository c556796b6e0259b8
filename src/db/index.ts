// The database's public surface: the only module outside src/db that other folders import. Named
// exports, each one something another folder uses: what only src/db needs stays inside it.
export { clearDamage, damageFound, damageOfOpened, type Db, openDb, recordDamage } from './open.js';
export { latestVersion, loadMigrations, migrate, type Migration, migrationBackups } from './migrate.js';
export { type ForeignStore, ForeignStoreError, openForeignStore } from './foreign-store.js';
export {
  type ChangeStatus, type Commit, type CommitFile, type CommitRow, commitsToEnrich, commitWriter, type EnrichTarget,
  countCommits, countCommitsToEnrich, type FileChange, type FileCommit, fileHistory, getCommit, getRepoState,
  hasCommit, hasFileHistory, knownPaths, type LineCount, type LinkCommit, listRepos, type NewCommit,
  isReachComputedFor, reachState, recordRewrites, resolveRewrite, rewrittenShas, storeCommits, storeEnrichment, storePatchIds, settledThrough, linkedWithoutPatchId, countsUnreadable, setCountsUnreadable, commitsWithoutLineCounts, enrichedThrough,
  renamedAway, storeUnreachable,
} from './commits.js';
export {
  acceptHookEvents, countPendingHookEvents, type HookEvent, markHookEventsProcessed, pendingHookEvents,
  queueOffset,
} from './hook-events.js';
export {
  integrityCheck, rebuildSearchIndexes, schemaVersion, searchIndexCheck, spaceUse, type SpaceUse,
} from './health.js';
export {
  type FileEditRow, findSessions, forgetProject, forgetSession, forgetSessions, purgeDeletedText, sessionFamily, getSourceFile, ignoredSessionIds,
  isSessionIgnored, isStoredEdit, listSessions, countUntypedSessions, TITLE_CHARS, sourceFileCursor, sourceStamps, type SourceStamps, type MessageRow, sessionEdits, sessionMessages,
  sessionProject, type SessionRow, type SessionSummary, type SourceFileRow, type StoredEdit, type StoredMessage,
  writeIngestBatch,
} from './sessions.js';
export {
  aiLinesOfCommit, type AiLinesRow, type ChatMessage, commitAiTools, commitUserWork, commitMentions, commitsWithPrefix, countChatSessions, countFileEdits, type EditRow,
  editsAfter, editsByIds, editsToPaths, firstCommitTouching, getLinkState, type IntentCommitEntry, type IntentLinkInput, type StoredIntent,
  intentLinks, intentLinksForCommit, intentLinksForPaths, isCommitLinked, isPrompt, loadCommits,
  markCommitsLinked, messageInfos, promptBefore, promptsBetween, rewrittenInto, samePatchCommits, setLinkedThrough,
  setLinkState, turnEditedPaths, turnRequest, turnsOfMessagesAfter, uncountedCommits, unlinkedCommits, upsertIntentLinks,
  countCommitsToLink, linkedShas, unlinkedCommitShas,
} from './links.js';
export {
  clearVectors, countPendingEmbeddings, ensureVectorTables, hasOldVectorLayout, nearestItems,
  pendingEmbeddings, storeVectors, type VectorKind, vectorModel,
} from './vectors.js';
export {
  filterRefs, ftsAnyOf, ftsLearnings, ftsMessages, hasSearchable, type HitKind, hitRows, itemHeads, itemsLinkedToFile,
  linkedFiles, messageKinds, type RankedRef, type SearchFilters, snippetOf,
} from './search.js';
export {
  changesSince, compoundLearnings, type DecisionInput, decisionsForPaths, getLearning, lastCommitOfRequest,
  lastCommitTouching, type LearningRow, listLearnings, priorArtCandidates, priorArtCandidatesOf,
  type PriorArtInput, priorArtOf, turnMessages, upsertDecisions, upsertLearning, learningIdsWith, dropLearnings, upsertPriorArt,
} from './knowledge.js';
export {
  coChangedFiles, type CodeEdgeRow, type CodeFileRow, countRequestsEditing, type GraphNeighbor, graphStamp,
  hasImportGraph, importersOf, importGraphStats, importsOf, loadCodeFiles, sameRequestFiles, saveImportGraph, type ImportGraphChange,
  setGraphStamp, type StoredImport, storedImports, walkImportGraph,
} from './code-graph.js';
export { RELATIONSHIP_TYPES, type RelationshipType } from './relationships.js';
export {
  commitForPath, importShared, type OwnDecision, type OwnLearning, type OwnRequest, ownDecisions, ownLearnings, ownRequests,
  ownSessionIds, commitOfEdit, commitsWithTrailer, modelOfAnswer, ownAiLines, replaceSharedAiLines, sharedAiLinesForPaths, type SharedAiLinesRow, provenanceDetails, provenanceFor, provenanceRows, provenanceShas, type Provenance, type ProvenanceRow, SHARED_PREFIX, storeProvenance, type SharedDecisionRow, type SharedImport, type SharedLearningRow, type SharedRequestRow, sharedBy,
} from './shared.js';
export {
  type AiLinesOfFile, aiLinesForPaths, decisionsOfRequests, learningsOfRequests, linesForStats, type LinesRow,
  rangeCommits, type RangeCommit, type RequestDecision, type SessionLearning, type StatsFilter,
} from './attribution.js';
