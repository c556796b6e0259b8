import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { secretCorpus, type PlantedSecret } from '../fixtures/secrets/corpus.mjs';
import { claudeTranscript, leaksIn, writtenAndPrinted } from '../helpers/claude-transcript.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

// Issue 14, item 3: every stored text is redacted, and every output. Secrets from the wild corpus
// go in through each path that stores text (lore learn, a docs/solutions learning, a decision
// and a correction in a chat, a session title cut at 200 characters, a tool-call summary cut at
// 500, tool output crossing its head and tail cuts, file edits, an Aider history, commit
// messages); then every table's every text column, the database file and its WAL, the worker
// log and every command's output (--json too) are searched for them.
const all = secretCorpus(314);
// One of each kind keeps the test short; multi-line keys are planted where lines are kept whole.
const byKind = [...new Map(all.map((c) => [c.kind, c])).values()];
const oneLine = byKind.filter((c) => !c.text.includes('\n') && !c.secret.includes('\\n'));
/** What must not survive: the tail of each line of a secret, and (a cut keeps a head) the start of its random part. */
const needles = (c: PlantedSecret): string[] => [
  ...c.secret.split(/\\n|\n/).filter((l) => l.length >= 12).map((l) => l.slice(-12)),
  ...(c.secret.length < 12 ? [c.secret] : []),
  ...(c.secret.length >= 24 && !c.secret.includes('\n') ? [c.secret.slice(7, 19)] : []),
];

const ghp = (c: string) => ['gh', 'p_', c.repeat(6), 'Xy7', 'Q'.repeat(27)].join('');
const antKey = ['s', 'k-', 'ant-', 'api03-', 'Zq9'.repeat(31), 'AA'].join('');
const cutSecrets: PlantedSecret[] = [
  { kind: 'github-token', name: 'token crossing the title cut', secret: ghp('T1'), text: '' },
  { kind: 'github-token', name: 'token crossing the summary cut', secret: ghp('S2'), text: '' },
  { kind: 'anthropic-key', name: 'key crossing the head cut', secret: antKey, text: '' },
  { kind: 'anthropic-key', name: 'key crossing the tail cut', secret: antKey.replaceAll('Zq9', 'Wk4'), text: '' },
];

function transcript(repo: string, sessionId: string): string {
  const { user, assistant, text } = claudeTranscript(repo, sessionId, '2026-03-01T10:00:00Z');
  // The title is the first prompt cut to 200 characters: the token starts at 180.
  user(`${'Please fix the deploy script so it works again with the new token. '.repeat(3).slice(0, 179)} ${cutSecrets[0]!.secret} thanks`);
  assistant([{ type: 'tool_use', id: 'toolu_sum', name: 'Bash', input: { command: `${'echo padding && '.repeat(30).slice(0, 480)} export GH_TOKEN=${cutSecrets[1]!.secret}` } }], 'msg_sum');
  user([{ tool_use_id: 'toolu_sum', type: 'tool_result', content: 'ok' }]);
  // Tool output: one key across the head cut (1,400), one across the tail cut (last 500).
  assistant([{ type: 'tool_use', id: 'toolu_cat', name: 'Bash', input: { command: 'cat .env' } }], 'msg_cat');
  user([{ tool_use_id: 'toolu_cat', type: 'tool_result', content: `${'# filler line\n'.repeat(99)}A=${cutSecrets[2]!.secret}\n${'# more filler\n'.repeat(300)}B=${cutSecrets[3]!.secret}\n${'#\n'.repeat(200)}` }]);
  oneLine.forEach((c, i) => {
    // A correction (extracted as a learning) and a decision about a file edited in the turn.
    user(`Don't commit the credential for config.env again, it is ${c.text}`);
    assistant([{ type: 'text', text: `We decided to keep it in config.env instead of the code because ${c.text} must stay out of git.` }], `msg_t${i}`);
    assistant([{ type: 'tool_use', id: `toolu_e${i}`, name: 'Edit', input: { file_path: join(repo, 'config.env'), old_string: `# slot ${i}`, new_string: `# slot ${i}\n${c.text}` } }], `msg_e${i}`);
    user([{ tool_use_id: `toolu_e${i}`, type: 'tool_result', content: `Edited:\n${c.text}` }]);
  });
  return text();
}

