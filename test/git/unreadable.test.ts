import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { skipUnreadable, type Pass } from '../../src/git/unreadable.js';

/**
 * A stand-in for `git log --no-walk` over commits: it writes each commit's output in order and
 * stops at the first bad one, having written its header (`headerFirst`) or nothing of it; commits
 * in `silent` write nothing (an empty diff under patch-id). Counts its runs.
 */
function fakeGit(bad: Set<string>, options: { headerFirst: boolean; silent?: Set<string> }) {
  const runs: string[][] = [];
  const run = async (shas: string[]): Promise<Pass<string>> => {
    runs.push(shas);
    const results = new Map<string, string>();
    let last: string | undefined;
    for (const sha of shas) {
      if (bad.has(sha)) {
        if (options.headerFirst) {
          results.set(sha, 'partial');
          last = sha;
        }
        return { results, last, stopped: true };
      }
      if (options.silent?.has(sha)) continue;
      results.set(sha, `counts of ${sha}`);
      last = sha;
    }
    return { results, last, stopped: false };
  };
  return { run, runs };
}

describe('skipUnreadable', () => {
  it('runs git once over a complete repository', async () => {
    const git = fakeGit(new Set(), { headerFirst: true });
    const r = await skipUnreadable(['a', 'b', 'c'], git.run);
    expect(r.unreadable).toEqual([]);
    expect([...r.results.keys()]).toEqual(['a', 'b', 'c']);
    expect(git.runs).toHaveLength(1);
  });

  it('keeps every readable commit and names exactly the unreadable ones, wherever git stops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ bad: fc.boolean(), silent: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (commits, headerFirst) => {
          const shas = commits.map((_, i) => `c${i}`);
          const bad = new Set(shas.filter((_, i) => commits[i]!.bad));
          const silent = new Set(shas.filter((s, i) => commits[i]!.silent && !bad.has(s)));
          const git = fakeGit(bad, { headerFirst, silent });
          const r = await skipUnreadable(shas, git.run);
          expect(r.unreadable).toEqual(shas.filter((s) => bad.has(s)));
          // No partial output of a commit that stopped git is kept.
          expect([...r.results.keys()].sort()).toEqual(shas.filter((s) => !bad.has(s) && !silent.has(s)).sort());
          expect([...r.results.values()]).not.toContain('partial');
          // Per unreadable commit, at most: the pass it stops, the commit before it alone, the pass
          // from it, itself alone; a silent commit just before it can cost two more (git stops
          // with no sign of where). Then one pass over the rest.
          expect(git.runs.length).toBeLessThanOrEqual(1 + 4 * bad.size + 2 * silent.size);
        },
      ),
    );
  });

  it('asks the screen once git stops, and finds what it missed where git stops next', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ bad: fc.boolean(), screened: fc.boolean() }), { minLength: 1, maxLength: 12 }), fc.boolean(), async (commits, headerFirst) => {
        const shas = commits.map((_, i) => `c${i}`);
        const bad = new Set(shas.filter((_, i) => commits[i]!.bad));
        const known = new Set(shas.filter((s, i) => bad.has(s) && commits[i]!.screened));
        const git = fakeGit(bad, { headerFirst });
        let asked = 0;
        const r = await skipUnreadable(shas, git.run, async () => (asked++, known));
        expect(r.unreadable).toEqual(shas.filter((s) => bad.has(s)));
        expect([...r.results.keys()].sort()).toEqual(shas.filter((s) => !bad.has(s)).sort());
        expect(asked).toBe(bad.size > 0 ? 1 : 0);
        // A screen that knows them all leaves git at most two runs: the one that stopped, the rest.
        if (known.size === bad.size) expect(git.runs.length).toBeLessThanOrEqual(2);
      }),
    );
  });
});
