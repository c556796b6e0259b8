import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { claudeTranscript, leaksIn, writtenAndPrinted } from '../helpers/claude-transcript.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';
import { secretCorpus, type PlantedSecret } from '../fixtures/secrets/corpus.mjs';

// The whole secret corpus planted where users and tools put secrets: prompts, assistant text,
// tool output, file edits (Claude Code), an Aider history, and commit subjects and bodies (made
// through the installed hooks). Then every command that stores or shows them runs. None of the
// secrets may appear in the database file, its WAL, any log, any command's output (--json too).
const corpus = secretCorpus(2026).filter((c) => c.name !== 'truncated private key');
/** Secrets committed through the installed hooks (each commit starts the worker); the rest are backfilled. */
const HOOKED = 31;

/** The part of a secret that must not survive anywhere (its tail: long, and random). */
const needles = (c: PlantedSecret): string[] => c.secret.split(/\\n|\n/).filter((l) => l.length >= 12).map((l) => l.slice(-12));

function transcript(repo: string, sessionId: string): string {
  const { push, text } = claudeTranscript(repo, sessionId, '2026-02-01T10:00:00Z');
  corpus.forEach((c, i) => {
    push({ type: 'user', message: { role: 'user', content: `Please wire this up, here is the credential:\n${c.text}` } });
    push({ type: 'assistant', message: { id: `msg_${i}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: `I will put it in config. (${c.text})` }] } });
    const tool = `toolu_${i}`;
    push({
      type: 'assistant',
      message: { id: `msg_${i}b`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: tool, name: 'Edit', input: { file_path: join(repo, 'config.env'), old_string: `# slot ${i}`, new_string: `# slot ${i}\n${c.text}` } }] },
    });
    push({ type: 'user', message: { role: 'user', content: [{ tool_use_id: tool, type: 'tool_result', content: `Edited ${join(repo, 'config.env')}:\n${c.text}\n` }] }, toolUseResult: {
        filePath: join(repo, 'config.env'), oldString: `# slot ${i}`, newString: c.text,
        // The hunks are stored too (file_edits.patch): the secret is on their `+` lines, split per line.
        structuredPatch: [{ oldStart: i + 1, oldLines: 1, newStart: i + 1, newLines: 2, lines: [` # slot ${i}`, ...c.text.split('\n').map((l) => `+${l}`)] }],
      },
    });
  });
  return text();
}

function aiderHistory(): string {
  return corpus.map((c) => `# aider chat started at 2026-02-02 10:00:00\n\n#### use this: ${c.text}\n\nOk, added.\n\n> Applied edit to config.env\n`).join('\n');
}

describe('secrets end to end', () => {
  it(`stores and shows none of ${corpus.length} planted secrets, anywhere`, { timeout: 300_000 }, () => {
    const loreHome = mkdtempSync(join(tmpdir(), 'lore-secrets-home-'));
    const claudeDir = mkdtempSync(join(tmpdir(), 'lore-secrets-claude-'));
    const env = { LORE_HOME: loreHome, CLAUDE_CONFIG_DIR: claudeDir };
    const dbPath = join(loreHome, 'lore.db');
    const repo = gitRepo({ 'config.env': corpus.map((_, i) => `# slot ${i}`).join('\n') + '\n', 'README.md': '# app\n' });
    // Secrets in commit subjects and bodies, committed before lore is set up (backfill) ...
    corpus.slice(0, -HOOKED).forEach((c, i) => commit(repo, { [`notes/${i}.md`]: 'x\n' }, `${c.text.split('\n')[0]}\n\n${c.text}`));
    const outputs: CliResult[] = [];
    const cli = (args: string[]) => {
      const r = runCli(args, { cwd: repo, env, timeoutMs: 120_000 });
      outputs.push(r);
      return r;
    };
    expect(cli(['init']).code).toBe(0);

    // ... and after, through the installed hooks (the detached worker stores them).
    const reader = new Database(dbPath, { readonly: true }); // held open so the WAL is kept to be read
    corpus.slice(-HOOKED).forEach((c, i) => {
      writeFileSync(join(repo, `late-${i}.txt`), 'y\n');
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-q', '-m', `${c.name}: ${c.text}`]);
    });
    const sessionId = '5ec2e75e-0000-4000-8000-000000000001';
    const slug = repo.replaceAll('/', '-');
    mkdirSync(join(claudeDir, 'projects', slug), { recursive: true });
    writeFileSync(join(claudeDir, 'projects', slug, `${sessionId}.jsonl`), transcript(repo, sessionId));
    writeFileSync(join(repo, '.aider.chat.history.md'), aiderHistory());

    expect(cli(['ingest']).code).toBe(0);
    expect(cli(['ingest', join(repo, '.aider.chat.history.md')]).code).toBe(0);
    expect(cli(['index', '--wait']).code).toBe(0);
    for (const args of [
      ['ingest', '--json'],
      ['index', '--wait', '--json'],
      ['sessions', '--json'],
      ['sessions'],
      ['show', `claude-code:${sessionId}`, '--json', '--full'],
      ['show', `claude-code:${sessionId}`, '--full'],
      ['why', 'config.env', '--json'],
      ['why', 'config.env', '--all'],
      ['search', 'credential', '--json', '--limit', '200'],
      ['search', 'password token key secret', '--limit', '200'],
      ['related', 'config.env', '--json'],
      ['doctor', '--json'],
    ]) {
      cli(args);
    }

    // Everything was stored: sessions, messages, edits, every commit.
    const db = new Database(dbPath, { readonly: true });
    const counts = {
      commits: (db.prepare('SELECT count(*) AS n FROM commits').get() as { n: number }).n,
      chatMessages: (db.prepare("SELECT count(*) AS n FROM messages WHERE session_id LIKE 'claude-code:%'").get() as { n: number }).n,
      edits: (db.prepare('SELECT count(*) AS n FROM file_edits').get() as { n: number }).n,
      redacted: (db.prepare("SELECT count(*) AS n FROM messages WHERE content LIKE '%[REDACTED:%'").get() as { n: number }).n,
    };
    db.close();
    reader.close();
    expect(counts.commits).toBe(corpus.length + 1);
    expect(counts.chatMessages).toBeGreaterThanOrEqual(corpus.length * 3);
    expect(counts.edits).toBeGreaterThanOrEqual(corpus.length);
    expect(counts.redacted).toBeGreaterThanOrEqual(corpus.length * 3);

    // Now look for every secret in every byte lore wrote or printed.
    const places = writtenAndPrinted(loreHome, repo, outputs);
    expect(places.some(([f]) => f.endsWith('lore.db'))).toBe(true);
    const found = leaksIn(places, corpus, needles);
    if (process.env.LORE_REPORT) console.log(JSON.stringify({ planted: corpus.length, places: places.length, leaks: found.length }));
    expect(found).toEqual([]);
  });
});
