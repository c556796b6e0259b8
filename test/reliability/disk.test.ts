import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bigRepo } from '../helpers/big-repo.js';
import { runCli } from '../helpers/cli.js';
import { integrity, tableRows } from '../helpers/db-rows.js';

// A full disk and a read-only file system, for real: the database lives on a small tmpfs that
// the test mounts (root only; skipped elsewhere), fills, then remounts read-only. lore must say
// what happened in one line, exit 2, corrupt nothing, and finish the job once there is room.
const SLOW = process.env.LORE_SLOW === '1';
const mounts: string[] = [];

function mount(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'lore-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

const remount = (dir: string, options: string) => execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'ignore' });
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = mount('64k');
  return probe !== undefined;
})();

afterAll(() => {
  for (const dir of mounts) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

const hashes = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));

describe.skipIf(!canMount)('disk full and read-only', () => {
  const repo = bigRepo(SLOW ? 3000 : 1500, 7);

  it('stops with one clear line and exit 2 when the disk fills, keeps what it stored intact, and finishes once there is room', () => {
    const since = Date.now();
    const refHome = mkdtempSync(join(tmpdir(), 'lore-disk-ref-'));
    expect(runCli(['index', '--wait', '-q'], { cwd: repo, env: { LORE_HOME: refHome }, timeoutMs: 300_000 }).code).toBe(0);
    const reference = tableRows(join(refHome, 'lore.db'), { since, dropColumns: { '*': ['mtime_ms'], code_graph_state: ['stamp'] } });

    const small = mount('1m')!;
    const env = { LORE_HOME: small };
    const full = runCli(['index', '--wait', '-q'], { cwd: repo, env, timeoutMs: 300_000 });
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/^lore: the disk is full: lore stopped; what it had stored is intact\nhint: free some space/);
    expect(full.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
    expect(integrity(join(small, 'lore.db'))).toMatchObject({ integrity: ['ok'] });

    remount(small, 'size=64m');
    const again = runCli(['index', '--wait', '-q'], { cwd: repo, env, timeoutMs: 300_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(tableRows(join(small, 'lore.db'), { since, dropColumns: { '*': ['mtime_ms'], code_graph_state: ['stamp'] } })).toEqual(reference);
    expect(integrity(join(small, 'lore.db'))).toMatchObject({ integrity: ['ok'], foreignKeys: 0, fts: [] });
  });

  it('refuses to write to a read-only file system with exit 2, changes nothing, and works again when writable', () => {
    const dir = mount('64m')!;
    const loreHome = join(dir, 'lore');
    mkdirSync(loreHome, { mode: 0o700 });
    const env = { LORE_HOME: loreHome };
    expect(runCli(['index', '--wait', '-q'], { cwd: repo, env, timeoutMs: 300_000 }).code).toBe(0);
    const before = hashes(loreHome);

    remount(dir, 'ro');
    for (const args of [['index'], ['why', 'src/mod1/file1.ts']]) {
      const r = runCli(args, { cwd: repo, env });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/^lore: cannot use the database at .*lore\.db: it is on a read-only file system\nhint: /);
    }
    const doctor = runCli(['doctor'], { cwd: repo, env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL {2}database/);
    expect(hashes(loreHome)).toEqual(before);

    remount(dir, 'rw');
    const why = runCli(['why', 'README.md'], { cwd: repo, env });
    expect(why.stderr).not.toMatch(/unexpected error/);
    expect(integrity(join(loreHome, 'lore.db'))).toMatchObject({ integrity: ['ok'], fts: [] });
    expect(runCli(['index', '--wait', '-q'], { cwd: repo, env }).code).toBe(0);
  });
});
