import { join } from 'node:path';
import { adapters } from '../sources/index.js';

/**
 * Directories where AI tools write their transcripts (research/chat-log-formats.md), watched by
 * `lore watch` whether or not they exist yet: a root that appears later is picked up by a cheap
 * existence poll. Honours the tools' env overrides, as the source adapters do.
 */
export interface TranscriptRoot {
  source: string;
  path: string;
  /** How deep transcripts sit below the root (keeps the watch off unrelated subtrees). */
  depth: number;
}

export function transcriptRoots(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform): TranscriptRoot[] {
  const roots: TranscriptRoot[] = [];
  const add = (source: string, path: string | undefined, depth: number) => {
    if (path && !roots.some((r) => r.path === path)) roots.push({ source, path, depth });
  };
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const xdgConfig = env.XDG_CONFIG_HOME || join(home, '.config');
  const xdgData = env.XDG_DATA_HOME || join(home, '.local', 'share');

  if (env.CLAUDE_CONFIG_DIR) for (const d of list(env.CLAUDE_CONFIG_DIR)) add('claude-code', d.endsWith('projects') ? d : join(d, 'projects'), 3);
  else {
    add('claude-code', join(home, '.claude', 'projects'), 3);
    add('claude-code', join(xdgConfig, 'claude', 'projects'), 3);
  }
  for (const d of env.CODEX_HOME ? list(env.CODEX_HOME) : [join(home, '.codex')]) {
    add('codex', join(d, 'sessions'), 4);
    add('codex', join(d, 'archived_sessions'), 4);
  }
  add('gemini', join(env.GEMINI_CLI_HOME || home, '.gemini', 'tmp'), 4);
  add('opencode', env.OPENCODE_DATA_DIR || join(xdgData, 'opencode'), 4);
  add('cursor', join(home, '.cursor', 'projects'), 3);
  add('continue', join(home, '.continue', 'sessions'), 1);
  const vscodeUser =
    platform === 'darwin' ? join(home, 'Library', 'Application Support', 'Code', 'User') : platform === 'win32' ? join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Code', 'User') : join(xdgConfig, 'Code', 'User');
  add('copilot', join(vscodeUser, 'workspaceStorage'), 4);
  // Roots the adapters name themselves (Cursor's and Cline's stores, VS Code's other editions...).
  const senv = { env, home, platform, knownRepos: [] };
  for (const adapter of adapters) for (const r of adapter.watchRoots?.(senv) ?? []) add(adapter.id, r.path, r.depth);
  return roots;
}

/** Transcript-like files: JSON lines, JSON, Markdown histories, SQLite stores and their WAL. */
export function isTranscriptFile(path: string): boolean {
  return /\.(jsonl|json|md|db|vscdb)$/.test(path) || /\.(db|vscdb)-wal$/.test(path) || /\.jsonl\.zst$/.test(path);
}

/** The file an ingest should read for a changed path (a SQLite WAL stands for its database). */
export function ingestTarget(path: string): string {
  return path.replace(/-(wal|shm|journal)$/, '');
}
