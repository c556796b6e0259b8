import type { ProvenanceRow } from '../db/index.js';
import { compactRanges, expandRanges } from './ranges.js';

/**
 * git-ai's authorship logs (refs/notes/ai, "Git AI Standard v3.0.0", schema_version
 * `authorship/3.0.0`): per commit, which lines of which files an AI session wrote. An
 * attestation section (a file path, then `  <key> <ranges>` lines), a `---` line, then JSON
 * metadata whose `sessions` (keys `s_<14hex>::t_<14hex>`) and legacy `prompts` (16 hex) say which
 * tool, model and conversation each key is. Known-human keys (`h_`) are not AI and are skipped.
 */

/** One file's lines that one git-ai session wrote in a commit (the commit and the source are the caller's). */
export type GitAiFileAttribution = Omit<ProvenanceRow, 'sha' | 'source'>;

interface AgentRecord {
  agent_id?: { tool?: unknown; id?: unknown; model?: unknown };
  human_author?: unknown;
}

/** The AI-written lines of a git-ai note, per file and session; null when it is not an authorship log. */
export function parseGitAiNote(text: string): GitAiFileAttribution[] | null {
  const lines = text.split('\n');
  const divider = lines.indexOf('---');
  if (divider < 0) return null;
  let meta: { schema_version?: unknown; sessions?: Record<string, AgentRecord>; prompts?: Record<string, AgentRecord> };
  try {
    meta = JSON.parse(lines.slice(divider + 1).join('\n')) as typeof meta;
  } catch {
    return null;
  }
  if (typeof meta.schema_version !== 'string' || !meta.schema_version.startsWith('authorship/')) return null;
  const byFileAndAgent = new Map<string, { path: string; record: AgentRecord; lines: Set<number>; ranges: string[] }>();
  let path: string | null = null;
  for (const line of lines.slice(0, divider)) {
    if (line.trim() === '') continue;
    if (!line.startsWith('  ')) {
      path = line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line;
      continue;
    }
    const m = /^ {2}(\S+) (\S+)$/.exec(line);
    if (!m || path === null) continue;
    const [, key, ranges] = m as unknown as [string, string, string];
    if (key.startsWith('h_')) continue;
    const recordKey = key.startsWith('s_') ? key.split('::')[0]! : key;
    const record = (key.startsWith('s_') ? meta.sessions : meta.prompts)?.[recordKey];
    if (!record || typeof record.agent_id?.tool !== 'string') continue;
    const id = `${path}\0${recordKey}`;
    let entry = byFileAndAgent.get(id);
    if (!entry) byFileAndAgent.set(id, (entry = { path, record, lines: new Set(), ranges: [] }));
    for (const n of expandRanges(ranges)) entry.lines.add(n);
    entry.ranges.push(ranges);
  }
  return [...byFileAndAgent.values()].map((e) => ({
    path: e.path,
    tool: String(e.record.agent_id!.tool),
    model: typeof e.record.agent_id?.model === 'string' ? e.record.agent_id.model : null,
    conversation: typeof e.record.agent_id?.id === 'string' ? e.record.agent_id.id : null,
    human: typeof e.record.human_author === 'string' ? e.record.human_author : null,
    lines: e.lines.size,
    ranges: compactRanges([...e.lines]),
  }));
}
