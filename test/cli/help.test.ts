import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';

const hasMan = spawnSync('man', ['--version'], { encoding: 'utf8' }).status === 0;
const MAN_DIR = resolve('dist/man');

/** A PATH whose first directory holds `git-lore` (the built CLI), as `npm link` would leave it. */
function gitLorePath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'lore-bin-'));
  symlinkSync(CLI, join(bin, 'git-lore'));
  return `${bin}${delimiter}${process.env.PATH}`;
}

function gitLore(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('git', ['lore', ...args], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, PATH: gitLorePath(), ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('help', () => {
  it('lore help [COMMAND] prints what --help prints', () => {
    const top = runCli(['--help'], { cwd: tmpdir() });
    expect(runCli(['help'], { cwd: tmpdir() })).toEqual(top);
    const why = runCli(['why', '--help'], { cwd: tmpdir() });
    expect(why.stdout).toContain('lore why <target>');
    expect(runCli(['help', 'why'], { cwd: tmpdir() })).toEqual(why);
    expect(runCli(['help', 'hook'], { cwd: tmpdir() }).stdout).toContain('lore hook <action>');
  });

  it('git lore -h and git lore help COMMAND reach lore (git keeps --help for its man page)', () => {
    const h = gitLore(['-h']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('lore why <target>');
    const why = gitLore(['help', 'why']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('--evidence');
    expect(gitLore(['why', '-h']).stdout).toBe(why.stdout);
  });

  it('package.json lists man pages the build writes', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { man: string[]; files: string[] };
    expect(pkg.man.map((m) => m.replace(/^\.\//, ''))).toEqual(['dist/man/man1/lore.1', 'dist/man/man1/git-lore.1']);
    for (const m of pkg.man) expect(existsSync(m), m).toBe(true);
    expect(pkg.files).toContain('dist');
  });

  it.skipIf(!hasMan)('man renders the page, and git lore --help opens it when it is on the MANPATH', () => {
    const env = { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100', LC_ALL: 'C.UTF-8' };
    const page = spawnSync('man', ['-l', join(MAN_DIR, 'man1', 'git-lore.1')], { encoding: 'utf8', env });
    expect(page.status, page.stderr).toBe(0);
    expect(page.stdout).toMatch(/^GIT-LORE\(1\)/);
    expect(page.stdout).toContain('git lore help [command]');
    expect(page.stdout).toContain('lore why <target>');
    expect(page.stdout).toContain('LORE_HOME');
    const lore = spawnSync('man', ['-l', join(MAN_DIR, 'man1', 'lore.1')], { encoding: 'utf8', env });
    expect(lore.stdout).toMatch(/^LORE\(1\)/);
    // What `npm install -g` / `npm link` sets up: the page in <prefix>/share/man/man1, found by man.
    const viaGit = gitLore(['--help'], { MANPATH: MAN_DIR, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100' });
    expect(viaGit.code, viaGit.stderr).toBe(0);
    expect(viaGit.stdout).toContain('git lore help [command]');
  });
});
