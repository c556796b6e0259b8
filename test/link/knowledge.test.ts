import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionsForPaths, listLearnings, priorArtOf, turnRequest, turnsOfMessagesAfter } from '../../src/db/index.js';
import { findRepo } from '../../src/git/index.js';
import { decisionSentences } from '../../src/link/decisions.js';
import { correctionsIn, parseSolutionDoc, rootCausesIn } from '../../src/link/learnings.js';
import { catchUp } from '../../src/app/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';
import { ChatRows } from '../helpers/chat-rows.js';
import { caughtUpRepo } from '../helpers/caught-up-repo.js';
import { commit, gitRepo } from '../helpers/git-repo.js';

const setup = (files: Record<string, string> = { 'src/store.ts': 'export const store = new Map();\n' }) => caughtUpRepo(files, '2026-03-01T09:00:00Z');

describe('decision sentences', () => {
  it('finds choices and trade-offs, not plain explanations or questions', () => {
    expect(
      decisionSentences(
        'I read the file. We use better-sqlite3 instead of node:sqlite because it is synchronous. The test failed because of a typo. Should we use Redis rather than Postgres? The trade-off is memory for speed.',
      ),
    ).toEqual(['We use better-sqlite3 instead of node:sqlite because it is synchronous.', 'The trade-off is memory for speed.']);
  });

  it('takes a choice with its reason or rejected alternative, not restated requests, descriptions or test fixes', () => {
    // Sentences of the real Aider history (test/fixtures/decisions-labelled.json labels them).
    const no = [
      "I understand that you want to use Git to get the last modified date instead of using the file system's modification time.",
      "I'll modify the `test_subtree_only` test to use `GitTemporaryDirectory` instead of `IgnorantTemporaryDirectory`.",
      "I'll modify the `main.py` file to catch `SuitableRepoNotFound` instead of `FileNotFoundError`.",
      'If `AIDER_DOCKER_IMAGE` is set, it prints out the docker pull command to update the image instead of the pip install command.',
      '- Instead of tracking individual user actions, you could track aggregate data.',
      'This approach allows the `/clipboard` command to be more versatile, handling both image and text content from the clipboard.',
    ];
    for (const s of no) expect(decisionSentences(s), s).toEqual([]);
    const yes = [
      "I'll modify the `cmd_web` function to use pypager instead of SystemPager.",
      'The default value is set to `False` to maintain the current behavior, but now you have the option to set it to `True` when calling the method if you want the output to be bold.',
      '**Lazy loading**: keytar loaded only when needed (avoid system dependencies)',
      'can we get the last modified date from git instead',
    ];
    for (const s of yes) expect(decisionSentences(s), s).toEqual([s]);
  });

  it('ignores code blocks', () => {
    expect(decisionSentences('Here:\n```ts\n// use a Map instead of an object because keys vary\n```\nDone.')).toEqual([]);
  });
});

describe('learning extraction', () => {
  it('takes a user correction as a rule, without the leading "no"', () => {
    expect(correctionsIn("No, don't mock the database in these tests. Use a temp file.")).toEqual([{ category: 'correction', text: "Don't mock the database in these tests." }]);
    expect(correctionsIn('Always run the migrations inside a transaction.')).toEqual([{ category: 'correction', text: 'Always run the migrations inside a transaction.' }]);
    expect(correctionsIn('no, undo that')).toEqual([]);
  });

  it('takes a stated root cause', () => {
    expect(rootCausesIn('Fixed. The root cause was a missing await in the flush loop, so writes raced.')).toEqual([
      { category: 'root-cause', text: 'The root cause was a missing await in the flush loop, so writes raced.' },
    ]);
  });

  it('parses a docs/solutions file: category from problem_type, files from frontmatter', () => {
    const doc = parseSolutionDoc('---\ntitle: Slow startup\nproblem_type: performance_issue\nfiles:\n  - src/a.ts\ndate: 2026-01-05\n---\n# Slow\n\n## Root Cause\nA sync glob on every start.\n', 'docs/solutions/performance/slow.md');
    expect(doc).toMatchObject({ title: 'Slow startup', category: 'performance-issue', files: ['src/a.ts'], content: 'Slow startup: A sync glob on every start.', date: '2026-01-05T00:00:00.000Z' });
    expect(parseSolutionDoc('# no frontmatter\n', 'docs/solutions/x.md')).toBeUndefined();
  });
});

