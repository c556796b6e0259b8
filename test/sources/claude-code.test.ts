import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeCode, claudeRoots } from '../../src/sources/claude-code.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';
import { REAL, collect, readAll, tempDir } from './adapter-harness.js';

const env = (vars: Record<string, string>, platform: NodeJS.Platform = 'linux') => ({ env: vars, home: '/home/u', platform, knownRepos: [] });

describe('Claude Code paths', () => {
  it('looks in CLAUDE_CONFIG_DIR (comma-separated, with or without projects/), ~/.claude and the XDG config dir', () => {
    expect(claudeRoots(env({ CLAUDE_CONFIG_DIR: '/a, /b/projects' }))).toEqual(['/a/projects', '/b/projects', '/home/u/.claude/projects', '/home/u/.config/claude/projects']);
    expect(claudeRoots(env({ XDG_CONFIG_HOME: '/x' }))).toEqual(['/home/u/.claude/projects', '/x/claude/projects']);
  });

  it('adds the macOS and Windows application folders on those systems', () => {
    expect(claudeRoots(env({}, 'darwin'))).toContain(join('/home/u', 'Library', 'Application Support', 'Claude', 'projects'));
    expect(claudeRoots(env({ APPDATA: '/appdata' }, 'win32'))).toContain(join('/appdata', 'Claude', 'projects'));
  });

  it('recognizes session and subagent transcripts under projects/, and nothing else', () => {
    expect(claudeCode.matches('/h/.claude/projects/-r/3fe1b6bc-dbd0-4320-b980-4f147befa187.jsonl')).toBe(true);
    expect(claudeCode.matches('/h/.claude/projects/-r/agent-36541525.jsonl')).toBe(true);
    expect(claudeCode.matches('/h/.claude/projects/-r/3fe1b6bc-dbd0-4320-b980-4f147befa187/subagents/agent-a485154.jsonl')).toBe(true);
    expect(claudeCode.matches('/h/.claude/projects/-r/session-3fe1b6bc.jsonl')).toBe(true); // locate() reads it: so must a watcher
    expect(claudeCode.matches('/h/.claude/projects/-r/notes.txt')).toBe(false);
    expect(claudeCode.matches('/h/.claude/history.jsonl')).toBe(false);
    expect(claudeCode.matches('/h/.codex/sessions/2026/01/02/rollout-2026-01-02T10-00-00-019b7f04-0b04-7cd3-b739-bfa632f7459e.jsonl')).toBe(false);
  });
});

describe('Claude Code locate', () => {
  it('finds sessions and subagents under projects/, not spilled tool outputs, with paths as path.join makes them', async () => {
    const home = tempDir('lore-claude-locate-');
    const projects = join(home, 'cfg', 'projects');
    const files = ['-r/3fe1b6bc.jsonl', '-r/3fe1b6bc/subagents/agent-a1.jsonl', '-r/3fe1b6bc/tool-results/toolu_1.jsonl', '-r/notes.txt'];
    for (const f of files) {
      mkdirSync(join(projects, f, '..'), { recursive: true });
      writeFileSync(join(projects, f), '{}\n');
    }
    const expected = [join(projects, '-r/3fe1b6bc.jsonl'), join(projects, '-r/3fe1b6bc/subagents/agent-a1.jsonl')];
    // Named with a trailing slash, the folder still gives the paths path.join would.
    for (const dir of [join(home, 'cfg'), `${projects}/`]) {
      const found = (await claudeCode.locate({ env: { CLAUDE_CONFIG_DIR: dir }, home, platform: 'linux', knownRepos: [] })).filter((p) => p.startsWith(join(home, 'cfg')));
      expect(found, dir).toEqual(expected);
    }
  });
});

describe('Claude Code locate for one repository', () => {
  it("reads the folders of sessions started in the repository, below it or above it, and no other's", async () => {
    const home = tempDir('lore-claude-scope-');
    const projects = join(home, 'cfg', 'projects');
    const repo = '/work/my.app';
    const long = `/work/${'deep/'.repeat(45)}app`; // a folder name past 200 characters: Claude Code cuts it and adds a hash
    const cut = (p: string, hash: string) => `${p.replace(/[^a-zA-Z0-9]/g, '-').slice(0, 200)}-${hash}`;
    const below = cut(`${long}/web`, '4d5e6f');
    const folders = ['-work-my-app', '-work-my-app-web', '-work', '-', '-work-other', '-home-u', cut(long, '1a2b3c'), below];
    for (const f of folders) {
      mkdirSync(join(projects, f), { recursive: true });
      writeFileSync(join(projects, f, 's.jsonl'), '{}\n');
    }
    const locate = async (scope?: string) =>
      (await claudeCode.locate({ env: { CLAUDE_CONFIG_DIR: join(home, 'cfg') }, home, platform: 'linux', knownRepos: [], ...(scope ? { scope } : {}) }))
        .filter((p) => p.startsWith(projects))
        .map((p) => p.slice(projects.length + 1, -'/s.jsonl'.length));
    expect((await locate(repo)).sort()).toEqual(['-', '-work', '-work-my-app', '-work-my-app-web']);
    expect((await locate(long)).sort()).toEqual(['-', '-work', cut(long, '1a2b3c'), below].sort());
    expect((await locate()).length).toBe(folders.length);
  });
});

