/**
 * Entire's checkpoints (github.com/entireio/cli): a commit's `Entire-Checkpoint: <12 hex>` trailer
 * names a folder of the `entire/checkpoints/v1` branch, sharded as `<id[0:2]>/<id[2:]>/`. Its
 * `metadata.json` (a CheckpointSummary) lists the sessions, each a numbered folder (0, 1, …) with its own
 * `metadata.json` (CommittedMetadata: session_id, agent, created_at, files_touched, summary,
 * initial_attribution) and `prompt.txt` (the session's prompts joined by "\n\n---\n\n"). Field
 * names as in Entire's cmd/entire/cli/checkpoint/checkpoint.go; older checkpoints lack agent,
 * summary and initial_attribution, so every field is optional here.
 */

export const ENTIRE_BRANCH = 'entire/checkpoints/v1';
export const ENTIRE_TRAILER = 'Entire-Checkpoint';

/** Most of a prompt that is kept: enough for `lore why` to show what was asked. */
const PROMPT_CHARS = 600;

export interface EntireSession {
  checkpoint: string;
  session: string;
  /** Entire's name of the agent ("Claude Code", "Gemini CLI"); "unknown" when the checkpoint predates the field. */
  agent: string;
  createdAt: string | null;
  files: string[];
  /** Entire's AI summary intent, else the session's first prompt; not yet redacted. */
  prompt: string | null;
  /** Lines the agent added of the commit's `totalLines` added, by Entire's attribution at commit time. */
  agentLines: number | null;
  totalLines: number | null;
  /** What the session's summary says it learned (Entire's `summary.learnings`); not yet redacted. */
  learnings: EntireLearning[];
}

/**
 * One of a summary's learnings (Entire's LearningsSummary): `code` findings name a file (and maybe
 * lines); `repo` (patterns, conventions) and `workflow` (practices) are about the project.
 */
export interface EntireLearning {
  category: 'code' | 'repo' | 'workflow';
  text: string;
  path: string | null;
  line: number | null;
  endLine: number | null;
}

/** `a3b2c4d5e6f7` → `a3/b2c4d5e6f7`; null for what is not a checkpoint id (12 lowercase hex). */
export function checkpointFolder(id: string): string | null {
  return /^[0-9a-f]{12}$/.test(id) ? `${id.slice(0, 2)}/${id.slice(2)}` : null;
}

/**
 * The numbered session folders a CheckpointSummary lists (`0`, `2`, `3`: migrated checkpoints
 * have gaps); null when it is not one. Only the folder number of each listed path is used, under
 * the checkpoint's own folder: some real summaries spell the paths with the checkpoint folder twice
 * (`/76/74489fb0a9/76/74489fb0a9/0/metadata.json`). A session listed without a path is at its position.
 */
export function parseCheckpointSummary(text: string): string[] | null {
  const o = parseObject(text);
  if (!o || !Array.isArray(o.sessions)) return null;
  return [...new Set(o.sessions.map((s, i) => {
    const path = s && typeof s === 'object' ? (s as Record<string, unknown>).metadata : undefined;
    const m = typeof path === 'string' ? /(?:^|\/)(\d+)\/metadata\.json$/.exec(path) : null;
    return m ? m[1]! : String(i);
  }))];
}

/** One session of a checkpoint from its metadata.json and prompt.txt; null when the metadata is not Entire's. */
export function parseCheckpointSession(checkpoint: string, metadata: string, prompts: string | null): EntireSession | null {
  const o = parseObject(metadata);
  if (!o || typeof o.session_id !== 'string' || !o.session_id) return null;
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  const summary = o.summary && typeof o.summary === 'object' ? (o.summary as Record<string, unknown>) : null;
  const attribution = o.initial_attribution && typeof o.initial_attribution === 'object' ? (o.initial_attribution as Record<string, unknown>) : null;
  const first = prompts?.split(/\n\n---\n\n/).map((p) => p.trim()).find((p) => p.length > 0) ?? null;
  const prompt = str(summary?.intent) ?? first;
  return {
    checkpoint: str(o.checkpoint_id) ?? checkpoint,
    session: o.session_id,
    agent: str(o.agent) ?? 'unknown',
    createdAt: str(o.created_at),
    files: Array.isArray(o.files_touched) ? [...new Set(o.files_touched.filter((f): f is string => typeof f === 'string' && f.length > 0))] : [],
    prompt: prompt === null ? null : prompt.length > PROMPT_CHARS ? `${prompt.slice(0, PROMPT_CHARS - 1)}…` : prompt,
    agentLines: int(attribution?.agent_lines),
    totalLines: int(attribution?.total_committed),
    learnings: learningsOf(summary?.learnings),
  };
}

function learningsOf(v: unknown): EntireLearning[] {
  if (!v || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  const text = (x: unknown): string | null => (typeof x === 'string' && x.trim() ? x.trim() : null);
  const line = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : null);
  const out: EntireLearning[] = [];
  for (const category of ['repo', 'workflow'] as const) {
    for (const t of Array.isArray(o[category]) ? (o[category] as unknown[]).map(text) : []) if (t) out.push({ category, text: t, path: null, line: null, endLine: null });
  }
  for (const c of Array.isArray(o.code) ? (o.code as unknown[]) : []) {
    const f = c && typeof c === 'object' ? (c as Record<string, unknown>) : {};
    const finding = text(f.finding);
    if (finding) out.push({ category: 'code', text: finding, path: text(f.path), line: line(f.line), endLine: line(f.end_line) });
  }
  return out;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
