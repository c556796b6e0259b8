import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Built inside the repository (gitignored .scratch/) so the bundle finds node_modules, and not
// into dist/, which the end-to-end tests running beside this one spawn.
const out = resolve(`.scratch/build-test-${process.pid}`);
const build = () => execFileSync(process.execPath, ['scripts/build.mjs', out], { encoding: 'utf8' });

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('scripts/build.mjs', () => {
  it('replaces the whole output, so chunks of an earlier build do not pile up', () => {
    mkdirSync(join(out, 'chunks'), { recursive: true });
    writeFileSync(join(out, 'chunks', 'chunk-STALE0.js'), 'export {};\n');
    writeFileSync(join(out, 'leftover.txt'), 'x\n');
    build();
    const chunks = readdirSync(join(out, 'chunks'));
    expect(chunks).not.toContain('chunk-STALE0.js');
    expect(existsSync(join(out, 'leftover.txt'))).toBe(false);
    expect(chunks.length).toBeGreaterThan(0);
    build();
    expect(readdirSync(join(out, 'chunks')).sort()).toEqual(chunks.sort());
    // No staging directory is left beside the output.
    expect(readdirSync(resolve('.scratch')).filter((f) => f.includes(`build-test-${process.pid}-build`))).toEqual([]);
    expect(execFileSync(process.execPath, [join(out, 'cli.cjs'), '--help'], { encoding: 'utf8' })).toContain('lore why <target>');
    // The entry of earlier builds, which service files name, still runs lore.
    expect(execFileSync(process.execPath, [join(out, 'cli.js'), '--help'], { encoding: 'utf8' })).toContain('lore why <target>');
  });

  it('builds into an output directory that does not exist yet', () => {
    rmSync(out, { recursive: true, force: true });
    build();
    expect(existsSync(join(out, 'cli.cjs'))).toBe(true);
    expect(existsSync(join(out, 'hook-worker.js'))).toBe(true);
    expect(existsSync(join(out, 'fast.cjs'))).toBe(true);
  });
});
