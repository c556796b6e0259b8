import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type CallToolResult, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { aiderRepo } from '../helpers/aider-repo.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

// `lore mcp` driven as a client drives it: the built CLI over stdio, with the SDK's own client.

/** A connected client of `lore mcp` started in `cwd`; its stderr is kept for the assertions. */
async function connect(cwd: string, args: string[] = [], env: Record<string, string> = {}, roots?: string[]): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], cwd, env: { ...(process.env as Record<string, string>), ...env }, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const client = new Client({ name: 'lore-test', version: '1.0.0' }, roots ? { capabilities: { roots: {} } } : {});
  // A client with workspace roots (as editors have) names them when the server asks.
  if (roots) client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: roots.map((r) => ({ uri: pathToFileURL(r).href })) }));
  await client.connect(transport);
  return { client, stderr: () => err };
}

const call = async (client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> => (await client.callTool({ name, arguments: args })) as CallToolResult;
const text = (r: CallToolResult): string => (r.content[0] as { text: string }).text;
const withoutPending = (value: unknown): unknown => {
  const { pending: _, ...rest } = value as Record<string, unknown>;
  return rest;
};

describe('lore mcp', () => {
  let dir: string;
  let client: Client;
  let stderr: () => string;

  beforeAll(async () => {
    dir = aiderRepo();
    // Aider started and left before anything was typed: a session the `sessions` tool leaves out.
    appendFileSync(join(dir, '.aider.chat.history.md'), '\n# aider chat started at 2026-03-02 09:00:00\n\n> Aider v0.51.0  \n');
    // These answers are compared with the CLI's: let the first catch-up (the Aider history is not
    // read yet) finish however loaded the machine is; the budget has a test of its own below.
    ({ client, stderr } = await connect(dir, [], { LORE_MCP_WAIT_MS: '60000' }));
  });
  afterAll(async () => {
    await client?.close();
  });

  it('lists its seven tools, each with a description and an input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['learnings', 'record_learning', 'related', 'search', 'sessions', 'show_session', 'why']);
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeGreaterThan(60);
      expect(t.inputSchema.type).toBe('object');
    }
    expect(tools.find((t) => t.name === 'why')!.inputSchema.required).toEqual(['file']);
    expect(tools.find((t) => t.name === 'why')!.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'record_learning')!.annotations?.readOnlyHint).toBe(false);
  });

  it('answers why as `lore why` does: the same JSON, and the request in the text', async () => {
    const r = await call(client, 'why', { file: 'calc.py' });
    expect(r.isError).toBeFalsy();
    const cli = runCli(['why', 'calc.py', '--json'], { cwd: dir });
    expect(cli.code).toBe(0);
    expect(withoutPending(r.structuredContent)).toEqual(JSON.parse(cli.stdout));
    expect(text(r)).toContain('← "add a double function to calc.py"');
    expect(text(r)).toContain('[convention] double must stay pure');
    // A line: the commit that last changed it.
    const line = await call(client, 'why', { file: 'calc.py', line: 2 });
    expect((line.structuredContent as { blamed: { subject: string } }).blamed.subject).toBe('feat: Add double function');
  });

  it('answers search, related, learnings, sessions and show_session from the same use cases as the CLI', async () => {
    const found = await call(client, 'search', { query: 'double function' });
    expect(found.isError).toBeFalsy();
    const hits = (found.structuredContent as { hits: { kind: string; sha: string | null }[] }).hits;
    expect(hits.some((h) => h.kind === 'commit')).toBe(true);
    expect(text(found)).toMatch(/«double»/i);

    const related = await call(client, 'related', { file: 'calc.py' });
    expect(related.isError).toBeFalsy();
    expect((related.structuredContent as { file: string }).file).toBe('calc.py');

    const learned = await call(client, 'learnings', { file: 'calc.py' });
    expect((learned.structuredContent as { learnings: { content: string }[] }).learnings.map((l) => l.content)).toEqual(['double must stay pure']);

    const listed = await call(client, 'sessions', {});
    const ids = (listed.structuredContent as { sessions: { id: string; source: string }[] }).sessions;
    expect(ids.map((s) => s.source)).toEqual(['aider']);
    expect((listed.structuredContent as { untyped: number }).untyped).toBe(1);
    expect(text(listed)).toContain(ids[0]!.id);

    const shown = await call(client, 'show_session', { id: ids[0]!.id });
    expect(shown.isError).toBeFalsy();
    expect(text(shown)).toContain('user: add a double function to calc.py');
    expect(text(shown)).toContain('✎ edit calc.py');
  });

  it('records a learning as `lore learn` does, with secrets redacted before they are stored', async () => {
    const key = `sk-ant-api03-${'A1b2C3d4'.repeat(10)}AA`;
    const r = await call(client, 'record_learning', { text: `the billing client needs the key ${key} from the vault`, files: ['calc.py'], category: 'gotcha' });
    expect(r.isError).toBeFalsy();
    expect(text(r)).not.toContain(key);
    const stored = JSON.parse(runCli(['learnings', 'calc.py', '--json'], { cwd: dir }).stdout) as { learnings: { content: string; category: string }[] };
    const billing = stored.learnings.find((l) => l.content.startsWith('the billing client'));
    expect(billing?.category).toBe('gotcha');
    expect(billing?.content).not.toContain(key);
    expect(billing?.content).toContain('from the vault');
  });

  it('turns bad arguments into tool errors, and keeps serving', async () => {
    const missing = await call(client, 'why', {});
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/file/);
    const badLine = await call(client, 'why', { file: 'calc.py', line: 0 });
    expect(badLine.isError).toBe(true);
    const pastEnd = await call(client, 'why', { file: 'calc.py', line: 99 });
    expect(pastEnd.isError).toBe(true);
    expect(text(pastEnd)).toContain('calc.py has 2 lines; line 99 does not exist');
    const typo = await call(client, 'why', { file: 'calc.pyy' });
    expect(typo.isError).toBe(true);
    expect(text(typo)).toContain('hint: did you mean: calc.py');
    const outside = await call(client, 'why', { file: '/etc/passwd' });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toContain('outside the repository');
    const badDate = await call(client, 'search', { query: 'x', since: 'yesterday-ish' });
    expect(badDate.isError).toBe(true);
    expect(text(badDate)).toContain('is not a date');
    const unknownSession = await call(client, 'show_session', { id: 'nothing-like-this' });
    expect(unknownSession.isError).toBe(true);
    // Still answering.
    expect((await call(client, 'why', { file: 'calc.py' })).isError).toBeFalsy();
    expect(stderr()).not.toMatch(/unexpected error/);
  });

  it('answers 50 concurrent calls', async () => {
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 5 === 0 ? call(client, 'search', { query: 'double' }) : i % 5 === 1 ? call(client, 'learnings', {}) : i % 5 === 2 ? call(client, 'sessions', {}) : call(client, 'why', { file: i % 2 ? 'calc.py' : 'README.md' }),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(results.every((r) => text(r).length > 0)).toBe(true);
  });
});

