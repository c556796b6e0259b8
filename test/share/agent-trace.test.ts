import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelId, parseAgentTraces, stableUuid } from '../../src/share/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// Agent Trace records: the specification's own examples, and the shapes a writer like Cursor
// leaves in .agent-trace/traces.jsonl (Windows paths, metadata.conversation_id, a file url).
const example = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(REAL_FIXTURES, 'agent-trace', name), 'utf8')) as Record<string, unknown>;
const line = (o: unknown): string => JSON.stringify(o);

describe('parseAgentTraces', () => {
  it("reads the spec's example record: each file's AI ranges with the tool, model and conversation", () => {
    const r = parseAgentTraces(line(example('example-trace-record.json')));
    expect(r).toMatchObject({ records: 1, skipped: 0 });
    expect(r.attributions).toEqual([
      {
        record: '550e8400-e29b-41d4-a716-446655440000', revision: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0', at: Date.parse('2026-01-23T14:30:00Z') / 1000,
        path: 'src/utils/parser.ts', tool: 'cursor', model: 'anthropic/claude-opus-4-5-20251101', conversation: '12345', url: 'https://api.cursor.com/v1/conversations/12345', lines: 26, ranges: '42-67',
      },
      expect.objectContaining({ path: 'src/utils/helpers.ts', model: 'openai/gpt-4o', lines: 16, ranges: '10-25' }),
    ]);
  });

  it('skips and counts a record it cannot place or read, and never throws', () => {
    // The spec's minimal record is valid but names no revision: nothing to attach it to.
    const r = parseAgentTraces([line(example('minimal-trace-record.json')), '{"version": "0.1.0", "id": "x", "files": [', 'null', '[]', '', line({ schema: 'agent-trace/v0.1.0', file_path: '/Users/a/x.ts', start_line: 1, end_line: 2 })].join('\n'));
    expect(r).toEqual({ attributions: [], records: 0, skipped: 5 });
  });

  it("makes paths repository-relative, takes Cursor's conversation id, and leaves out human ranges", () => {
    const record = {
      version: '0.1.0', id: '43e38150-702f-48a5-a00c-16703c78f959', timestamp: '2026-07-20T11:50:04.408Z', vcs: { type: 'git', revision: 'A'.repeat(40) }, tool: { name: 'cursor', version: '3.12.17' },
      files: [
        { path: 'src\\lib\\data.ts', conversations: [{ url: 'file://c:\\Users\\p\\.cursor\\agent-transcripts\\be6cecdd\\be6cecdd.jsonl', contributor: { type: 'ai', model_id: 'anthropic/claude-opus-4-8' }, ranges: [{ start_line: 13, end_line: 13 }, { start_line: 18, end_line: 18 }, { start_line: 20, end_line: 22, contributor: { type: 'human' } }] }] },
        { path: '/repo/src/app.ts', conversations: [{ contributor: { type: 'human' }, ranges: [{ start_line: 1, end_line: 5, contributor: { type: 'ai' } }] }] },
        { path: '/elsewhere/x.ts', conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 1, end_line: 5 }] }] },
        { path: '../up.ts', conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 1, end_line: 5 }] }] },
      ],
      metadata: { conversation_id: 'be6cecdd-a75a-4363-b49d-3f7850807d1d' },
    };
    const r = parseAgentTraces(line(record), '/repo');
    expect(r.attributions.map((a) => [a.path, a.revision, a.conversation, a.model, a.lines, a.ranges])).toEqual([
      ['src/lib/data.ts', 'a'.repeat(40), 'be6cecdd-a75a-4363-b49d-3f7850807d1d', 'anthropic/claude-opus-4-8', 2, '13,18'],
      ['src/app.ts', 'a'.repeat(40), 'be6cecdd-a75a-4363-b49d-3f7850807d1d', null, 5, '1-5'],
    ]);
  });
});

describe('Agent Trace export helpers', () => {
  it('gives a commit the same RFC 4122 id on every export', () => {
    const id = stableUuid('85fa78f5a65c47edfdaa753182046ec7fb8fc4b7');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid('85fa78f5a65c47edfdaa753182046ec7fb8fc4b7')).toBe(id);
    expect(stableUuid('d0ffbf173b125c221605818fde1a8cb9602056b5')).not.toBe(id);
  });

  it('names models as models.dev does', () => {
    expect(modelId('claude-sonnet-4-5')).toBe('anthropic/claude-sonnet-4-5');
    expect(modelId('gpt-5.6-sol')).toBe('openai/gpt-5.6-sol');
    expect(modelId('anthropic/claude-opus-4-8')).toBe('anthropic/claude-opus-4-8');
    expect(modelId('deepseek-coder')).toBe('deepseek-coder');
  });
});
