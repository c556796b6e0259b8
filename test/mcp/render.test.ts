import { describe, expect, it } from 'vitest';
import { learningLine } from '../../src/mcp/render.js';
import type { LearningInfo } from '../../src/app/index.js';

// What an agent reads of a learning in the MCP server's text answers.
describe('learningLine', () => {
  const finding: LearningInfo = {
    id: 'entire:1', category: 'code', content: 'The author comes from the repository config', date: '2026-02-09T10:00:00Z', source: 'entire',
    files: ['src/a.go'], sessionId: null, doc: null, stale: false, staleReason: null, checkpoint: 'fcea11a4ec9d',
  };

  it('names a code finding’s lines and its commit, and leads with the line asked about', () => {
    expect(learningLine(finding)).toBe('2026-02-09 [code] The author comes from the repository config (Entire checkpoint fcea11a4ec9d)');
    const lines = { commit: '27f160326d0123456789', start: 28, end: 33 };
    expect(learningLine({ ...finding, lines })).toBe('2026-02-09 [code] The author comes from the repository config (Entire checkpoint fcea11a4ec9d, lines 28-33 at 27f160326d)');
    expect(learningLine({ ...finding, lines: { ...lines, end: 28 }, atLine: true })).toBe(
      'ABOUT THIS LINE: 2026-02-09 [code] The author comes from the repository config (Entire checkpoint fcea11a4ec9d, line 28 at 27f160326d)',
    );
  });
});
