import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../bench/lib/replay-claude.mjs';
import { fastIngestArgs } from '../../src/cli/fast-path.js';
import { openDb } from '../../src/db/index.js';
import { adapters } from '../../src/sources/index.js';
import { CLI, runCli } from '../helpers/cli.js';
import { CLAUDE_FIXTURES, rowSet, tmpDir } from '../helpers/ingest.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

/** A Claude config dir holding `copies` replayed fixture sessions, plus one big multi-copy session. */
function claudeHome(copies: number): { env: Record<string, string>; home: string } {
  const home = tmpDir('lore-e2e-');
  const dir = join(home, '.claude', 'projects', '-work-app');
  mkdirSync(dir, { recursive: true });
  const big = readFileSync(join(CLAUDE_FIXTURES, 'codemie-code/session-3fe1b6bc.jsonl'), 'utf8');
  const small = readFileSync(join(CLAUDE_FIXTURES, 'codemie-code/-tmp-private/4c2ddfdc-b619-4525-8d03-1950fb1b0257.jsonl'), 'utf8');
  for (let i = 0; i < copies; i++) {
    const id = `${String(i).padStart(8, '0')}-0000-4000-a000-000000000000`;
    writeFileSync(join(dir, `${id}.jsonl`), replay(i % 2 ? big : small, `c${i}`));
  }
  // One long session: several replays of the big fixture in one file (many batches in one file).
  writeFileSync(join(dir, 'ffffffff-0000-4000-a000-000000000000.jsonl'), [0, 1, 2, 3].map((k) => replay(big, `long${k}`)).join(''));
  return { home, env: { CLAUDE_CONFIG_DIR: join(home, '.claude') } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts `lore ingest` and SIGKILLs it after `ms`; resolves true when the kill landed mid-run. */
function killAfter(ms: number, cwd: string, env: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'ingest', '--source', 'claude-code', '-q'], { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
    let exited = false;
    child.on('exit', (code, signal) => {
      exited = true;
      resolve(signal === 'SIGKILL');
    });
    setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, ms);
  });
}