describe('lore mcp and what is not indexed yet', () => {
  it('answers from what is stored when the catch-up takes longer than it waits, and says so', async () => {
    const dir = gitRepo({ 'a.md': 'a\n' }, 'add a');
    commit(dir, { 'a.md': 'a\nb\n' }, 'add b');
    const { client } = await connect(dir, [], { LORE_MCP_WAIT_MS: '0' });
    try {
      const first = await call(client, 'why', { file: 'a.md' });
      expect(first.isError).toBeFalsy();
      expect(text(first)).toContain('pending: lore is still catching up with this repository');
      expect((first.structuredContent as { pending: string[] }).pending[0]).toMatch(/still catching up/);
      // The catch-up it started goes on; a later call sees the history.
      let total = 0;
      for (let i = 0; i < 50 && total < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        total = ((await call(client, 'why', { file: 'a.md' })).structuredContent as { total: number }).total;
      }
      expect(total).toBe(2);
    } finally {
      await client.close();
    }
  });
});

describe('lore mcp when it cannot answer', () => {
  it('says clearly that the database is damaged, on every call, without crashing', async () => {
    const dir = gitRepo({ 'a.md': 'a\n' }, 'add a');
    const db = join(mkdtempSync(join(tmpdir(), 'lore-mcp-db-')), 'lore.db');
    writeFileSync(db, 'this is not a database, it is a text file long enough to have a header '.repeat(20));
    const { client } = await connect(dir, ['--db', db]);
    try {
      for (let i = 0; i < 2; i++) {
        const r = await call(client, 'why', { file: 'a.md' });
        expect(r.isError).toBe(true);
        expect(text(r)).toContain(`cannot use the database at ${db}`);
        expect(text(r)).toContain('hint:');
      }
      expect((await client.listTools()).tools).toHaveLength(7);
    } finally {
      await client.close();
    }
    expect(readFileSync(db, 'utf8')).toMatch(/^this is not a database/);
  });

  it('says that it serves no repository when started outside one', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'lore-mcp-outside-'));
    const { client } = await connect(outside);
    try {
      const r = await call(client, 'why', { file: 'a.md' });
      expect(r.isError).toBe(true);
      expect(text(r)).toContain('is not inside a git work tree');
      expect(text(r)).toContain('-C DIR');
    } finally {
      await client.close();
    }
  });
});

describe('lore mcp started outside a repository', () => {
  it("serves the first of the client's roots that is a repository, from the first call", async () => {
    const outside = mkdtempSync(join(tmpdir(), 'lore-mcp-outside-'));
    const notRepo = mkdtempSync(join(tmpdir(), 'lore-mcp-root-'));
    const repo = gitRepo();
    commit(repo, { 'notes.md': 'why\n' }, 'add notes');
    const { client, stderr } = await connect(outside, [], { LORE_MCP_WAIT_MS: '60000' }, [notRepo, repo]);
    try {
      const r = await call(client, 'why', { file: 'notes.md' });
      expect(r.isError, text(r)).toBeFalsy();
      expect(text(r)).toMatch(/^notes\.md \(1 commit/);
      expect(stderr()).toContain('(a root the client named)');
    } finally {
      await client.close();
    }
  });
});

describe('lore mcp --print-config', () => {
  it('prints what each client needs, and lore edits no configuration', () => {
    const dir = gitRepo({ 'a.md': 'a\n' }, 'add a');
    const out = (client: string): string => {
      const r = runCli(['mcp', '--print-config', client], { cwd: dir });
      expect(r.code).toBe(0);
      return r.stdout;
    };
    expect(out('claude')).toContain('claude mcp add --scope user lore -- lore mcp');
    expect(JSON.parse(out('cursor'))).toEqual({ mcpServers: { lore: { command: 'lore', args: ['mcp', '-C', '${workspaceFolder}'] } } });
    expect(out('codex')).toContain('[mcp_servers.lore]\ncommand = "lore"\nargs = ["mcp"]');
    expect(JSON.parse(out('gemini'))).toEqual({ mcpServers: { lore: { command: 'lore', args: ['mcp'] } } });
    const bad = runCli(['mcp', '--print-config', 'vim'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Choices');
    expect(readdirSync(process.env.HOME!).filter((f) => /claude|cursor|codex|gemini/i.test(f))).toEqual([]);
  });
});
