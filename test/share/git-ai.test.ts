import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGitAiNote } from '../../src/share/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// git-ai's authorship logs as git-ai wrote them on its own repository (refs/notes/ai).
const note = (sha: string) => readFileSync(join(REAL_FIXTURES, 'git-ai', `note-${sha}.txt`), 'utf8');

describe('parseGitAiNote', () => {
  it('reads a legacy log: prompts keyed by 16 hex, with tool, model, conversation and author', () => {
    const files = parseGitAiNote(note('000841e6607a4289f39ac3aa57f964c8418ebc4d'))!;
    const release = files.filter((f) => f.path === '.github/workflows/release.yml');
    expect(release).toEqual([
      { path: '.github/workflows/release.yml', tool: 'claude', model: 'claude-opus-4-5-20251101', conversation: '9279810e-3d8b-4f0a-8444-0a82624fd8eb', human: 'Sasha Varlamov <sasha@sashavarlamov.com>', lines: 3, ranges: '36,246,251' },
      expect.objectContaining({ path: '.github/workflows/release.yml', lines: 8, ranges: '340-347' }),
    ]);
  });

  it('reads a sessions log, merging the traces of one session and counting overlapping ranges once', () => {
    const files = parseGitAiNote(note('e5b82dd287fad876369e52ce2bd12b25364f750e'))!;
    const history = files.find((f) => f.path === 'src/daemon/analyzers/history.rs')!;
    expect(files.filter((f) => f.path === 'src/daemon/analyzers/history.rs')).toHaveLength(1);
    expect(history.tool).toBe('codex');
    // 820-853 and 820-843 overlap, 819 is listed twice: each line counts once.
    const raw = note('e5b82dd287fad876369e52ce2bd12b25364f750e').split('---')[0]!.split('\n');
    const start = raw.indexOf('src/daemon/analyzers/history.rs');
    const wanted = new Set<number>();
    for (const line of raw.slice(start + 1)) {
      if (!line.startsWith('  ')) break;
      for (const r of line.trim().split(' ')[1]!.split(',')) {
        const [a, b] = r.split('-').map(Number) as [number, number | undefined];
        for (let n = a; n <= (b ?? a); n++) wanted.add(n);
      }
    }
    expect(history.lines).toBe(wanted.size);
    expect(history.ranges!.startsWith('23-47,60-78,')).toBe(true);
    expect(history.model).toBe('gpt-5.6-sol');
    expect(new Set(files.map((f) => `${f.path} ${f.conversation}`)).size).toBe(files.length);
    expect(new Set(files.map((f) => f.conversation))).toEqual(new Set(['019fed54-de0a-7dc0-864e-2bb6230ff5ff', '019f3946-5521-7be3-8ff1-91ae2a1f9c06']));
  });

  it('returns null for text that is not an authorship log, and skips known-human lines', () => {
    expect(parseGitAiNote('{"schema":"lore.note/1"}')).toBeNull();
    expect(parseGitAiNote('a.ts\n  abc 1-2\n---\nnot json')).toBeNull();
    const human = 'a.ts\n  h_31dce776f88375 1-5\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 6-7\n---\n' +
      JSON.stringify({ schema_version: 'authorship/3.0.0', base_commit_sha: 'x', prompts: {}, humans: { h_31dce776f88375: { author: 'A <a@x>' } }, sessions: { s_c9883b05a2487d: { agent_id: { tool: 'cursor', id: 'c1', model: 'm' } } } });
    expect(parseGitAiNote(human)).toEqual([{ path: 'a.ts', tool: 'cursor', model: 'm', conversation: 'c1', human: null, lines: 2, ranges: '6-7' }]);
  });
});
