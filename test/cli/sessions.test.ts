import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// `lore sessions` on a real Aider history: aider writes a session header each time it starts, and
// many sessions end before anything is typed. Those are left out of the list, and counted.

const HISTORY = join(REAL_FIXTURES, 'aider', 'aider', 'chat-history.excerpt-1.md');

describe('lore sessions', () => {
  it('lists the sessions where something was typed, says how many others there are, and --all lists them all', () => {
    // Read independently of lore's parser: the part before the first header is a session too, and
    // a session where something was typed has a `#### ` input line.
    const parts = readFileSync(HISTORY, 'utf8').split(/^# aider chat started at.*$/m);
    const untyped = parts.filter((p) => !/^#### /m.test(p)).length;
    expect(untyped).toBeGreaterThan(0);
    const repo = gitRepo({ 'README.md': '# demo\n' });
    copyFileSync(HISTORY, join(repo, '.aider.chat.history.md'));
    expect(runCli(['ingest', repo, '-q'], { cwd: repo }).code).toBe(0);

    const listed = JSON.parse(runCli(['sessions', '--json', '--limit', '0'], { cwd: repo }).stdout) as { id: string; messages: number }[];
    const all = JSON.parse(runCli(['sessions', '--json', '--limit', '0', '--all'], { cwd: repo }).stdout) as { id: string }[];
    expect(all).toHaveLength(parts.length);
    expect(listed).toHaveLength(parts.length - untyped);
    const text = runCli(['sessions', '--limit', '3'], { cwd: repo }).stdout.trimEnd().split('\n');
    expect(text.at(-1)).toBe(`(${untyped} sessions where nothing was typed not listed; --all lists them)`);
    expect(runCli(['sessions', '--all'], { cwd: repo }).stdout).not.toContain('nothing was typed');
    // Every listed id still opens with `lore show`, and an unlisted one too.
    const hidden = all.find((s) => !listed.some((l) => l.id === s.id))!;
    expect(runCli(['show', hidden.id], { cwd: repo }).code).toBe(0);
  });

  it('names a session where only commands were typed by the first of them', () => {
    const parts = readFileSync(HISTORY, 'utf8').split(/^# aider chat started at.*$/m);
    const inputs = parts.map((p) => [...p.matchAll(/^#### (.*)$/gm)].map((m) => m[1]!.trim()));
    const firstCommands = inputs.filter((typed) => typed.length > 0 && typed.every((t) => t.startsWith('/'))).map((typed) => typed[0]!);
    expect(firstCommands).toContain('/add aider/sendchat.py');
    const repo = gitRepo({ 'README.md': '# demo\n' });
    copyFileSync(HISTORY, join(repo, '.aider.chat.history.md'));
    expect(runCli(['ingest', repo, '-q'], { cwd: repo }).code).toBe(0);

    const listed = JSON.parse(runCli(['sessions', '--json', '--limit', '0'], { cwd: repo }).stdout) as { title: string | null }[];
    expect(listed.filter((s) => s.title === null)).toEqual([]);
    const titles = new Set(listed.map((s) => s.title));
    expect(firstCommands.filter((c) => !titles.has(c))).toEqual([]);
    expect(runCli(['sessions', '--limit', '0'], { cwd: repo }).stdout).not.toContain('(untitled)');
  });
});