describe('turns of new messages', () => {
  it('gives each message the prompt turnRequest gives it, in one query: none before the first prompt, ties broken by rowid, late rows placed by time', async () => {
    const { repo, db } = await setup();
    const a = new ChatRows(db, repo.root, 'claude-code:a');
    const orphan = a.message('assistant', 'text', 'before any prompt', '2026-03-01T09:00:00.000Z');
    const p1 = a.prompt('first', '2026-03-01T09:10:00.000Z');
    const tie = a.message('assistant', 'text', 'same instant as the prompt', '2026-03-01T09:10:00.000Z');
    const p2 = a.prompt('second', '2026-03-01T09:20:00.000Z');
    const late = a.message('assistant', 'text', 'stored last, said in the first turn', '2026-03-01T09:15:00.000Z');
    const b = new ChatRows(db, repo.root, 'claude-code:b');
    const q = b.prompt('other session', '2026-03-01T09:12:00.000Z');
    const inB = b.message('assistant', 'text', 'answer', '2026-03-01T09:13:00.000Z');
    const ids = [orphan, p1, tie, p2, late, q, inB];
    const rows = turnsOfMessagesAfter(db, repo.root, 0);
    expect(rows.map((r) => r.turn)).toEqual([null, p1, p1, p2, p1, q, q]);
    expect(rows.map((r) => r.turn)).toEqual(ids.map((id) => turnRequest(db, id) ?? null));
    expect(turnsOfMessagesAfter(db, repo.root, rows[4]!.rowid).map((r) => r.turn)).toEqual([q, q]);
    expect(turnsOfMessagesAfter(db, repo.root, 0, 2).map((r) => r.turn)).toEqual([null, p1]);
  });
});

