// The share stage's public surface: lore's knowledge as git notes (one JSON note per commit), and back.
export { canonical, emptyNote, isEmptyNote, mergeNoteMaps, mergeNotes, NOTE_SCHEMA, parseNote, serializeNote, sessionKey, keepAiLines, type Note, type SharedAiLines, type SharedDecision, type SharedLearning, type SharedRequest } from './note.js';
export { forgottenKeys, ownKeys, ownNotes, sharedMessageId, toImport } from './notes-of-db.js';
export { parseGitAiNote, type GitAiFileAttribution } from './git-ai.js';
export { checkpointFolder, ENTIRE_BRANCH, ENTIRE_TRAILER, parseCheckpointSession, parseCheckpointSummary, type EntireSession } from './entire.js';
export {
  AGENT_TRACE_FILE, AGENT_TRACE_VERSION, modelId, parseAgentTraces, stableUuid,
  type AgentTraceAttribution, type AgentTraceConversation, type AgentTraceRecord,
} from './agent-trace.js';
export { compactRanges, inRanges, toRanges } from './ranges.js';
