import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';
import { isolatedEnv } from '../helpers/isolate-env.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// Agent Trace both ways: records left in .agent-trace/traces.jsonl are read into lore why, and
// `lore export --agent-trace` writes lore's links as records the spec's own JSON Schema accepts
// (test/fixtures/real/agent-trace: the schema and examples of the spec, CC BY 4.0).

const SCHEMA = JSON.parse(readFileSync(join(REAL_FIXTURES, 'agent-trace', 'trace-record.schema.json'), 'utf8')) as object;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const validate = addFormats(new Ajv2020({ allErrors: true, strict: false })).compile(SCHEMA);
const SECRET = 'ghp_' + 'R4nd0mT0k3nV4lu3F0rT3st1ngS3cr3tX9z8';

function home(): { dir: string; env: Record<string, string> } {
  const h = realpathSync(mkdtempSync(join(tmpdir(), 'lore-trace-')));
  return { dir: h, env: isolatedEnv(h) };
}

const ok = (r: CliResult): CliResult => {
  expect(r.stderr).not.toMatch(/Error|at .*\.js:\d+/);
  expect(r.code).toBe(0);
  return r;
};

/** A Claude Code session whose prompt asked for `path` and whose Write made it; then the commit. */
function aiChange(repo: string, claudeDir: string, sessionId: string, prompt: string, path: string, content: string, date: string, committed = content): string {
  const at = (ms: number) => new Date(Date.parse(date) - 60_000 + ms).toISOString();
  const base = { isSidechain: false, userType: 'external', cwd: repo, sessionId, version: '2.0.64' };
  const lines = [
    { ...base, parentUuid: null, uuid: `${sessionId.slice(0, 8)}-0000-4000-8000-000000000001`, timestamp: at(0), type: 'user', message: { role: 'user', content: prompt } },
    {
      ...base, parentUuid: `${sessionId.slice(0, 8)}-0000-4000-8000-000000000001`, uuid: `${sessionId.slice(0, 8)}-0000-4000-8000-000000000002`, timestamp: at(1000), type: 'assistant',
      message: { id: `msg_${sessionId.slice(0, 8)}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: `toolu_${sessionId.slice(0, 8)}`, name: 'Write', input: { file_path: join(repo, path), content } }] },
    },
  ];
  const slug = repo.replaceAll('/', '-');
  mkdirSync(join(claudeDir, 'projects', slug), { recursive: true });
  writeFileSync(join(claudeDir, 'projects', slug, `${sessionId}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return commit(repo, { [path]: committed }, `add ${path}`, { date });
}

describe('Agent Trace', () => {
  it("reads the spec's example and a Cursor-shaped record from .agent-trace/traces.jsonl into lore why", { timeout: 120_000 }, () => {
    const h = home();
    const repo = gitRepo({ 'README.md': '# app\n' });
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const l${i + 1} = ${i + 1};`).join('\n') + '\n';
    const sha = commit(repo, { 'src/utils/parser.ts': lines(70), 'src/utils/helpers.ts': lines(30) }, 'parser and helpers', { date: '2026-01-23T14:29:00Z' });
    const before = commit(repo, { 'src/lib/data.ts': lines(10) }, 'data', { date: '2026-07-14T07:00:00Z' });
    const after = commit(repo, { 'src/lib/data.ts': lines(20) }, 'more data', { date: '2026-07-20T12:08:00Z' });
    // The spec's example as it is, naming our commit; Cursor's shape: HEAD at the edit, a Windows path.
    const spec = { ...JSON.parse(readFileSync(join(REAL_FIXTURES, 'agent-trace', 'example-trace-record.json'), 'utf8')), vcs: { type: 'git', revision: sha } };
    const cursor = {
      version: '0.1.0', id: '43e38150-702f-48a5-a00c-16703c78f959', timestamp: '2026-07-20T11:50:04.408Z', vcs: { type: 'git', revision: before }, tool: { name: 'cursor', version: '3.12.17' },
      files: [{ path: 'src\\lib\\data.ts', conversations: [{ url: `https://example.com/c/be6cecdd?token=${SECRET}`, contributor: { type: 'ai', model_id: 'anthropic/claude-opus-4-8' }, ranges: [{ start_line: 13, end_line: 18 }] }] }],
      metadata: { conversation_id: 'be6cecdd-a75a-4363-b49d-3f7850807d1d' },
    };
    mkdirSync(join(repo, '.agent-trace'));
    writeFileSync(join(repo, '.agent-trace', 'traces.jsonl'), [JSON.stringify(spec), '{"damaged', JSON.stringify(cursor)].join('\n') + '\n');
    const cli = (args: string[]): CliResult => runCli(args, { cwd: repo, env: h.env, timeoutMs: 120_000 });

    expect(JSON.parse(ok(cli(['init', '--no-hooks', '--json'])).stdout).provenance).toEqual({ gitAi: 0, entire: 0, agentTrace: 2, skipped: 1 });
    const parser = JSON.parse(ok(cli(['why', 'src/utils/parser.ts', '--json'])).stdout);
    expect(parser.origin.provenance).toEqual([
      { source: 'agent-trace', tool: 'cursor', model: 'anthropic/claude-opus-4-5-20251101', conversation: '12345', human: null, lines: 26, ranges: '42-67', record: '550e8400-e29b-41d4-a716-446655440000' },
    ]);
    // Cursor named HEAD as it was at the edit: the change goes to the commit that carried it.
    const data = JSON.parse(ok(cli(['why', 'src/lib/data.ts', '--json'])).stdout);
    expect(data.changes.find((c: { sha: string }) => c.sha === after).provenance).toEqual([expect.objectContaining({ tool: 'cursor', conversation: 'be6cecdd-a75a-4363-b49d-3f7850807d1d', lines: 6, ranges: '13-18' })]);
    expect(data.origin.sha).toBe(before);
    expect(data.origin.provenance).toBeUndefined();
    expect(ok(cli(['why', 'src/lib/data.ts'])).stdout).toContain('agent-trace: cursor (anthropic/claude-opus-4-8) wrote 6 lines (13-18), conversation be6cecdd');
    // A line: blamed, then looked up in that revision's ranges (the spec's section 6.5).
    const line = (n: number) => JSON.parse(ok(cli(['why', `src/lib/data.ts:${n}`, '--json'])).stdout).blamed;
    expect([line(15).sha, line(15).provenance]).toEqual([after, [expect.objectContaining({ ranges: '13-18', atLine: true })]]);
    expect([line(12).sha, line(12).provenance[0].atLine]).toEqual([after, undefined]);
    expect([line(5).sha, line(5).provenance]).toEqual([before, undefined]);
    expect(ok(cli(['why', 'src/lib/data.ts:18'])).stdout).toMatch(/wrote 6 lines \(13-18\), conversation be6cecdd {2}← this line\n/);
    expect(readFileSync(join(h.env.LORE_HOME!, 'lore.db')).includes(SECRET)).toBe(false);
    // Nothing changed: nothing read again.
    expect(JSON.parse(ok(cli(['index', '--json'])).stdout).provenance).toEqual({ gitAi: 0, entire: 0, agentTrace: 0, skipped: 1 });
  });

  it("exports lore's links as records the spec's JSON Schema accepts, and reads them back elsewhere", { timeout: 120_000 }, () => {
    const h = home();
    const repo = gitRepo({ 'README.md': '# app\n' });
    const claude = h.env.CLAUDE_CONFIG_DIR!;
    const greet = aiChange(repo, claude, 'a11ce000-0000-4000-8000-000000000001', `Add a greet function in src/greet.ts that says hello (token ${SECRET})`, 'src/greet.ts', 'export const greet = () => "hello";\nexport const bye = () => "bye";\n', '2026-03-01T10:00:00Z');
    const human = commit(repo, { 'src/greet.ts': 'export const greet = () => "hello";\nexport const bye = () => "bye";\n// by hand\n' }, 'by hand', { date: '2026-03-02T10:00:00Z' });
    const cli = (args: string[]): CliResult => runCli(args, { cwd: repo, env: h.env, timeoutMs: 120_000 });
    ok(cli(['init', '--no-hooks']));

    const out = ok(cli(['export', '--agent-trace']));
    const records = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(out.stderr).toContain('1 record of 3 commits');
    expect(records).toHaveLength(1);
    for (const r of records) expect({ valid: validate(r), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    const [r] = records as [Record<string, any>];
    // The validator is the real thing: it refuses what the spec refuses.
    expect(validate({ ...r, id: 'not-a-uuid' })).toBe(false);
    expect(validate({ ...r, files: [{ path: 'a.ts', conversations: [{ ranges: [{ start_line: 0, end_line: 1 }] }] }] })).toBe(false);
    expect(r).toMatchObject({ version: '0.1.0', vcs: { type: 'git', revision: greet }, tool: { name: 'lore' }, timestamp: '2026-03-01T10:00:00.000Z' });
    expect(r.files).toEqual([{
      path: 'src/greet.ts',
      conversations: [{ url: 'lore://session/claude-code%3Aa11ce000-0000-4000-8000-000000000001', contributor: { type: 'ai', model_id: 'anthropic/claude-sonnet-4-5' }, ranges: [{ start_line: 1, end_line: 2 }] }],
    }]);
    expect(r.metadata['dev.lore'].requests).toEqual([expect.objectContaining({ path: 'src/greet.ts', tool: 'claude-code', text: expect.stringMatching(/^Add a greet function in src\/greet.ts that says hello/) })]);
    expect(out.stdout).not.toContain(SECRET);
    // The same commit is the same record on every export; a range narrows it.
    expect(ok(cli(['export', '--agent-trace'])).stdout).toBe(out.stdout);
    expect(ok(cli(['export', '--agent-trace', `${greet}..${human}`])).stdout).toBe('');
    expect(ok(cli(['export', '--agent-trace', `${greet}^..${greet}`])).stdout).toBe(out.stdout);
    // Bad input: one line, exit 2.
    const bad = cli(['export', '--agent-trace', 'nope..HEAD']);
    expect([bad.code, bad.stderr.trim().split('\n').length]).toEqual([2, 2]);
    expect(cli(['export']).code).toBe(2);

    // A teammate without the session reads the records back as provenance.
    const other = home();
    const clone = join(other.dir, 'app');
    git(other.dir, ['clone', '-q', repo, clone]);
    mkdirSync(join(clone, '.agent-trace'));
    writeFileSync(join(clone, '.agent-trace', 'traces.jsonl'), out.stdout);
    ok(runCli(['init', '--no-hooks'], { cwd: clone, env: other.env }));
    expect(ok(runCli(['why', 'src/greet.ts'], { cwd: clone, env: other.env })).stdout).toContain('agent-trace: lore (anthropic/claude-sonnet-4-5) wrote 2 lines (1-2), conversation a11ce000');
  });

  it('gives a conversation only the lines its edits wrote, not the lines added by hand beside them', { timeout: 120_000 }, () => {
    const h = home();
    const repo = gitRepo({ 'README.md': '# app\n' });
    const written = 'export function total(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n';
    // The user added a comment line and a second function by hand before committing.
    const committed = `// sums, for the report\n${written}\nexport const twice = (n: number) => n * 2;\n`;
    const sha = aiChange(repo, h.env.CLAUDE_CONFIG_DIR!, 'b0b00000-0000-4000-8000-000000000002', 'Add a total function in src/total.ts', 'src/total.ts', written, '2026-03-03T10:00:00Z', committed);
    ok(runCli(['init', '--no-hooks'], { cwd: repo, env: h.env }));
    const out = ok(runCli(['export', '--agent-trace'], { cwd: repo, env: h.env }));
    const [r] = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect({ valid: validate(r), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    expect(r!.vcs.revision).toBe(sha);
    // Lines 2-4 are the Write's; 1 (the comment), 5 (blank) and 6 (twice) are the user's.
    expect(r!.files).toEqual([{
      path: 'src/total.ts',
      conversations: [{ url: 'lore://session/claude-code%3Ab0b00000-0000-4000-8000-000000000002', contributor: { type: 'ai', model_id: 'anthropic/claude-sonnet-4-5' }, ranges: [{ start_line: 2, end_line: 4 }] }],
    }]);
    // lore why FILE:LINE says which request wrote the line, and of a line added by hand, none.
    const blamed = (n: number) => JSON.parse(ok(runCli(['why', `src/total.ts:${n}`, '--json'], { cwd: repo, env: h.env })).stdout).blamed;
    for (const n of [2, 3, 4]) expect(blamed(n).requests.map((q: { text: string; wroteLine?: boolean }) => [q.text, q.wroteLine]), `line ${n}`).toEqual([['Add a total function in src/total.ts', true]]);
    for (const n of [1, 5, 6]) expect(blamed(n).requests.map((q: { wroteLine?: boolean }) => q.wroteLine), `line ${n}`).toEqual([undefined]);
    expect(ok(runCli(['why', 'src/total.ts:3'], { cwd: repo, env: h.env })).stdout).toMatch(/← "Add a total function in src\/total\.ts" .*wrote this line\n/);
    expect(ok(runCli(['why', 'src/total.ts:6'], { cwd: repo, env: h.env })).stdout).not.toContain('wrote this line');
  });
});