describe('secrets: every stored text and every output', () => {
  it('stores and prints none of the planted secrets, in any table or column', { timeout: 300_000 }, () => {
    const planted = [...byKind, ...cutSecrets];
    const loreHome = mkdtempSync(join(tmpdir(), 'lore-stored-home-'));
    const claudeDir = mkdtempSync(join(tmpdir(), 'lore-stored-claude-'));
    const env = { LORE_HOME: loreHome, CLAUDE_CONFIG_DIR: claudeDir };
    const dbPath = join(loreHome, 'lore.db');
    const solution = ['---', `title: Deploy key rotation ${oneLine[0]!.text}`, 'category: deployment', 'files: [config.env]', 'date: 2026-03-01', '---', '', '# Deploy key rotation', '', ...byKind.map((c) => c.text), ''].join('\n');
    const repo = gitRepo({ 'config.env': oneLine.map((_, i) => `# slot ${i}`).join('\n') + '\n', 'README.md': '# app\n', 'docs/solutions/deploy/rotate-keys.md': solution });
    byKind.slice(0, 10).forEach((c, i) => commit(repo, { [`notes/${i}.md`]: 'x\n' }, `${c.name}\n\n${c.text}`));
    const outputs: CliResult[] = [];
    const cli = (args: string[]) => {
      const r = runCli(args, { cwd: repo, env, timeoutMs: 120_000 });
      outputs.push(r);
      return r;
    };
    expect(cli(['init']).code).toBe(0);

    const sessionId = '5ec2e75e-0000-4000-8000-000000000014';
    mkdirSync(join(claudeDir, 'projects', repo.replaceAll('/', '-')), { recursive: true });
    writeFileSync(join(claudeDir, 'projects', repo.replaceAll('/', '-'), `${sessionId}.jsonl`), transcript(repo, sessionId));
    writeFileSync(join(repo, '.aider.chat.history.md'), byKind.map((c) => `# aider chat started at 2026-03-02 10:00:00\n\n#### use this: ${c.text}\n\nOk.\n`).join('\n'));
    expect(cli(['learn', `Rotate these: ${oneLine.map((c) => c.text).join(' ; ')}`, '--file', 'config.env', '--json']).code).toBe(0);
    expect(cli(['ingest']).code).toBe(0);
    expect(cli(['ingest', join(repo, '.aider.chat.history.md')]).code).toBe(0);
    expect(cli(['index', '--wait']).code).toBe(0);
    for (const args of [
      ['ingest', '--json'],
      ['sessions', '--json'],
      ['sessions'],
      ['show', `claude-code:${sessionId}`, '--json', '--full'],
      ['why', 'config.env', '--json'],
      ['why', 'config.env', '--all'],
      ['learnings', '--json'],
      ['learnings', 'config.env'],
      ['search', 'credential token key', '--json', '--limit', '200'],
      ['related', 'config.env', '--json'],
      ['doctor', '--json'],
      ['doctor'],
    ]) {
      cli(args);
    }

    const db = new Database(dbPath, { readonly: true });
    // Each path really stored something (else the test proves nothing).
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count("SELECT count(*) AS n FROM learnings WHERE source = 'manual'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM learnings WHERE source = 'compound'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM learnings WHERE source = 'extracted'")).toBeGreaterThan(0);
    expect(count("SELECT count(*) AS n FROM relationships WHERE type = 'code_decision'")).toBeGreaterThan(0);
    expect(count('SELECT count(*) AS n FROM file_edits')).toBeGreaterThanOrEqual(oneLine.length);
    expect(count("SELECT count(*) AS n FROM sessions WHERE title IS NOT NULL AND id LIKE 'claude-code:%'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM messages WHERE content LIKE '%lore cut%'")).toBeGreaterThan(0);

    // Every text (and blob) of every row of every table.
    const found: string[] = [];
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    let cells = 0;
    for (const table of tables) {
      let rows: Record<string, unknown>[];
      try {
        rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
      } catch {
        continue; // a virtual table of a module this connection lacks (vec0): its shadow tables are listed too
      }
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : undefined;
          if (text === undefined) continue;
          cells++;
          for (const c of planted) for (const needle of needles(c)) if (text.includes(needle)) found.push(`${c.name} in ${table}.${column}`);
        }
      }
    }
    db.close();
    expect(tables).toEqual(expect.arrayContaining(['sessions', 'messages', 'learnings', 'relationships', 'file_edits', 'source_files', 'commits']));
    expect(cells).toBeGreaterThan(1000);

    found.push(...leaksIn(writtenAndPrinted(loreHome, repo, outputs), planted, needles));
    expect(found).toEqual([]);
  });
});
