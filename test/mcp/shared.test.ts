import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, type CliResult } from '../helpers/cli.js';
import { commit, git } from '../helpers/git-repo.js';
import { bareRemote, teammate } from '../helpers/team.js';

// What a teammate shared through `lore sync` reaches an agent through `lore mcp`, marked with who
// shared it (issue 16): the request and the learning in the why and learnings tools.

const ok = (r: CliResult): CliResult => {
  expect([r.code, r.stderr]).toEqual([0, '']);
  return r;
};

describe('lore mcp and shared knowledge', () => {
  it("shows a teammate's request, learning and AI-line count in why and learnings, marked with who shared them", { timeout: 120_000 }, async () => {
    const bare = bareRemote();
    const alice = teammate('alice', bare);
    const bob = teammate('bob', bare);

    // Alice's Claude Code session writes src/greet.ts; she commits, records a learning, syncs.
    const session = 'a11ce000-0000-4000-8000-000000000001';
    const content = 'export const greet = () => "hello";\n';
    const base = { isSidechain: false, userType: 'external', cwd: alice.dir, sessionId: session, version: '2.0.64' };
    const transcript = [
      { ...base, parentUuid: null, uuid: 'a11ce000-0000-4000-8000-000000000011', timestamp: '2026-03-01T09:59:00.000Z', type: 'user', message: { role: 'user', content: 'Add a greet function in src/greet.ts that says hello' } },
      {
        ...base, parentUuid: 'a11ce000-0000-4000-8000-000000000011', uuid: 'a11ce000-0000-4000-8000-000000000012', timestamp: '2026-03-01T09:59:01.000Z', type: 'assistant',
        message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Write', input: { file_path: join(alice.dir, 'src/greet.ts'), content } }] },
      },
    ];
    const projects = join(alice.env.CLAUDE_CONFIG_DIR!, 'projects', alice.dir.replaceAll('/', '-'));
    mkdirSync(projects, { recursive: true });
    writeFileSync(join(projects, `${session}.jsonl`), transcript.map((l) => JSON.stringify(l)).join('\n') + '\n');
    commit(alice.dir, { 'src/greet.ts': content }, 'add greet', { date: '2026-03-01T10:00:00Z' });
    git(alice.dir, ['push', '-q', 'origin', 'main']);
    ok(runCli(['learn', 'greet must stay pure', '--file', 'src/greet.ts', '--category', 'convention'], { cwd: alice.dir, env: alice.env }));
    ok(runCli(['sync'], { cwd: alice.dir, env: alice.env }));

    git(bob.dir, ['pull', '-q', 'origin', 'main']);
    expect(ok(runCli(['sync'], { cwd: bob.dir, env: bob.env })).stdout).toContain('shared by alice@example.com');

    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: bob.dir, env: { ...(process.env as Record<string, string>), ...bob.env, LORE_MCP_WAIT_MS: '60000' }, stderr: 'pipe' });
    const client = new Client({ name: 'lore-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> => (await client.callTool({ name, arguments: args })) as CallToolResult;
      const text = (r: CallToolResult): string => (r.content[0] as { text: string }).text;
      const why = await call('why', { file: 'src/greet.ts' });
      expect(why.isError).toBeFalsy();
      expect(text(why)).toMatch(/← "Add a greet function in src\/greet.ts that says hello" \(session shared:[0-9a-f]{16}, 2026-03-01, shared by alice@example.com\)/);
      expect(text(why)).toContain('[convention] greet must stay pure (shared by alice@example.com)');
      expect(text(why)).toContain('AI-written: 1 of 1 added lines (counted by alice@example.com)');
      const data = why.structuredContent as { origin: { requests: { sharedBy?: string }[] }; learnings: { sharedBy?: string }[] };
      expect(data.origin.requests.map((q) => q.sharedBy)).toEqual(['alice@example.com']);
      expect(data.learnings.map((l) => l.sharedBy)).toEqual(['alice@example.com']);
      const learnings = await call('learnings', { file: 'src/greet.ts' });
      expect(text(learnings)).toContain('greet must stay pure (shared by alice@example.com)');
    } finally {
      await client.close();
    }
  });
});
