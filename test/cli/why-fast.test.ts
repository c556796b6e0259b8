import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastWhyArgs } from '../../src/cli/fast-path.js';
import { openDb } from '../../src/db/index.js';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';
import { count } from '../helpers/ingest.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

const FIXTURE = join(REAL_FIXTURES, 'claude-code/git-ai/claude-code-with-thinking.jsonl');
const OTHER = join(REAL_FIXTURES, 'claude-code/git-ai/example-claude-code.jsonl');

describe('fastWhyArgs (lore why without yargs)', () => {
  it('takes the plain why command lines', () => {
    expect(fastWhyArgs(['why', 'a.ts'])).toEqual({ target: 'a.ts' });
    expect(fastWhyArgs(['why', 'src/a.ts:12', '--json', '--all', '--evidence'])).toEqual({ target: 'src/a.ts:12', json: true, all: true, evidence: true });
    expect(fastWhyArgs(['-C', '/r', 'why', 'a.ts', '--db=/x/lore.db'])).toEqual({ target: 'a.ts', C: '/r', db: '/x/lore.db' });
    expect(fastWhyArgs(['why', '--db', '/x/lore.db', 'a.ts', '-C=/r'])).toEqual({ target: 'a.ts', C: '/r', db: '/x/lore.db' });
  });

  it('leaves everything else to the full parser', () => {
    for (const argv of [
      [],
      ['why'],
      ['why', 'a.ts', 'b.ts'],
      ['why', 'a.ts', '--help'],
      ['why', 'a.ts', '-h'],
      ['why', 'a.ts', '--jsn'],
      ['why', 'a.ts', '--no-json'],
      ['why', 'a.ts', '--json=false'],
      ['why', '--db'],
      ['why', 'a.ts', '-C', '--json'],
      ['why', '--', '-weird.ts'],
      ['search', 'why'],
      ['a.ts', 'why'],
    ]) {
      expect(fastWhyArgs(argv), argv.join(' ')).toBeUndefined();
    }
  });
});

