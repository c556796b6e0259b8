import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryLock } from '../../src/app/index.js';
import { lockStatus } from '../../src/app/lock.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'lore-lock-')), 'lore', 'worker.lock');

describe('tryLock', () => {
  it('takes a free lock once, writes its pid, and frees it on release', () => {
    const path = lockPath();
    const lock = tryLock(path);
    expect(lock).toBeDefined();
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    expect(tryLock(path)).toBeUndefined();
    lock!.release();
    const again = tryLock(path);
    expect(again).toBeDefined();
    again!.release();
  });

  it('leaves a just-created lock whose holder has not written its pid yet', () => {
    const path = lockPath();
    tryLock(path)!.release();
    writeFileSync(path, '');
    expect(tryLock(path)).toBeUndefined();
  });

  it('takes over a lock left by a dead process, or an old empty one', () => {
    const path = lockPath();
    tryLock(path)!.release();
    writeFileSync(path, '999999999');
    const fromDead = tryLock(path);
    expect(fromDead).toBeDefined();
    fromDead!.release();
    writeFileSync(path, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    expect(tryLock(path)).toBeDefined();
  });

  it('reports a lock as running only while a live process holds it, with that pid', () => {
    const path = lockPath();
    expect(lockStatus(path)).toEqual({ running: false });
    const lock = tryLock(path)!;
    expect(lockStatus(path)).toEqual({ running: true, pid: process.pid });
    lock.release();
    expect(lockStatus(path)).toEqual({ running: false });
    writeFileSync(path, '999999999');
    expect(lockStatus(path)).toEqual({ running: false });
  });
});