describe('Claude Code titles', () => {
  it('takes a summary as the title once its leaf line is in the same file, and ignores one whose leaf is elsewhere', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'lore-cc-'));
    const file = join(dir, '11111111-2222-4333-8444-555555555555.jsonl');
    const user = (uuid: string, text: string) => JSON.stringify({ type: 'user', uuid, sessionId: '11111111-2222-4333-8444-555555555555', cwd: '/w', timestamp: '2026-01-01T00:00:00Z', message: { role: 'user', content: text } });
    writeFileSync(file, [
      JSON.stringify({ type: 'summary', summary: 'Elsewhere', leafUuid: 'not-here' }),
      JSON.stringify({ type: 'summary', summary: 'Fix the parser', leafUuid: 'u2' }),
      user('u1', 'first prompt'),
      user('u2', 'second prompt'),
    ].join('\n') + '\n');
    const titles: string[] = [];
    for await (const r of claudeCode.read(file, undefined)) if (r.kind === 'session' && r.session.title) titles.push(r.session.title);
    expect(titles).toEqual(['first prompt', 'Fix the parser']);
  });
});

describe('Claude Code edit hunks', () => {
  it('stores the hunks an applied edit\'s tool result records (toolUseResult.structuredPatch)', async () => {
    const r = await readAll(claudeCode, join(REAL_FIXTURES, 'claude-code/git-ai/example-claude-code.jsonl'));
    const edits = [...r.edits.values()];
    const icon = edits.find((e) => e.path.endsWith('HistoryLog.tsx'))!;
    expect(icon.patch).toMatch(/^@@ -380,8 \+380,8 @@\n/);
    expect(icon.patch).toContain('\n+        color: player === "RED" ? "var(--green)" : "var(--yellow)",\n');
    expect(icon.patch).toContain('\n-        color: player === "RED" ? "var(--red)" : "var(--blue)",\n');
    // One patch for a MultiEdit call: on its first part.
    const multi = edits.filter((e) => e.tool === 'MultiEdit');
    expect(multi.map((e) => e.patch !== undefined)).toEqual([true, false, false, false, false]);
    expect(multi[0]!.patch).toContain('\n+.stripe-green-yellow {\n');
    // Every Edit of the long real session got the hunks of its result; its one Write created the
    // file (`type: 'create'`, an empty structuredPatch): its new text is the whole file.
    const spec = [...(await readAll(claudeCode, join(REAL_FIXTURES, 'claude-code/codemie-code/session-3fe1b6bc.jsonl'))).edits.values()];
    expect(spec.filter((e) => e.tool === 'Edit').length).toBe(18);
    expect(spec.filter((e) => !e.patch?.startsWith('@@ -')).map((e) => e.tool)).toEqual(['Write']);
  });
});

// Reconstructed (test/fixtures/real/RECONSTRUCTED.md): a session with a whitespace-only text block
// streamed before an Edit, a file-history-delta, a compaction, and the compaction's own transcript.
describe('Claude Code compaction and bookkeeping records', () => {
  const dir = join(REAL, 'claude-code/reconstructed/-home-test-shop');
  const main = join(dir, '7d2b9c4e-1f3a-4e5b-9c6d-2a8e0f1b3c57.jsonl');
  const compaction = join(dir, '7d2b9c4e-1f3a-4e5b-9c6d-2a8e0f1b3c57/subagents/agent-acompact-5e1f0c9a7b3d2e4f.jsonl');

  it('reads no session from a compaction transcript (agent-acompact-*): no subagent, no prompt', async () => {
    expect(claudeCode.matches(compaction.replace('/reconstructed/', '/projects/'))).toBe(true);
    const r = await collect(claudeCode, compaction);
    expect(r.sessions).toEqual([]);
    expect(r.messages).toEqual([]);
    expect(r.skips).toEqual([]);
    // Its cursor is at the end, so an unchanged file is not read again.
    expect(r.checkpoints.at(-1)!.offset).toBe(readFileSync(compaction).length);
  });

  it('passes over file-history-delta lines and drops a whitespace-only text block', async () => {
    const r = await collect(claudeCode, main);
    expect(r.skips).toEqual([]);
    expect(r.messages.map((m) => [m.role, m.kind, m.content.slice(0, 40)])).toEqual([
      ['user', 'prompt', 'rename total() in cart.py to sum_prices('],
      ['assistant', 'tool_call', '[tool Edit] /home/test/shop/cart.py'],
      ['tool', 'tool_result', 'The file /home/test/shop/cart.py has bee'],
      ['assistant', 'text', 'Renamed `total()` to `sum_prices()` in c'],
      ['system', 'meta', 'Conversation compacted'],
      ['user', 'meta', 'This session is being continued from a p'],
      ['user', 'prompt', 'now add a test for sum_prices()'],
    ]);
  });
});
