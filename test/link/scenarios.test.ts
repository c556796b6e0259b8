import { describe, expect, it } from 'vitest';
import { generatedScenario, handScenario, pairsFromWhy, score, type Pair } from '../../bench/lib/link-scenarios.mjs';
import { resolveDbPath } from '../../src/config/index.js';
import { intentLinks, messageInfos, openDb } from '../../src/db/index.js';
import { runCli } from '../helpers/cli.js';

const whyJson = (dir: string, file: string) => {
  const r = runCli(['why', file, '--json'], { cwd: dir });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
};
const sorted = (pairs: Pair[]) => pairs.map((p) => p.join(' -> ')).sort();

describe('link scenarios in the real Claude Code and Codex formats', () => {
  it('finds exactly the expected requests: sessions, overlapping files, a reverted edit, a mixed commit, a rebase', () => {
    const s = handScenario(process.env);
    expect(runCli(['index', '-q'], { cwd: s.dir }).code).toBe(0);
    const { before, after } = s.rebase();
    expect(runCli(['index', '-q'], { cwd: s.dir }).code).toBe(0);

    const found = s.files.flatMap((f) => pairsFromWhy(whyJson(s.dir, f), f));
    expect(sorted(found)).toEqual(sorted(s.expected));

    // The rebased commit carries the request, by patch-id, from the commit it replaced.
    const cache = whyJson(s.dir, 'src/slug-cache.ts');
    expect(cache.origin.sha).toBe(after);
    expect(cache.origin.requests.map((q: { text: string; tool: string; evidence: string }) => [q.text, q.tool, q.evidence])).toEqual([[s.prompts.P7, 'codex', 'patch-id']]);
    expect(cache.origin.requests[0].detail).toContain(`carried from ${before.slice(0, 10)}`);

    // strings.ts: four commits, three requests; the reverted logging and the human note have none.
    const strings = whyJson(s.dir, 'src/strings.ts');
    expect(strings.changes.map((c: { subject: string; requests: { text: string }[] }) => [c.subject, c.requests.map((q) => q.text)])).toEqual([
      ['isBlank, defaults, docs', [s.prompts.P6]],
      ['note on purity', []],
      ['truncate and config', [s.prompts.P2]],
      ['Add slugify', [s.prompts.P1]],
    ]);
    expect(strings.summary.text).toBe(`created 2026-05-04 by "${s.prompts.P1}" (claude-code); changed 3 times by 2 requests; imported by 2 files`);
    expect(strings.learnings.map((l: { content: string; source: string; stale: boolean }) => [l.content, l.source, l.stale])).toEqual([["Don't log in library code.", 'extracted', false]]);

    const config = whyJson(s.dir, 'src/config.ts');
    expect(config.decisions.map((d: { sentence: string; tool: string }) => [d.sentence, d.tool])).toEqual([
      ['We chose plain env parsing instead of a config library because the app reads one variable.', 'codex'],
    ]);
    expect(config.changes.map((c: { requests: unknown[] }) => c.requests.length)).toEqual([0, 1]);
    expect(strings.graph).toEqual({ imports: [], importers: ['src/slug-cache.ts', 'test/strings.test.ts'], entryPoint: false, isCode: true, unreferenced: false, deleted: false });
    expect(config.graph.unreferenced).toBe(true);
    expect(config.summary.text).toBe(`created 2026-05-04 by "${s.prompts.P3}" (codex); changed once, no recorded request; imported by no file`);

    const text = runCli(['why', 'src/strings.ts:1', '--evidence'], { cwd: s.dir }).stdout;
    expect(text.split('\n').slice(0, 7)).toEqual([
      'src/strings.ts:1  4 commits',
      `Created 2026-05-04 by "${s.prompts.P1}" (claude-code); changed 3 times by 2 requests; imported by 2 files`,
      '',
      'Line 1 last changed',
      expect.stringMatching(/^ {2}[0-9a-f]{10} {2}2026-05-04 {2}Test Author {7}Add slugify$/),
      // Its Write made line 1, so the request wrote the line itself, not just the commit.
      expect.stringMatching(new RegExp(`^ {6}← "${s.prompts.P1}" {2}claude-code session [0-9a-f]{8}, 2026-05-04 {2}wrote this line$`)),
      '        evidence: edit-text (confidence 0.95) — 2 of 2 line(s) added by Write are in the commit',
    ]);
    expect(text).toMatch(/\[correction\] Don't log in library code\. {2}extracted from claude-code session [0-9a-f]{8}\n/);
  });

  it('keeps precision and recall above target on a generated set', () => {
    const s = generatedScenario(process.env, { seed: 3, requests: 24, fileCount: 8 });
    expect(runCli(['index', '-q'], { cwd: s.dir }).code).toBe(0);
    // Straight from the database (the first test reads the same links through `lore why`).
    const db = openDb(resolveDbPath(process.env));
    const links = intentLinks(db, s.dir);
    const texts = messageInfos(db, links.map((l) => l.requestId));
    const found: Pair[] = links.map((l) => [texts.get(l.requestId)!.content, l.path]);
    db.close();
    const r = score(s.expected, found);
    expect(r.expected).toBeGreaterThan(30);
    expect(r.recall).toBeGreaterThanOrEqual(0.9);
    expect(r.precision).toBeGreaterThanOrEqual(0.95);
  });
});
