import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, appendFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startUpCheck } from '../../src/app/doctor-checks.js';
import { migrate, openDb } from '../../src/db/index.js';
import { runCli } from '../helpers/cli.js';
import { commit, gitRepo } from '../helpers/git-repo.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

interface Report {
  healthy: boolean;
  checks: { name: string; ok: boolean; detail: string; fix?: string; action?: string }[];
  space?: { name: string; bytes: number | null }[];
  sources?: { source: string; files: number; unread: number; changed: number; bytesBehind: number }[];
  fixed?: { action: string; ok: boolean }[];
}

const FIXTURE = join(REAL_FIXTURES, 'claude-code/git-ai/claude-code-with-thinking.jsonl');

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'lore-doctor-'));
  const env = { LORE_HOME: join(home, 'lore'), CLAUDE_CONFIG_DIR: join(home, 'claude') };
  const repo = gitRepo({ 'a.ts': 'export const a = 1;\n' });
  const doctor = (...args: string[]) => {
    const r = runCli(['doctor', '--json', ...args], { cwd: repo, env });
    return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
  };
  const check = (report: Report, name: string) => report.checks.find((c) => c.name === name);
  return { env, repo, doctor, check, dbPath: join(env.LORE_HOME, 'lore.db') };
}

describe('lore doctor', () => {
  it('says what is wrong with the command that fixes it, exits 1, and --fix repairs the safe ones', () => {
    const { env, repo, doctor, check, dbPath } = setup();
    writeFileSync(join(repo, '.git', 'hooks', 'post-commit'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
    expect(runCli(['index', '--wait', '-q'], { cwd: repo, env }).code).toBe(0);
    commit(repo, { 'b.ts': 'export const b = 2;\n' }, 'add b');
    mkdirSync(join(env.CLAUDE_CONFIG_DIR, 'projects', 'x'), { recursive: true });
    copyFileSync(FIXTURE, join(env.CLAUDE_CONFIG_DIR, 'projects', 'x', 'session.jsonl'));
    chmodSync(dbPath, 0o644);

    const before = doctor();
    expect(before.code).toBe(1);
    expect(before.report.healthy).toBe(false);
    expect(check(before.report, 'hooks')).toMatchObject({ ok: false, fix: 'lore hook install', action: 'install-hooks' });
    expect(check(before.report, 'hooks')!.detail).toContain("post-commit is another tool's hook");
    expect(check(before.report, 'index lag')).toMatchObject({ ok: false, detail: '1 commit(s) of HEAD not indexed yet', fix: 'lore index' });
    expect(check(before.report, 'permissions')).toMatchObject({ ok: false, action: 'permissions' });
    // Not read yet is a warning (a query reads only its repository's folders): --fix still reads them.
    expect(check(before.report, 'sources')).toMatchObject({ ok: true, warning: true, action: 'ingest' });
    expect(before.report.sources!.find((s) => s.source === 'claude-code')).toMatchObject({ files: 1, unread: 1, bytesBehind: statSync(FIXTURE).size });
    expect(before.report.space!.length).toBeGreaterThan(3);
    expect(before.report.space!.every((s) => s.bytes === null || s.bytes > 0)).toBe(true);

    const fixed = doctor('--fix');
    expect(fixed.report.fixed!.map((f) => [f.action, f.ok])).toEqual([
      ['permissions', true],
      ['install-hooks', true],
      ['catch-up', true],
      ['ingest', true],
    ]);
    expect(fixed.code).toBe(0);
    expect(fixed.report.healthy).toBe(true);
    expect(check(fixed.report, 'hooks')!.detail).toBe('installed, chaining post-commit (run first, unchanged)');
    expect(statSync(dbPath).mode & 0o777).toBe(0o600);
    expect(existsSync(join(repo, '.git', 'hooks', 'post-commit.lore-chained'))).toBe(true);
  });

  it('finds a backlog in the hook queue, a failed worker and a chained hook that no longer runs', () => {
    const { env, repo, doctor, check } = setup();
    writeFileSync(join(repo, '.git', 'hooks', 'post-commit'), '#!/bin/sh\necho mine\n', { mode: 0o755 });
    expect(runCli(['init'], { cwd: repo, env }).code).toBe(0);
    expect(doctor().code).toBe(0);

    chmodSync(join(repo, '.git', 'hooks', 'post-commit.lore-chained'), 0o644);
    mkdirSync(join(repo, '.git', 'lore'), { recursive: true });
    appendFileSync(join(repo, '.git', 'lore', 'queue'), `commit ${'a'.repeat(40)}\n`);
    appendFileSync(join(repo, '.git', 'lore', 'worker.log'), `${new Date(Date.now() + 1000).toISOString()} Error: disk I/O error\n`);
    const r = doctor();
    expect(r.code).toBe(1);
    expect(check(r.report, 'hook queue')).toMatchObject({ ok: false, fix: 'lore index' });
    expect(check(r.report, 'hook queue')!.detail).toMatch(/^1 event\(s\) waiting \(1 not taken from .*queue yet\)$/);
    expect(check(r.report, 'worker')).toMatchObject({ ok: false });
    expect(check(r.report, 'worker')!.detail).toContain('disk I/O error');
    expect(check(r.report, 'hooks')).toMatchObject({ ok: false, fix: `chmod +x ${join(repo, '.git', 'hooks', 'post-commit.lore-chained')}` });
    expect(check(r.report, 'hooks')!.action).toBeUndefined();

    const text = runCli(['doctor'], { cwd: repo, env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL {2}hook queue {3}1 event\(s\) waiting/);
    expect(text.stdout).toContain('→ lore index (fixable)');
  });

  it('exits 0 on a healthy setup and reports the watcher', () => {
    const { env, repo, doctor, check } = setup();
    expect(runCli(['init'], { cwd: repo, env }).code).toBe(0);
    const r = doctor();
    expect(r.code).toBe(0);
    expect(r.report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(check(r.report, 'watcher')!.detail).toMatch(/^not running/);
    expect(check(r.report, 'sources')!.detail).toMatch(/^no AI tool transcripts found/);
    expect(check(r.report, 'backups')).toBeUndefined();
  });

  it('lists the copy a table-rewriting migration left beside the database, without calling it a problem', () => {
    const { env, repo, doctor, check, dbPath } = setup();
    const old = openDb(dbPath, { migrate: false });
    migrate(old, undefined, 10); // a database from before 0011, which rewrites the commit tables
    old.close();
    expect(runCli(['init'], { cwd: repo, env }).code).toBe(0);
    const r = doctor();
    expect(r.report.checks.filter((c) => !c.ok)).toEqual([]);
    const backups = check(r.report, 'backups')!;
    expect(backups.ok).toBe(true);
    expect(backups.detail).toMatch(/^a copy of the database taken before a migration \(\d+ KB\), safe to delete once lore works for you: /);
    expect(backups.detail).toContain(`${dbPath}.before-0011_commit_keys-`);
  });
});

describe('lore doctor on start-up cost', () => {
  it('warns only where Node reads NODE_EXTRA_CA_CERTS at every start (before Node 22)', () => {
    expect(startUpCheck({}, '20.19.0')).toBeUndefined();
    expect(startUpCheck({ NODE_EXTRA_CA_CERTS: '' }, '20.19.0')).toBeUndefined();
    expect(startUpCheck({ NODE_EXTRA_CA_CERTS: '/etc/corp.pem' }, '22.12.0')).toBeUndefined();
    expect(startUpCheck({ NODE_EXTRA_CA_CERTS: '/etc/corp.pem' }, '20.19.0')).toMatchObject({
      name: 'start-up',
      ok: true,
      warning: true,
      detail: expect.stringContaining('NODE_EXTRA_CA_CERTS (/etc/corp.pem)'),
    });
  });

  it('says so in the report, healthy still, and not when the variable is unset', () => {
    const { env, repo } = setup();
    expect(runCli(['init'], { cwd: repo, env }).code).toBe(0);
    const report = (extra: Record<string, string>) => {
      const r = runCli(['doctor', '--json'], { cwd: repo, env: { ...env, ...extra } });
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as Report;
    };
    // A bundle that does not exist: Node warns on stderr and starts anyway; nothing here reads it.
    const set = report({ NODE_EXTRA_CA_CERTS: join(tmpdir(), 'lore-no-such-bundle.pem') });
    const wanted = Number(process.versions.node.split('.')[0]) < 22;
    expect(set.healthy).toBe(true);
    expect(set.checks.some((c) => c.name === 'start-up')).toBe(wanted);
    expect(report({ NODE_EXTRA_CA_CERTS: '' }).checks.some((c) => c.name === 'start-up')).toBe(false);
  });
});