describe('knowledge linking', () => {
  it('links a decision to the files the turn edited, and to earlier prior art in another repository', async () => {
    const other = await setup();
    const o = new ChatRows(other.db, other.repo.root, 'claude-code:old');
    o.prompt('pick a cache', '2026-03-01T09:10:00.000Z');
    o.message('assistant', 'text', 'We chose an LRU cache instead of a plain Map because memory must stay bounded.', '2026-03-01T09:11:00.000Z');
    o.edit('src/store.ts', '2026-03-01T09:12:00.000Z', { old: 'new Map()', new: 'new LRU(100)' });
    await catchUp(other.db, other.repo);
    expect(decisionsForPaths(other.db, other.repo.root, ['src/store.ts']).map((d) => d.sentence)).toEqual([
      'We chose an LRU cache instead of a plain Map because memory must stay bounded.',
    ]);

    // A second repository, same database: the new decision finds the old one.
    const dir = gitRepo();
    commit(dir, { 'src/cache.ts': 'export const c = 1;\n' }, 'initial', { date: '2026-03-02T09:00:00Z' });
    const repo = await findRepo(dir);
    await catchUp(other.db, repo);
    const s = new ChatRows(other.db, repo.root, 'claude-code:new');
    s.prompt('add a cache to cache.ts', '2026-03-02T09:10:00.000Z');
    const m = s.message('assistant', 'text', 'I will use an LRU cache instead of a Map because memory must stay bounded here too.', '2026-03-02T09:11:00.000Z');
    s.edit('src/cache.ts', '2026-03-02T09:12:00.000Z', { old: 'export const c = 1;', new: 'export const c = new LRU(10);' });
    const r = await catchUp(other.db, repo);
    expect(r.link.decisions).toBe(1);
    const art = priorArtOf(other.db, [`msg:${m}`]);
    expect(art).toHaveLength(1);
    expect(art[0]).toMatchObject({ label: 'We chose an LRU cache instead of a plain Map because memory must stay bounded.', targetProject: other.repo.root });
  });

  it('keeps one of near-duplicate decisions about a file: a plan and its summary, a prompt retried', async () => {
    const { repo, db } = await setup();
    const s = new ChatRows(db, repo.root, 'aider:s');
    const plan = "I'll change `store.ts` to use an `LRU` cache instead of a plain `Map` because memory must stay bounded.";
    s.prompt('bound the memory of the store', '2026-03-01T09:10:00.000Z');
    s.message('assistant', 'text', plan, '2026-03-01T09:10:10.000Z');
    s.edit('src/store.ts', '2026-03-01T09:10:20.000Z', { old: 'new Map()', new: 'new LRU(100)' });
    s.message('assistant', 'text', 'These changes use an `LRU` cache instead of a plain `Map` in `store.ts`, so memory stays bounded.', '2026-03-01T09:10:30.000Z');
    await catchUp(db, repo);
    // The same request again after an /undo, in a later turn.
    s.prompt('bound the memory of the store', '2026-03-01T09:20:00.000Z');
    s.message('assistant', 'text', plan, '2026-03-01T09:20:10.000Z');
    s.edit('src/store.ts', '2026-03-01T09:20:20.000Z', { old: 'new Map()', new: 'new LRU(100)' });
    // A different choice about the same file stays.
    s.prompt('use a WeakMap instead of a Map in store.ts so entries do not outlive their keys', '2026-03-01T09:30:00.000Z');
    s.edit('src/store.ts', '2026-03-01T09:30:20.000Z', { old: 'new LRU(100)', new: 'new WeakMap()' });
    await catchUp(db, repo);
    expect(decisionsForPaths(db, repo.root, ['src/store.ts']).map((d) => d.sentence)).toEqual([
      'use a WeakMap instead of a Map in store.ts so entries do not outlive their keys',
      plan,
    ]);
  });

  it('attaches an extracted learning only to files of the repository, and drops a rule that names nothing', async () => {
    const { repo, db } = await setup();
    const s = new ChatRows(db, repo.root, 'claude-code:s');
    s.prompt("Never call flush() from the store's constructor. Don't do that.", '2026-03-01T09:20:00.000Z');
    s.edit('src/store.ts', '2026-03-01T09:21:00.000Z', { old: 'new Map()', new: 'new Map([])' });
    // An edit of a file that never reached the repository (undone, or another checkout's).
    s.edit('src/ghost.ts', '2026-03-01T09:21:30.000Z', { old: '', new: 'export const g = 1;' });
    await catchUp(db, repo);
    expect(listLearnings(db, repo.root).map((l) => [l.content, l.files])).toEqual([["Never call flush() from the store's constructor.", ['src/store.ts']]]);
  });

  it('does not show the decisions and learnings of a turn whose edits never landed, once a later commit of the file carried another', async () => {
    const { dir, repo, db } = await setup();
    const s = new ChatRows(db, repo.root, 'claude-code:s');
    s.prompt('keep the store small. Never export the map itself.', '2026-03-01T09:10:00.000Z');
    s.message('assistant', 'text', "I'll use an `LRU` cache instead of a plain `Map` because memory must stay bounded. The root cause was an unbounded map in the store.", '2026-03-01T09:10:10.000Z');
    s.edit('src/store.ts', '2026-03-01T09:10:20.000Z', { old: 'export const store = new Map();', new: 'export const store = new LRU(100);' });
    await catchUp(db, repo);
    // Not committed yet: it may still land.
    expect(decisionsForPaths(db, repo.root, ['src/store.ts']).map((d) => d.sentence)).toEqual(["I'll use an `LRU` cache instead of a plain `Map` because memory must stay bounded."]);
    expect(listLearnings(db, repo.root, 'src/store.ts').map((l) => l.content).sort()).toEqual(['Never export the map itself.', 'The root cause was an unbounded map in the store.']);
    // Undone; another request's edit is what the next commit of the file carries.
    s.prompt('use a WeakMap instead of a Map in store.ts so entries do not outlive their keys', '2026-03-01T09:20:00.000Z');
    s.edit('src/store.ts', '2026-03-01T09:20:20.000Z', { old: 'export const store = new Map();', new: 'export const store = new WeakMap();' });
    commit(dir, { 'src/store.ts': 'export const store = new WeakMap();\n' }, 'weak store', { date: '2026-03-01T09:25:00Z' });
    await catchUp(db, repo);
    expect(decisionsForPaths(db, repo.root, ['src/store.ts']).map((d) => d.sentence)).toEqual(['use a WeakMap instead of a Map in store.ts so entries do not outlive their keys']);
    // A user's rule stays: it holds whether or not the edit it came with landed.
    expect(listLearnings(db, repo.root, 'src/store.ts').map((l) => l.content)).toEqual(['Never export the map itself.']);
    expect(listLearnings(db, repo.root).map((l) => l.content).sort()).toEqual(['Never export the map itself.', 'The root cause was an unbounded map in the store.']);
  });

  it('does not show, on a file the turn only named, the decisions of a turn none of whose edits landed', async () => {
    // As in Aider's real history (L8858): the answer names the test file, edits only the module,
    // and the edit never reaches a commit (interrupted with ^C; the module's next commit is another's).
    const { dir, repo, db } = await setup({ 'src/store.ts': 'export const store = new Map();\n', 'src/lru.ts': 'export class LRU {}\n' });
    const s = new ChatRows(db, repo.root, 'claude-code:s');
    s.prompt('keep the store small', '2026-03-01T09:10:00.000Z');
    s.message('assistant', 'text', "I'll use the `LRU` class of `src/lru.ts` instead of a plain `Map` because memory must stay bounded.", '2026-03-01T09:10:10.000Z');
    s.edit('src/store.ts', '2026-03-01T09:10:20.000Z', { old: 'export const store = new Map();', new: 'export const store = new LRU(100);' });
    await catchUp(db, repo);
    const sentence = "I'll use the `LRU` class of `src/lru.ts` instead of a plain `Map` because memory must stay bounded.";
    // Not committed yet: it may still land.
    expect(decisionsForPaths(db, repo.root, ['src/lru.ts']).map((d) => d.sentence)).toEqual([sentence]);
    s.prompt('use a WeakMap for the store', '2026-03-01T09:20:00.000Z');
    s.edit('src/store.ts', '2026-03-01T09:20:20.000Z', { old: 'export const store = new Map();', new: 'export const store = new WeakMap();' });
    commit(dir, { 'src/store.ts': 'export const store = new WeakMap();\n' }, 'weak store', { date: '2026-03-01T09:25:00Z' });
    await catchUp(db, repo);
    expect(decisionsForPaths(db, repo.root, ['src/store.ts', 'src/lru.ts']).map((d) => d.sentence)).toEqual([]);
  });

  it('extracts a correction as a learning of the turn\'s files, and imports docs/solutions', async () => {
    const { dir, repo, db } = await setup();
    mkdirSync(join(dir, 'docs/solutions/runtime-errors'), { recursive: true });
    writeFileSync(join(dir, 'docs/solutions/runtime-errors/store.md'), '---\ntitle: Store leaks\nproblem_type: runtime_error\n---\nThe cache in `src/store.ts` grew without bound.\n');
    const s = new ChatRows(db, repo.root, 'claude-code:s');
    s.prompt("No, don't export the map itself. Wrap it.", '2026-03-01T09:20:00.000Z');
    s.edit('src/store.ts', '2026-03-01T09:21:00.000Z', { old: 'export const store = new Map();', new: 'const store = new Map();\nexport const get = (k: string) => store.get(k);' });
    await catchUp(db, repo);
    const ls = listLearnings(db, repo.root, 'src/store.ts');
    // Newest first: the doc has no date, so its file time (now) puts it before the March session.
    expect(ls.map((l) => [l.source, l.category, l.content])).toEqual([
      ['compound', 'runtime-error', 'Store leaks: The cache in `src/store.ts` grew without bound.'],
      ['extracted', 'correction', "Don't export the map itself."],
    ]);
    expect(ls[1]!.sessionId).toBe('claude-code:s');
    // Re-reading changed docs updates the learning in place.
    writeFileSync(join(dir, 'docs/solutions/runtime-errors/store.md'), '---\ntitle: Store leaks memory\nproblem_type: runtime_error\n---\nThe cache in `src/store.ts` grew.\n');
    await catchUp(db, repo);
    expect(listLearnings(db, repo.root, 'src/store.ts').filter((l) => l.source === 'compound').map((l) => l.content)).toEqual(['Store leaks memory: The cache in `src/store.ts` grew.']);
  });
});