describe('lore ingest (end to end)', () => {
  it('ends with exactly the rows of an uninterrupted run after being SIGKILLed again and again', async () => {
    const { home, env } = claudeHome(8);
    const reference = { ...env, LORE_HOME: join(home, 'ref') };
    const r = runCli(['ingest', '--source', 'claude-code', '--json'], { cwd: home, env: reference });
    expect(r.code).toBe(0);
    const refDb = openDb(join(home, 'ref', 'lore.db'));
    const expected = rowSet(refDb);
    refDb.close();
    expect(expected.messages!.length).toBeGreaterThan(500);

    const killed = { ...env, LORE_HOME: join(home, 'killed'), LORE_INGEST_BATCH: '150' };
    let landed = 0;
    for (const ms of [250, 400, 550, 700, 900, 1200, 1500, 2000]) {
      if (await killAfter(ms, home, killed)) landed++;
      await sleep(20);
    }
    expect(landed).toBeGreaterThan(0);
    const done = runCli(['ingest', '--source', 'claude-code', '--json'], { cwd: home, env: killed });
    expect(done.code).toBe(0);
    const db = openDb(join(home, 'killed', 'lore.db'));
    expect(rowSet(db)).toEqual(expected);
    // The full-text index followed every insert and update.
    expect(() => db.prepare(`INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)`).run()).not.toThrow();
    db.close();
  }, 120_000);

  it('prints a summary per source, lists sessions, shows one, and forgets it', () => {
    const { home, env } = claudeHome(2);
    const e = { ...env, LORE_HOME: join(home, 'lore') };
    const ingest = runCli(['ingest'], { cwd: home, env: e });
    expect(ingest.code).toBe(0);
    expect(ingest.stdout.split('\n').slice(0, 2)).toEqual([
      'source       files  read  sessions  messages  edits  skipped  redacted  excluded',
      expect.stringMatching(/^claude-code      3     3         3 +\d+ +\d+        0 +\d+         0$/),
    ]);
    const list = runCli(['sessions', '--json'], { cwd: home, env: e });
    const sessions = JSON.parse(list.stdout) as { id: string; title: string; projectPath: string; metadata: { file: string } }[];
    expect(sessions).toHaveLength(3);
    const one = sessions.find((s) => s.title === 'create hello.py, md and js')!;
    expect(one.projectPath).toBe('/tmp/private');
    const text = runCli(['sessions'], { cwd: home, env: e }).stdout;
    const short = /claude-code:[0-9a-f]{8}(?=  .*create hello\.py)/.exec(text)![0];
    const show = runCli(['show', short], { cwd: home, env: e });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('create hello.py, md and js');
    expect(show.stdout).toMatch(/✎ edit hello\.py \(Write, -0 \+8 lines\)/);
    const json = JSON.parse(runCli(['show', short, '--json'], { cwd: home, env: e }).stdout) as { edits: unknown[]; messages: unknown[] };
    expect(json.edits).toHaveLength(4);
    const forget = runCli(['forget', short], { cwd: home, env: e });
    expect(forget.stdout).toBe(`forgot 1 session (${one.id})\n`);
    // Forgotten stays forgotten, even when the transcript grows and is read again.
    const lines = readFileSync(one.metadata.file, 'utf8').trimEnd().split('\n');
    appendFileSync(one.metadata.file, `${lines[lines.length - 1]}\n`);
    expect(runCli(['ingest', '--json'], { cwd: home, env: e }).stdout).toContain('"filesRead": 1');
    expect(JSON.parse(runCli(['sessions', '--json'], { cwd: home, env: e }).stdout)).toHaveLength(2);
    const missing = runCli(['show', short], { cwd: home, env: e });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no session ${short}`);
  });

  it('takes --source and paths in every order yargs users write them', () => {
    const home = tmpDir('lore-e2e-');
    const claude = join(CLAUDE_FIXTURES, 'git-ai/example-claude-code.jsonl');
    const codex = join(REAL_FIXTURES, 'codex/localpush/rollout-2026-02-23T13-19-38-019c8a70-dda7-7f33-98ea-f30553347322.jsonl');
    const orders = [
      ['ingest', '--source', 'claude-code', claude],
      ['ingest', '--source=claude-code', claude],
      ['ingest', claude, '--source', 'claude-code'],
      ['ingest', '--source', 'claude-code', '--', claude],
    ];
    for (const [i, args] of orders.entries()) {
      const r = runCli(['ingest', '--json', ...args.slice(1)], { cwd: home, env: { LORE_HOME: join(home, `lore${i}`) } });
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code).toBe(0);
      const sources = (JSON.parse(r.stdout) as { sources: { source: string; sessions: number; messages: number }[] }).sources;
      expect(sources, args.join(' ')).toEqual([expect.objectContaining({ source: 'claude-code', sessions: 1, messages: 28 })]);
    }
    // Two sources, repeated or comma-separated, each file to its own.
    for (const args of [['--source', 'claude-code', '--source', 'codex'], ['--source', 'claude-code,codex']]) {
      const r = runCli(['ingest', ...args, claude, codex, '--json'], { cwd: home, env: { LORE_HOME: join(home, `lore-${args.length}`) } });
      expect((JSON.parse(r.stdout) as { sources: { source: string }[] }).sources.map((s) => s.source)).toEqual(['claude-code', 'codex']);
    }
    const missing = runCli(['ingest', '--source'], { cwd: home, env: { LORE_HOME: join(home, 'lore-x') } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('lore: Not enough arguments following: source\nhint: see `lore --help`\n');
  });

  it('names what it looked for when a directory holds no transcript it knows, and reads it with --source', () => {
    const home = tmpDir('lore-e2e-');
    // Claude Code transcripts outside a projects/ folder, as copied out of ~/.claude.
    const dir = join(CLAUDE_FIXTURES, 'codemie-code/-tmp-private');
    const env = { LORE_HOME: join(home, 'lore') };
    const none = runCli(['ingest', dir], { cwd: home, env });
    expect(none.code).toBe(0);
    expect(none.stdout.split('\n')[0]).toBe(`no chat transcripts found in ${dir} (looked for: ${adapters.map((a) => a.id).join(', ')})`);
    expect(adapters.map((a) => a.id)).toContain('claude-code');
    expect(none.stdout).toContain('lore ingest --source NAME PATH');
    // Beside a directory that has transcripts, the one that has none is still named.
    const codex = join(REAL_FIXTURES, 'codex/localpush');
    const mixed = runCli(['ingest', dir, codex], { cwd: home, env: { LORE_HOME: join(home, 'lore-mixed') } });
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toMatch(/^codex /m);
    expect(mixed.stderr).toContain(`no source recognizes a file in ${dir}; name one with --source`);
    const named = runCli(['ingest', '--source', 'claude-code', dir, '--json'], { cwd: home, env });
    expect((JSON.parse(named.stdout) as { sources: unknown[] }).sources).toEqual([expect.objectContaining({ source: 'claude-code', files: 3, sessions: 3 })]);
  });

  it('lines up the columns of sessions whose ids differ in length', () => {
    const home = tmpDir('lore-e2e-');
    const env = { LORE_HOME: join(home, 'lore') };
    runCli(['ingest', '--source', 'claude-code', join(CLAUDE_FIXTURES, 'codemie-code/-tmp-private')], { cwd: home, env });
    runCli(['ingest', join(REAL_FIXTURES, 'codex/localpush')], { cwd: home, env });
    const rows = runCli(['sessions'], { cwd: home, env }).stdout.split('\n').filter((l) => /^(claude-code|codex):/.test(l));
    expect(rows.map((l) => l.split(':')[0])).toEqual(expect.arrayContaining(['claude-code', 'codex']));
    // The date starts in the same column on every row, and one edit is not "1 edits".
    expect(new Set(rows.map((l) => l.search(/\d{4}-\d\d-\d\d/))).size).toBe(1);
    expect(rows.join('\n')).not.toMatch(/ 1 edits/);
  });

  it('shows a compacted Claude Code session without blank replies, and its compaction run as no session', () => {
    // Reconstructed (test/fixtures/real/RECONSTRUCTED.md), copied into a config dir as Claude Code lays it out.
    const home = tmpDir('lore-e2e-');
    cpSync(join(CLAUDE_FIXTURES, 'reconstructed'), join(home, '.claude', 'projects'), { recursive: true });
    const env = { CLAUDE_CONFIG_DIR: join(home, '.claude'), LORE_HOME: join(home, 'lore') };
    const ingest = runCli(['ingest', '--source', 'claude-code', '--json'], { cwd: home, env });
    expect(JSON.parse(ingest.stdout).sources).toEqual([expect.objectContaining({ files: 2, sessions: 1, skipped: {} })]);
    const sessions = JSON.parse(runCli(['sessions', '--json'], { cwd: home, env }).stdout) as { id: string; title: string }[];
    expect(sessions.map((s) => [s.id, s.title])).toEqual([['claude-code:7d2b9c4e-1f3a-4e5b-9c6d-2a8e0f1b3c57', 'rename total() in cart.py to sum_prices()']]);
    const show = runCli(['show', 'claude-code:7d2b9c4e'], { cwd: home, env });
    expect(show.code).toBe(0);
    // Every header is followed by text, never by a blank line.
    const lines = show.stdout.split('\n');
    for (const [i, l] of lines.entries()) if (/^\d\d:\d\d:\d\d (assistant|you)/.test(l)) expect(lines[i + 1]!.trim(), `after ${l}`).not.toBe('');
    expect(show.stdout).toContain('  [tool Edit] /home/test/shop/cart.py\n  ✎ edit cart.py (Edit, -3 +3 lines)');
  });
});

describe('lore ingest without yargs (fast path)', () => {
  it('takes the plain ingest command lines', () => {
    expect(fastIngestArgs(['ingest'])).toEqual({ _: ['ingest'] });
    expect(fastIngestArgs(['ingest', '-q', '--json', '--source', 'claude-code', '--source=codex,aider', 'a', 'b'])).toEqual({
      _: ['ingest'],
      quiet: true,
      json: true,
      source: ['claude-code', 'codex,aider'],
      paths: ['a', 'b'],
    });
    expect(fastIngestArgs(['-C', '/r', 'ingest', '--db=/x/lore.db', '--', '-odd', '--json'])).toEqual({ _: ['ingest'], C: '/r', db: '/x/lore.db', paths: ['-odd', '--json'] });
  });

  it('leaves everything else to the full parser', () => {
    for (const argv of [[], ['ingest', '--help'], ['ingest', '-h'], ['ingest', '--sauce', 'x'], ['ingest', '--source'], ['ingest', '--source', '--json'], ['ingest', '--source='], ['ingest', '--quiet=false'], ['ingest', '-qj'], ['index'], ['why', 'ingest'], ['--', 'ingest']]) {
      expect(fastIngestArgs(argv), argv.join(' ')).toBeUndefined();
    }
  });

  it('prints and stores what the full parser does, for an ingest big enough for the read worker, and the same errors', () => {
    const { home, env } = claudeHome(8);
    // --quiet=false is not among the fast path's options: the same command line goes through yargs.
    const ingest = (name: string, ...args: string[]) => runCli(['ingest', '--source', 'claude-code', ...args], { cwd: home, env: { ...env, LORE_HOME: join(home, name) } });
    const withoutTime = (out: string) => out.replace(/^\d+\.\ds; /m, 'N.Ns; ');
    const fast = ingest('fast');
    const full = ingest('full', '--quiet=false');
    expect(fast).toMatchObject({ code: 0, stderr: '' });
    expect(withoutTime(fast.stdout)).toBe(withoutTime(full.stdout));
    const rows = (name: string) => {
      const db = openDb(join(home, name, 'lore.db'));
      try {
        return rowSet(db);
      } finally {
        db.close();
      }
    };
    const stored = rows('fast');
    expect(stored.messages!.length).toBeGreaterThan(500);
    expect(stored).toEqual(rows('full'));
    const json = (r: { stdout: string }) => ({ ...JSON.parse(r.stdout), durationMs: 0 });
    expect(json(ingest('fast2', '--json'))).toEqual(json(ingest('full2', '--json', '--quiet=false')));
    const wrong = ingest('x', '--source', 'nope');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^lore: unknown source nope\n/);
    expect(ingest('x', '--source', 'nope', '--quiet=false')).toEqual(wrong);
  }, 60_000);
});
