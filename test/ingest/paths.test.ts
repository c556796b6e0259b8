import { copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';
import { count, rowSet, run, tmpDir } from '../helpers/ingest.js';
import { tempDb } from '../helpers/temp-db.js';

const real = (p: string) => join(REAL_FIXTURES, p);
const CLAUDE = [
  'claude-code/codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl',
  'claude-code/codemie-code/-tmp-private/agent-36541525.jsonl',
  'claude-code/git-ai/example-claude-code.jsonl',
].map(real);
const AIDER = real('aider/aider/chat-history.excerpt-1.md');
const CODEX = real('codex/localpush/rollout-2026-02-23T13-19-38-019c8a70-dda7-7f33-98ea-f30553347322.jsonl');
const GEMINI = real('gemini/git-ai/gemini-session-simple.jsonl');

/**
 * A folder of transcripts copied out of the tools' own folders, as a user keeps a backup: Claude
 * Code's outside any projects/ folder, Aider's history under its own name, a Codex rollout and a
 * Gemini log: four tools, two of them sharing the `.jsonl` name with Claude Code. Without the
 * Gemini log, Claude Code named alone takes every file there of its kind.
 */
function backup(withGemini = true): string {
  const dir = tmpDir('lore-backup-');
  for (const f of [...CLAUDE, CODEX, ...(withGemini ? [GEMINI] : [])]) copyFileSync(f, join(dir, basename(f)));
  copyFileSync(AIDER, join(dir, '.aider.chat.history.md'));
  return dir;
}

type Summary = { source: string; files: number; sessions: number; skipped: Record<string, number> };
const bySource = (sources: Summary[]) => Object.fromEntries(sources.map((s) => [s.source, { files: s.files, sessions: s.sessions, skipped: s.skipped }]));

describe('ingest of given paths', () => {
  it('reads a folder with several sources named as it would with each named alone', async () => {
    const dir = backup(false);
    const { db: each } = tempDb();
    for (const source of ['claude-code', 'aider']) {
      const { warnings } = await run(each, { sources: [source], paths: [dir] });
      expect(warnings, source).toEqual([]);
    }
    const { db: both } = tempDb();
    const { result, warnings } = await run(both, { sources: ['claude-code', 'aider'], paths: [dir] });
    expect(warnings).toEqual([]);
    expect(bySource(result.sources)).toEqual({
      aider: { files: 1, sessions: 435, skipped: {} },
      'claude-code': { files: 3, sessions: 3, skipped: {} },
    });
    expect(rowSet(both)).toEqual(rowSet(each));
  });

  it('gives each file of a shared name pattern to the named source that reads it', async () => {
    const dir = backup();
    const { db } = tempDb();
    const { result, warnings } = await run(db, { sources: ['gemini', 'codex', 'claude-code', 'aider'], paths: [dir] });
    expect(warnings).toEqual([]);
    expect(bySource(result.sources)).toEqual({
      aider: { files: 1, sessions: 435, skipped: {} },
      'claude-code': { files: 3, sessions: 3, skipped: {} },
      codex: { files: 1, sessions: 1, skipped: {} },
      gemini: { files: 1, sessions: 1, skipped: {} },
    });
    // No file was read by a second adapter, which makes a session without a message of it (Aider's
    // history has such sessions of its own: a run that asked nothing).
    expect(count(db, "SELECT count(*) AS n FROM sessions s WHERE source != 'aider' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id)")).toBe(0);
    // A file given by name goes the same way.
    const { db: one } = tempDb();
    const file = join(dir, basename(CLAUDE[2]!));
    const single = await run(one, { sources: ['codex', 'gemini', 'claude-code'], paths: [file] });
    expect(bySource(single.result.sources)).toEqual({ 'claude-code': { files: 1, sessions: 1, skipped: {} } });
  });

  it('leaves a file another tool recognizes by name to that tool when one source is named', async () => {
    const dir = backup();
    const { db } = tempDb();
    const { result } = await run(db, { sources: ['claude-code'], paths: [dir] });
    // The Codex rollout is Codex's by its name; the Gemini log, of no known name, is read as one source's would be.
    expect(result.sources.map((s) => [s.source, s.files])).toEqual([['claude-code', 4]]);
    expect(count(db, "SELECT count(*) AS n FROM source_files WHERE path LIKE '%rollout-%'")).toBe(0);
  });
});