// Real learning docs of EveryInc/compound-engineering-plugin (test/fixtures/real/SOURCES.md).
const CE = join(REAL_FIXTURES, 'compound-engineering/compound-engineering-plugin');
const ceDoc = (rel: string) => readFileSync(join(CE, rel), 'utf8');
const GREEDY = 'docs/solutions/integrations/codex-content-transform-greedy-regex.md';
const PREFIX = 'docs/solutions/skill-design/ce-prefix-required-for-skills-and-agents.md';
const BETA = 'docs/solutions/skill-design/beta-promotion-orchestration-contract.md';

describe('compound-engineering learning docs', () => {
  it('takes the root cause prose over the root_cause enum token, and module as a topic, not a file', () => {
    const greedy = parseSolutionDoc(ceDoc(GREEDY), GREEDY)!;
    expect(greedy.content).toMatch(/^Codex content transform regexes greedily matched URLs and email-like strings: The shared wrapper copies each complete non-whitespace HTTP\(S\) token unchanged/);
    expect(greedy.content).not.toContain('logic_error');
    expect(greedy).toMatchObject({ category: 'logic-error', files: [], topic: 'src/utils/codex-content.ts' });
    const prefix = parseSolutionDoc(ceDoc(PREFIX), PREFIX)!;
    expect(prefix.content).toBe('Public skills must use the ce- prefix; enforce it in tests, not just prose: Two layered problems:');
    expect(prefix).toMatchObject({ files: [], topic: 'compound-engineering' });
    // `component: SKILL.md` names an area of the plugin, not a file.
    const beta = parseSolutionDoc(ceDoc(BETA), BETA)!;
    expect(beta).toMatchObject({ files: [], topic: 'skills', content: expect.stringMatching(/^Beta-to-stable promotions must update orchestration callers atomically: When promoting a beta skill/) });
  });

  it('reads docs_root from .compound-engineering/config.yaml, and attaches a doc only to files of the repository', async () => {
    const { dir, repo, db } = await setup({ 'src/utils/codex-content.ts': 'export const x = 1;\n', 'SKILL.md': '# a skill\n' });
    mkdirSync(join(dir, '.compound-engineering'), { recursive: true });
    writeFileSync(join(dir, '.compound-engineering/config.yaml'), `${ceDoc('.compound-engineering/config.example.yaml')}\ndocs_root: .ce-artifacts\n`);
    for (const rel of [GREEDY, BETA]) {
      mkdirSync(join(dir, '.ce-artifacts', rel.replace(/^docs\//, ''), '..'), { recursive: true });
      writeFileSync(join(dir, '.ce-artifacts', rel.replace(/^docs\//, '')), ceDoc(rel));
    }
    // A doc where CE no longer reads, and one whose frontmatter names a file the repository lacks.
    mkdirSync(join(dir, 'docs/solutions'), { recursive: true });
    writeFileSync(join(dir, 'docs/solutions/old.md'), '---\ntitle: Old place\nfiles: [src/utils/codex-content.ts]\n---\nNot read.\n');
    writeFileSync(join(dir, '.ce-artifacts/solutions/gone.md'), '---\ntitle: Gone file\nfiles: [src/gone.ts, src/utils/codex-content.ts]\n---\nA fix in `src/other/missing.ts`.\n');
    await catchUp(db, repo);
    const all = listLearnings(db, repo.root).filter((l) => l.source === 'compound');
    expect(all.map((l) => [l.content.split(':')[0], [...l.files].sort()]).sort()).toEqual([
      ['Beta-to-stable promotions must update orchestration callers atomically', []],
      ['Codex content transform regexes greedily matched URLs and email-like strings', ['src/utils/codex-content.ts']],
      ['Gone file', ['src/utils/codex-content.ts']],
    ]);
    expect(listLearnings(db, repo.root, 'SKILL.md')).toEqual([]);
  });

  it('reads nothing when docs_root leads out of the repository (CE stops rather than fall back to docs/)', async () => {
    const { dir, repo, db } = await setup();
    mkdirSync(join(dir, '.compound-engineering'), { recursive: true });
    writeFileSync(join(dir, '.compound-engineering/config.yaml'), 'docs_root: ../outside-docs\n');
    mkdirSync(join(dir, 'docs/solutions'), { recursive: true });
    writeFileSync(join(dir, 'docs/solutions/a.md'), '---\ntitle: A\n---\nThe cache in `src/store.ts` grew.\n');
    await catchUp(db, repo);
    expect(listLearnings(db, repo.root).filter((l) => l.source === 'compound')).toEqual([]);
  });
});
