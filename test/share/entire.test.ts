import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointFolder, parseCheckpointSession, parseCheckpointSummary } from '../../src/share/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// Entire's checkpoints as Entire wrote them on its own repository (entire/checkpoints/v1).
const file = (path: string): string => readFileSync(join(REAL_FIXTURES, 'entire', 'checkpoints', path), 'utf8');

describe("Entire's checkpoints", () => {
  it('shards a checkpoint id as Entire does, and refuses what is not one', () => {
    expect(checkpointFolder('1274eaa17eb8')).toBe('12/74eaa17eb8');
    expect(checkpointFolder('1274EAA17EB8')).toBeNull();
    expect(checkpointFolder('../../etc/pa')).toBeNull();
  });

  it("lists a summary's session folders, with the gaps of a migrated checkpoint and doubled paths", () => {
    expect(parseCheckpointSummary(file('12/74eaa17eb8/metadata.json'))).toEqual(['0']);
    expect(parseCheckpointSummary(file('00/c9e2351016/metadata.json'))).toEqual(['0', '2', '3']);
    expect(parseCheckpointSummary(file('76/74489fb0a9/metadata.json'))).toEqual(['0', '1', '2', '3', '4']);
    expect(parseCheckpointSummary('{"sessions": "no"}')).toBeNull();
    expect(parseCheckpointSummary('not json')).toBeNull();
  });

  it("takes the summary's intent as the request, with the agent, files and the commit's attribution", () => {
    const s = parseCheckpointSession('fcea11a4ec9d', file('fc/ea11a4ec9d/0/metadata.json'), file('fc/ea11a4ec9d/0/prompt.txt'))!;
    expect(s).toEqual({
      checkpoint: 'fcea11a4ec9d', session: '76d407bd-2561-45ef-8cbb-2dc1f9be9bbe', agent: 'Claude Code', createdAt: '2026-02-10T00:41:18.534844Z',
      files: ['cmd/entire/cli/checkpoint/checkpoint_test.go', 'cmd/entire/cli/checkpoint/committed.go'],
      prompt: expect.stringMatching(/^Address PR review feedback by handling potential errors in findSessionIndex/), agentLines: 9, totalLines: 9,
      learnings: [
        { category: 'repo', text: 'The codebase uses github.com/entireio/cli/cmd/entire/cli/logging for structured logging', path: null, line: null, endLine: null },
        { category: 'repo', text: expect.stringMatching(/^Git blob corruption is considered very unlikely/), path: null, line: null, endLine: null },
        { category: 'workflow', text: expect.stringMatching(/^For low-probability failure scenarios/), path: null, line: null, endLine: null },
        { category: 'workflow', text: expect.stringMatching(/^Pre-existing LSP diagnostics/), path: null, line: null, endLine: null },
        { category: 'code', text: expect.stringMatching(/^findSessionIndex performs best-effort session deduplication/), path: 'cmd/entire/cli/checkpoint/committed.go', line: null, endLine: null },
      ],
    });
  });

  it('falls back to the first prompt, and to "unknown" for a checkpoint without the agent field', () => {
    const first = parseCheckpointSession('1274eaa17eb8', file('12/74eaa17eb8/0/metadata.json'), file('12/74eaa17eb8/0/prompt.txt'))!;
    expect(first.prompt).toBe(file('12/74eaa17eb8/0/prompt.txt').split('\n\n---\n\n')[0]!.trim().slice(0, 599) + '…');
    expect([first.agentLines, first.totalLines]).toEqual([218, 220]);
    // A migrated checkpoint's session, as older Entire versions wrote it: no agent field.
    const { agent, ...older } = JSON.parse(file('00/c9e2351016/2/metadata.json')) as Record<string, unknown>;
    expect(agent).toBe('Agent');
    const old = parseCheckpointSession('00c9e2351016', JSON.stringify(older), null)!;
    expect(old.agent).toBe('unknown');
    expect(old.prompt).toBeNull();
    expect(parseCheckpointSession('00c9e2351016', '{"checkpoint_id":"00c9e2351016"}', null)).toBeNull();
    expect(parseCheckpointSession('00c9e2351016', '[1,2]', null)).toBeNull();
  });

  it("reads a summary's learnings, with a code finding's lines, and skips what is not one", () => {
    const metadata = JSON.stringify({
      session_id: 's-2',
      summary: {
        learnings: {
          repo: ['Uses cobra for commands', '', 42, null],
          code: [{ path: 'cmd/x.go', line: 10, end_line: 20, finding: 'x retries twice' }, { path: 'cmd/y.go', finding: '  ' }, { finding: 'no path given', line: -3 }, 'not an object'],
          workflow: 'not a list',
        },
      },
    });
    expect(parseCheckpointSession('abcdef123456', metadata, null)!.learnings).toEqual([
      { category: 'repo', text: 'Uses cobra for commands', path: null, line: null, endLine: null },
      { category: 'code', text: 'x retries twice', path: 'cmd/x.go', line: 10, endLine: 20 },
      { category: 'code', text: 'no path given', path: null, line: null, endLine: null },
    ]);
    expect(parseCheckpointSession('abcdef123456', JSON.stringify({ session_id: 's-3', summary: { learnings: 'none' } }), null)!.learnings).toEqual([]);
  });
});