describe('lore why through the fast path', () => {
  it('prints exactly what the full parser prints, and keeps its errors', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' }, 'add a');
    commit(repo, { 'src/a.ts': 'export const a = 2;\n' }, 'change a');
    const fast = runCli(['why', 'src/a.ts', '--json'], { cwd: repo });
    // An option the fast parser does not know sends the same command line to yargs.
    const full = runCli(['why', 'src/a.ts', '--json', '--no-all'], { cwd: repo });
    expect(fast.code).toBe(0);
    expect(full.code).toBe(0);
    expect(JSON.parse(fast.stdout)).toEqual(JSON.parse(full.stdout));
    expect(runCli(['why', 'src/a.ts'], { cwd: repo }).stdout).toBe(runCli(['why', 'src/a.ts', '--no-all'], { cwd: repo }).stdout);

    const missing = runCli(['why', 'src/b.ts'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lore: src\/b\.ts is not tracked by git and has no history\nhint: did you mean: src\/a\.ts\n$/);
    const outside = runCli(['why', 'a.ts'], { cwd: mkdtempSync(join(tmpdir(), 'lore-nogit-')) });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/is not inside a git work tree/);
  });

  it('answers FILE:LINE with one git process, the blame started before the code loads', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\nexport const b = 1;\n' }, 'add a');
    const change = commit(repo, { 'src/a.ts': 'export const a = 1;\nexport const b = 2;\n' }, 'change b');
    expect(runCli(['why', 'src/a.ts'], { cwd: repo }).code).toBe(0);
    // A git on PATH that logs its command line, then runs the real one.
    const bin = mkdtempSync(join(tmpdir(), 'lore-gitlog-'));
    const log = join(bin, 'calls');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const env = { PATH: `${bin}${delimiter}${process.env.PATH}` };
    const fast = runCli(['why', 'a.ts:2', '--json'], { cwd: join(repo, 'src'), env });
    expect(fast.stderr).toBe('');
    expect(JSON.parse(fast.stdout).blamed.sha).toBe(change);
    expect(readFileSync(log, 'utf8')).toBe('blame --porcelain -L 2,2 HEAD -- a.ts\n');
    // The full parser (an option the fast one does not know) gives the same answer.
    const full = runCli(['why', 'a.ts:2', '--json', '--no-all'], { cwd: join(repo, 'src') });
    expect(JSON.parse(full.stdout)).toEqual(JSON.parse(fast.stdout));
  });

  it('checks an unknown path with git before creating the database', () => {
    const home = mkdtempSync(join(tmpdir(), 'lore-fast-'));
    const env = { LORE_HOME: join(home, 'lore') };
    const repo = gitRepo({ 'a.ts': 'a\n' });
    expect(runCli(['why', 'nope.ts'], { cwd: repo, env }).code).toBe(2);
    expect(existsSync(join(home, 'lore', 'lore.db'))).toBe(false);
    expect(runCli(['why', 'a.ts'], { cwd: repo, env }).code).toBe(0);
    // With a database, a path it has history for needs no git; one it has none for still does.
    expect(runCli(['why', 'nope.ts'], { cwd: repo, env }).code).toBe(2);
    expect(runCli(['why', 'a.ts'], { cwd: repo, env }).code).toBe(0);
  });

  it('leaves the chats to a running `lore watch` (but for Aider\'s, inside the repository), and reads its repository\'s when none runs', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lore-fast-'));
    const env = { LORE_HOME: join(home, 'lore'), CLAUDE_CONFIG_DIR: join(home, 'claude') };
    const repo = gitRepo({ 'a.ts': 'a\n' });
    expect(runCli(['why', 'a.ts'], { cwd: repo, env }).code).toBe(0);
    // A session started in the repository (Claude Code names its folder after the cwd), and one
    // started elsewhere, which a query leaves to an ingest without a scope.
    const own = join(env.CLAUDE_CONFIG_DIR, 'projects', realpathSync(repo).replace(/[^a-zA-Z0-9]/g, '-'));
    mkdirSync(own, { recursive: true });
    copyFileSync(FIXTURE, join(own, 'session.jsonl'));
    mkdirSync(join(env.CLAUDE_CONFIG_DIR, 'projects', '-elsewhere'), { recursive: true });
    copyFileSync(OTHER, join(env.CLAUDE_CONFIG_DIR, 'projects', '-elsewhere', 'session.jsonl'));
    const dbPath = join(env.LORE_HOME, 'lore.db');
    // Aider keeps its history inside the repository, where the watcher does not look.
    writeFileSync(join(repo, '.aider.chat.history.md'), '\n# aider chat started at 2026-01-01 10:00:00\n\n#### add a comment to a.ts\n\nDone.\n');
    const sessions = (source = 'claude-code'): number => {
      const db = openDb(dbPath);
      try {
        return count(db, 'SELECT count(*) AS n FROM sessions WHERE source = ?', source);
      } finally {
        db.close();
      }
    };
    // A live process holds the watch lock: why must not read the transcript itself.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${dbPath}.watch.lock`, String(holder.pid));
      expect(runCli(['why', 'a.ts'], { cwd: repo, env }).code).toBe(0);
      expect(sessions()).toBe(0);
      expect(sessions('aider')).toBe(1);
    } finally {
      holder.kill();
      await new Promise((r) => holder.once('exit', r));
    }
    // The holder is gone (a stale lock): why reads the chats again, its repository's.
    expect(runCli(['why', 'a.ts'], { cwd: repo, env }).code).toBe(0);
    expect(sessions()).toBe(1);
    expect(runCli(['ingest', '-q'], { cwd: repo, env }).code).toBe(0);
    expect(sessions()).toBe(2);
  });

  it('reads before `lore related` and `lore learnings` answer, as before `why`, only the repository\'s Claude Code folders', () => {
    const repo = gitRepo({ 'a.ts': 'a\n' });
    for (const command of [['related', 'a.ts'], ['learnings']]) {
      const home = mkdtempSync(join(tmpdir(), 'lore-scope-'));
      const env = { LORE_HOME: join(home, 'lore'), CLAUDE_CONFIG_DIR: join(home, 'claude') };
      const below = join(env.CLAUDE_CONFIG_DIR, 'projects', `${realpathSync(repo).replace(/[^a-zA-Z0-9]/g, '-')}-src`);
      mkdirSync(below, { recursive: true });
      copyFileSync(FIXTURE, join(below, 'session.jsonl'));
      mkdirSync(join(env.CLAUDE_CONFIG_DIR, 'projects', '-elsewhere'), { recursive: true });
      copyFileSync(OTHER, join(env.CLAUDE_CONFIG_DIR, 'projects', '-elsewhere', 'session.jsonl'));
      expect(runCli(command, { cwd: repo, env }).code, command[0]).toBe(0);
      const db = openDb(join(env.LORE_HOME, 'lore.db'));
      try {
        expect(count(db, "SELECT count(*) AS n FROM sessions WHERE source = 'claude-code'"), command[0]).toBe(1);
      } finally {
        db.close();
      }
    }
  });
});
