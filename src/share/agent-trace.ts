import { crypto } from '../builtins.js';
import { compactRanges } from './ranges.js';

/**
 * Agent Trace (agent-trace.dev, github.com/cursor/agent-trace, spec 0.1.0): a vendor-neutral JSON
 * "trace record" per revision: which line ranges of which files each conversation produced, with
 * the contributor (ai, human, mixed, unknown) and its model. The spec leaves storage open; its
 * reference implementation appends records, one JSON object a line, to `.agent-trace/traces.jsonl`
 * at the repository's root, which is where lore reads them.
 */

export const AGENT_TRACE_VERSION = '0.1.0';
export const AGENT_TRACE_FILE = '.agent-trace/traces.jsonl';

export interface AgentTraceRange {
  start_line: number;
  end_line: number;
  content_hash?: string;
  contributor?: AgentTraceContributor;
}

export interface AgentTraceContributor {
  type: 'human' | 'ai' | 'mixed' | 'unknown';
  model_id?: string;
}

export interface AgentTraceConversation {
  url?: string;
  contributor?: AgentTraceContributor;
  ranges: AgentTraceRange[];
  related?: { type: string; url: string }[];
}

export interface AgentTraceRecord {
  version: string;
  id: string;
  timestamp: string;
  vcs?: { type: 'git' | 'jj' | 'hg' | 'svn'; revision: string };
  tool?: { name: string; version?: string };
  files: { path: string; conversations: AgentTraceConversation[] }[];
  metadata?: Record<string, unknown>;
}

/** What lore keeps of a record: per file and conversation, the lines an AI contributor produced. */
export interface AgentTraceAttribution {
  record: string;
  revision: string;
  /** When the record was made (its `timestamp`), in Unix seconds; null when unreadable. */
  at: number | null;
  path: string;
  tool: string;
  model: string | null;
  /**
   * The conversation's id: the record's `metadata.conversation_id` (Cursor writes it), else the
   * last segment of the conversation's url without extension ('' when there is neither).
   */
  conversation: string;
  url: string | null;
  lines: number;
  ranges: string;
}

/**
 * The records of a traces.jsonl file: each line that is a trace record attached to a git commit
 * becomes its files' AI-attributed ranges. A line that is not a record (damaged JSON, missing
 * required fields, another VCS, no revision) is skipped and counted. Paths are made
 * repository-relative with `/` (Cursor on Windows writes `src\lib\data.ts`); an absolute path
 * outside `root` is not this repository's and is left out.
 */
export function parseAgentTraces(text: string, root = ''): { attributions: AgentTraceAttribution[]; records: number; skipped: number } {
  const attributions: AgentTraceAttribution[] = [];
  let records = 0;
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const found = parseRecord(line, root);
    if (!found) {
      skipped++;
      continue;
    }
    records++;
    attributions.push(...found);
  }
  return { attributions, records, skipped };
}

function parseRecord(line: string, root: string): AgentTraceAttribution[] | null {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(r) || typeof r.id !== 'string' || typeof r.version !== 'string' || !Array.isArray(r.files)) return null;
  const vcs = isObject(r.vcs) ? r.vcs : null;
  if (!vcs || vcs.type !== 'git' || typeof vcs.revision !== 'string' || !/^[0-9a-f]{40}$/i.test(vcs.revision)) return null;
  const revision = vcs.revision.toLowerCase();
  const tool = isObject(r.tool) && typeof r.tool.name === 'string' && r.tool.name ? r.tool.name : 'unknown';
  const ms = typeof r.timestamp === 'string' ? Date.parse(r.timestamp) : Number.NaN;
  const at = Number.isNaN(ms) ? null : Math.floor(ms / 1000);
  // One entry per file and conversation: a record may list a conversation's ranges more than once.
  const byKey = new Map<string, { path: string; model: string | null; conversation: string; url: string | null; lines: Set<number> }>();
  const conversationId = isObject(r.metadata) && typeof r.metadata.conversation_id === 'string' && r.metadata.conversation_id ? r.metadata.conversation_id : null;
  for (const f of r.files) {
    if (!isObject(f) || typeof f.path !== 'string' || !f.path || !Array.isArray(f.conversations)) return null;
    const path = repoPath(f.path, root);
    if (path === null) continue;
    for (const c of f.conversations) {
      if (!isObject(c) || !Array.isArray(c.ranges)) return null;
      const who = contributorOf(c.contributor);
      const url = typeof c.url === 'string' && c.url ? c.url : null;
      const conversation = conversationId ?? (url ? lastSegment(url) : '');
      for (const range of c.ranges) {
        if (!isObject(range) || !Number.isInteger(range.start_line) || !Number.isInteger(range.end_line)) return null;
        const start = range.start_line as number;
        const end = range.end_line as number;
        const own = range.contributor === undefined ? who : contributorOf(range.contributor);
        // Only what an AI produced is provenance here; human and unknown ranges are the commit's own.
        if (!own || (own.type !== 'ai' && own.type !== 'mixed') || start < 1 || end < start || end - start > 1_000_000) continue;
        const key = `${path}\0${conversation}\0${own.model ?? ''}`;
        let entry = byKey.get(key);
        if (!entry) byKey.set(key, (entry = { path, model: own.model, conversation, url, lines: new Set() }));
        for (let n = start; n <= end; n++) entry.lines.add(n);
      }
    }
  }
  return [...byKey.values()].map((e) => ({
    record: r.id as string, revision, at, path: e.path, tool, model: e.model, conversation: e.conversation, url: e.url, lines: e.lines.size, ranges: compactRanges([...e.lines]),
  }));
}

/** `src\\lib\\a.ts`, `./src/lib/a.ts`, `<root>/src/lib/a.ts` → `src/lib/a.ts`; null for a path outside the repository. */
function repoPath(path: string, root: string): string | null {
  let p = path.replace(/\\/g, '/');
  const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
  if (r && (p === r || p.startsWith(`${r}/`))) p = p.slice(r.length + 1);
  else if (p.startsWith('/') || /^[A-Za-z]:\//.test(p)) return null;
  p = p.replace(/^(\.\/)+/, '');
  if (!p || p.split('/').includes('..')) return null;
  return p;
}

/** `file://c:\\…\\be6cecdd.jsonl`, `https://api.example.com/v1/conversations/abc`, `lore://session/claude-code%3Aab12` → `be6cecdd`, `abc`, `claude-code:ab12`. */
function lastSegment(url: string): string {
  const last = url.split(/[\\/]/).filter(Boolean).pop() ?? '';
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // Not percent-encoded after all: the segment as written.
  }
  return name.replace(/\.[A-Za-z0-9]+$/, '') || url;
}

function contributorOf(v: unknown): { type: string; model: string | null } | null {
  if (!isObject(v) || typeof v.type !== 'string') return null;
  return { type: v.type, model: typeof v.model_id === 'string' && v.model_id ? v.model_id : null };
}

/**
 * A stable RFC 4122 UUID (version 5 layout) for `name`: exporting the same commit again gives the
 * same record id, so a consumer can tell a re-export from a new record.
 */
export function stableUuid(name: string): string {
  const h = crypto().createHash('sha1').update(`lore.agent-trace\0${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A model name as models.dev spells it (`provider/model`), as the spec asks; unknown prefixes stay as they are. */
export function modelId(model: string): string {
  if (model.includes('/')) return model;
  const providers: [RegExp, string][] = [[/^claude-/, 'anthropic'], [/^(gpt-|o1|o3|o4|codex-)/, 'openai'], [/^gemini-/, 'google']];
  for (const [re, provider] of providers) if (re.test(model)) return `${provider}/${model}`;
  return model;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
