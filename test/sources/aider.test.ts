import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aider, inputKind, parseInputHistory, resolveCommand, searchReplaceBlocks } from '../../src/sources/aider.js';
import { adapterById } from '../../src/sources/index.js';
import { REAL, count, readAll, tempDir } from './adapter-harness.js';

const HISTORY = join(REAL, 'aider/aider/chat-history.excerpt-1.md');
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): string => new Date(y, mo - 1, d, h, mi, s, ms).toISOString();

function repoWith(history: string, input?: string): { dir: string; file: string } {
  const dir = tempDir('lore-aider-');
  const file = join(dir, '.aider.chat.history.md');
  writeFileSync(file, history);
  if (input !== undefined) writeFileSync(join(dir, '.aider.input.history'), input);
  return { dir, file };
}

const SESSION = [
  '# aider chat started at 2024-08-05 19:33:32',
  '',
  '> /usr/bin/aider aider/utils.py  ',
  '> Aider v0.47.2-dev  ',
  '> Models: claude-3-5-sonnet-20240620 with diff edit format, weak model claude-3-haiku-20240307  ',
  '> Git repo: .git with 300 files  ',
  '',
  '#### Use the Spinner instead  ',
  '#### of the inlined one  ',
  '',
  "Certainly! Here's the change:",
  '',
  'aider/utils.py',
  '```python',
  '<<<<<<< SEARCH',
  'def spin():',
  '    pass',
  '=======',
  'def spin():',
  '    Spinner().step()',
  '>>>>>>> REPLACE',
  '```',
  '',
  '> Tokens: 5,244 sent, 604 received.  ',
  '> Applied edit to aider/utils.py  ',
  '> Commit fd43cd4 feat: Use the Spinner instead of the inlined custom spinner  ',
  '> You can use /undo to undo and discard each aider commit.  ',
  '',
  '#### /undo  ',
  '',
  '> Removed: fd43cd4 feat: Use the Spinner  ',
  '',
].join('\n');

describe('aider adapter on the real history', () => {
  it('is registered', () => {
    expect(adapterById('aider')).toBe(aider);
  });

  // Hand checks on the 1.9 MB excerpt (python over the file, see the report of this change):
  // 515 `# aider chat started at` headers + the leading part before the first one = 516 sessions;
  // 898 runs of `#### …  ` lines: 420 typed prompts, 2 typed `# …` prompts, 50 /ask, 13 /run,
  // 9 /test, 1 /lint and 4 start-up `# Fix any errors below` (aider --lint, no request open) =
  // 499 prompts, less the 50 `####  Q` echoes aider writes after each `/ask Q` and the one after a
  // `/help hi` (aider 0.49) (issue 13) = 448 (the 9 instructions typed at `/run`'s
  // "(y/n/instructions)" question are part of their /run's request); the other 399 are other
  // commands, blanks and aider's own follow-ups (`# Question:`
  // of /help, lint output in a turn); 427 headers followed by a `> ` banner; 192 `> Applied edit
  // to` lines, 3 of them followed by `> No changes made to git tracked files` (189 landed); 315 `> Commit <sha>` lines, 234 after an applied edit of the turn and 81 of the
  // user's own work (before-edits, start-up and /commit commits); 340 `<<<<<<< SEARCH` lines in
  // answers, of which 20 are cut off (no `>>>>>>> REPLACE`) = 320 + 1 whose text holds `#### ` lines = 321.
  it('parses the 1.9 MB history quickly into sessions, prompts, answers and edits', async () => {
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.chat.history.md');
    copyFileSync(HISTORY, file);
    const t0 = performance.now();
    const r = await readAll(aider, file);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(4000); // about 0.4 s in a bare node run; generous for a loaded CI machine
    expect(r.skips).toEqual([]);
    expect(r.sessions.size).toBe(516);
    expect(count(r, 'user', 'prompt')).toBe(448);
    expect(count(r, 'user', 'meta')).toBe(399);
    expect(count(r, 'assistant', 'text')).toBe(402);
    expect(count(r, 'system', 'meta')).toBe(427);
    expect(r.edits.size).toBe(321);
    let applied = 0;
    let commits = 0;
    let userCommits = 0;
    for (const m of r.messages.values()) {
      applied += ((m.metadata?.appliedEdits as string[] | undefined) ?? []).length;
      commits += ((m.metadata?.commits as unknown[] | undefined) ?? []).length;
      userCommits += ((m.metadata?.userCommits as unknown[] | undefined) ?? []).length;
    }
    expect([applied, commits, userCommits]).toEqual([189, 234, 81]);
    for (const s of r.sessions.values()) expect(s.cwd).toBe(dir);

    // The second session (line 96): `aider --lint --commit`, whose banner holds a commit of the user's work.
    const lint = [...r.sessions.values()][1]!;
    expect(lint.createdAt).toBe(local(2024, 8, 5, 19, 33, 2));
    expect(lint.metadata).toMatchObject({ aiderVersion: 'v0.47.2-dev', model: 'claude-3-5-sonnet-20240620', gitRepo: '.git with 300 files' });
    const banner = [...r.messages.values()].find((m) => m.sessionId === lint.id)!;
    expect(banner.metadata).toMatchObject({ banner: true, userCommits: [{ sha: 'd0ffbf1', message: 'fix: Reorder imports in repomap.py' }] });
    expect(banner.metadata?.commits).toBeUndefined();

    // The third session: the first edit, applied and committed.
    const third = [...r.sessions.values()][2]!;
    expect(third.title).toBe('Use the Spinner instead of the inlined custom spinner');
    const firstEdit = [...r.edits.values()][0]!;
    expect(firstEdit).toMatchObject({ sessionId: third.id, path: 'aider/utils.py', cwd: dir, tool: 'search_replace' });
    expect(firstEdit.oldText).toContain('def run_install(cmd):');
    expect(r.messages.get(firstEdit.requestId!)?.content).toBe('Use the Spinner instead of the inlined custom spinner');
    const paths = new Map<string, number>();
    for (const e of r.edits.values()) paths.set(e.path, (paths.get(e.path) ?? 0) + 1);
    expect(paths.get('aider/commands.py')).toBe(60);
    expect(paths.get('aider/coders/base_coder.py')).toBe(45);
    expect(paths.get('aider/website/docs/usage/modes.md')).toBe(2);
    expect(paths.size).toBe(34);
  });

  it('stores an /ask question once, although aider writes it again before the answer', async () => {
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.chat.history.md');
    copyFileSync(HISTORY, file);
    const r = await readAll(aider, file);
    const safePrint = [...r.messages.values()].filter((m) => m.content.includes('"safe print" method in rich'));
    expect(safePrint.map((m) => `${m.id.split(':').pop()} ${m.role}/${m.kind} ${m.content.slice(0, 12)}`)).toEqual(['L42519 user/prompt /ask isn\'t t']);
    const answer = [...r.messages.values()].find((m) => m.id.endsWith(':L42523'))!;
    expect(answer.content).toMatch(/^Yes, you're right\. Rich does provide a "safe print"/);
    // No prompt of the history repeats the /ask just before it.
    const prompts = [...r.messages.values()].filter((m) => m.kind === 'prompt');
    const echoes = prompts.filter((m, i) => i > 0 && prompts[i - 1]!.content.replace(/^\/ask\s+/, '') === m.content && prompts[i - 1]!.content.startsWith('/ask'));
    expect(echoes).toEqual([]);
  });

  it('adds the instructions typed at /run\'s "(y/n/instructions)" question to the /run request, and a yes or no nothing', async () => {
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.chat.history.md');
    copyFileSync(HISTORY, file);
    const r = await readAll(aider, file);
    const at = (line: number) => [...r.messages.values()].find((m) => m.id.endsWith(`:L${line}`));
    // Line 23633 `/run pytest ...`, then its output, then 23690-23691: `> Add the output to the
    // chat?` / `(y/n/instructions) the test is failing because ...`. aider sends the command, its
    // output and the instructions as one message: one request, the /run's, with the user's words.
    const run = at(23633)!;
    expect(run).toMatchObject({
      role: 'user',
      kind: 'prompt',
      content: "/run pytest tests/basic/test_commands.py -k test_cmd_read_with_external_file\n\nthe test is failing because glob_filtered_to_repo doesn't apply to read_only files",
    });
    expect(at(23691)).toBeUndefined();
    expect(at(23692)).toMatchObject({ role: 'tool', kind: 'tool_result' });
    expect(at(23692)!.content).toMatch(/^=+ test session starts =+/);
    // The answer that follows is the /run turn's work.
    const answer = at(23751)!;
    expect(answer.content).toMatch(/^I understand the issue/);
    const edits = [...r.edits.values()].filter((e) => e.messageId === answer.id);
    expect(edits.length).toBeGreaterThan(0);
    for (const e of edits) expect(e.requestId).toBe(run.id);
    // After command output that ended like a `> ` block (line 33297), the question is still aider's.
    expect(at(33297)).toMatchObject({ role: 'tool', content: 'Add the output to the chat?\n(y/n/instructions)' });
    expect(at(33103)).toMatchObject({ kind: 'prompt', content: '/run git diff a162\n\nupdate the main branch release notes about that' });
    // All nine instructions of the history went to their /run; none is a prompt of its own.
    const runs = [...r.messages.values()].filter((m) => m.kind === 'prompt' && m.content.startsWith('/run ') && m.content.includes('\n\n'));
    expect(runs).toHaveLength(9);
    // A plain y or n answer stays in aider's output (line 9731, `... (y/n/instructions): n`).
    expect([...r.messages.values()].filter((m) => m.kind === 'prompt' && /^[yn]$/i.test(m.content))).toEqual([]);
  });

  it('adds the instructions to a /run stored by an earlier read, when the history is cut between them', async () => {
    const text = readFileSync(HISTORY, 'utf8');
    const lines = text.split('\n');
    // Cut after line 23660: the /run (23633) and some of its output are read first, the question
    // and its instructions (23690-23691) come with the rest.
    const cut = Buffer.byteLength(lines.slice(0, 23660).join('\n') + '\n');
    const bytes = Buffer.from(text);
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.chat.history.md');
    writeFileSync(file, bytes.subarray(0, cut));
    const first = await readAll(aider, file);
    const run = [...first.messages.values()].find((m) => m.id.endsWith(':L23633'))!;
    expect(run.content).toBe('/run pytest tests/basic/test_commands.py -k test_cmd_read_with_external_file');
    appendFileSync(file, bytes.subarray(cut));
    const both = await readAll(aider, file, first.cursor, first);
    expect(both.messages.get(run.id)!.content).toBe("/run pytest tests/basic/test_commands.py -k test_cmd_read_with_external_file\n\nthe test is failing because glob_filtered_to_repo doesn't apply to read_only files");
  });

  it('keeps instructions with no /run before them (a history that starts after it) as a prompt', async () => {
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.chat.history.md');
    // The history starts in the middle of a /run's output (lines cut off before it).
    writeFileSync(file, ['> FAILED tests/basic/test_io.py::test_read  ', '> Add the output to the chat?', '(y/n/instructions) fix the failing read test  ', '> 1 failed  ', ''].join('\n'));
    const r = await readAll(aider, file);
    const prompts = [...r.messages.values()].filter((m) => m.kind === 'prompt');
    expect(prompts.map((m) => m.content)).toEqual(['fix the failing read test']);
  });

  it('gives the same rows when the history is read in two pieces', async () => {
    const bytes = readFileSync(HISTORY).subarray(0, 120_000);
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.chat.history.md');
    writeFileSync(file, bytes);
    const full = await readAll(aider, file);
    for (const cut of [3_000, 4_391, 10_000, 20_017, 55_555, 119_000]) {
      writeFileSync(file, bytes.subarray(0, cut));
      const first = await readAll(aider, file);
      appendFileSync(file, bytes.subarray(cut));
      const both = await readAll(aider, file, first.cursor, first);
      const rows = (r: typeof full): string[] => [...r.messages.values()].map((m) => `${m.id} ${m.role}/${m.kind} ${m.content}`).sort();
      expect(rows(both), `cut at ${cut}`).toEqual(rows(full));
      expect([...both.edits.keys()].sort()).toEqual([...full.edits.keys()].sort());
    }
  });
});

describe('aider adapter on written cases', () => {
  it('reads a session: banner, prompt with its input-history time, answer, edit, applied edit and commit', async () => {
    const input = '\n# 2024-08-05 19:33:40.519792\n+Use the Spinner instead\n+of the inlined one\n\n# 2024-08-05 19:35:01.000001\n+/undo\n';
    const { dir, file } = repoWith(SESSION, input);
    const r = await readAll(aider, file);
    expect(r.skips).toEqual([]);
    const [session] = [...r.sessions.values()];
    expect(session).toMatchObject({ cwd: dir, createdAt: local(2024, 8, 5, 19, 33, 32), title: 'Use the Spinner instead', metadata: { model: 'claude-3-5-sonnet-20240620' } });
    const msgs = [...r.messages.values()];
    expect(msgs.map((m) => `${m.role}/${m.kind}`)).toEqual(['system/meta', 'user/prompt', 'assistant/text', 'tool/tool_result', 'user/meta', 'tool/tool_result']);
    expect(msgs[1]!.content).toBe('Use the Spinner instead\nof the inlined one');
    expect(msgs[1]!.createdAt).toBe(local(2024, 8, 5, 19, 33, 40, 519));
    expect(msgs[4]!.createdAt).toBe(local(2024, 8, 5, 19, 35, 1));
    expect(msgs[3]!.metadata).toEqual({ appliedEdits: ['aider/utils.py'], commits: [{ sha: 'fd43cd4', message: 'feat: Use the Spinner instead of the inlined custom spinner' }] });
    const [edit] = [...r.edits.values()];
    expect(edit).toMatchObject({ path: 'aider/utils.py', cwd: dir, oldText: 'def spin():\n    pass', newText: 'def spin():\n    Spinner().step()', messageId: msgs[2]!.id, requestId: msgs[1]!.id });
  });

  it('makes a command that asks for work its turn\'s request, and ends the turn at any other command', () => {
    expect(['/run pytest', '/tes pytest tests/x.py', '/lint', '/ask why?', '/code', '/architect plan it', 'make it faster'].map((t) => inputKind(t, true))).toEqual(Array(7).fill('prompt'));
    expect(['/clear', '/undo', '/reset', '/ex', '/add a.py', '/commit', '/help how?', '/nonsense'].map((t) => inputKind(t, true))).toEqual(Array(8).fill('ends-turn'));
    // aider's own follow-ups continue the turn; its start-up lint fix, with no request open, is one
    expect(['# Fix any errors below, if possible.', '# Question: how?', '# Running: pytest', '<blank>', ''].map((t) => inputKind(t, true))).toEqual(Array(5).fill('continues'));
    expect(inputKind('# Fix any errors below, if possible.', false)).toBe('prompt');
    expect([resolveCommand('/tes x'), resolveCommand('/re'), resolveCommand('/ex')]).toEqual(['test', undefined, 'exit']);
  });

  it('tells the commits of a turn\'s edits from the commits of the user\'s own work', async () => {
    const history = [
      '',
      '# aider chat started at 2024-08-05 19:33:02',
      '',
      '> aider --lint --commit  ',
      '> Aider v0.47.2-dev  ',
      '> Commit d0ffbf1 fix: Reorder imports in repomap.py  ',
      '',
      '#### /lint  ',
      '',
      '#### # Fix any errors below, if possible.  ',
      '',
      'aider/x.py',
      '```',
      '<<<<<<< SEARCH',
      'import b',
      'import a',
      '=======',
      'import a',
      'import b',
      '>>>>>>> REPLACE',
      '```',
      '',
      '> Committing aider/x.py before applying edits.  ',
      '> Commit ddedd40 fix: the user\'s hand edit  ',
      '> Applied edit to aider/x.py  ',
      '> Commit cb709bd style: sort imports  ',
      '',
      '#### try again  ',
      '',
      'aider/y.py',
      '```',
      '<<<<<<< SEARCH',
      '=======',
      'x = 1',
      '>>>>>>> REPLACE',
      '```',
      '',
      '> Applied edit to aider/y.py  ',
      '> No changes made to git tracked files.  ',
      '',
      '#### /clear  ',
      '',
      '#### /commit  ',
      '',
      '> Commit 1265f6a fix: more hand edits  ',
      '',
    ].join('\n');
    const { file } = repoWith(history);
    const r = await readAll(aider, file);
    const msgs = [...r.messages.values()];
    const lint = msgs.find((m) => m.content === '/lint')!;
    expect(lint.kind).toBe('prompt');
    expect(msgs.find((m) => m.content.startsWith('# Fix any'))!.kind).toBe('meta');
    expect(msgs.filter((m) => m.metadata?.endsTurn).map((m) => m.content)).toEqual(['/clear', '/commit']);
    const facts = msgs.filter((m) => m.metadata?.commits || m.metadata?.userCommits).map((m) => [m.metadata?.commits, m.metadata?.userCommits]);
    // an edit aider applied that changed nothing tracked never landed
    expect(msgs.filter((m) => m.metadata?.appliedEdits).map((m) => m.metadata?.appliedEdits)).toEqual([['aider/x.py']]);
    // `when` says which kind of user commit it was (`lore why` shows it).
    expect(facts).toEqual([
      [undefined, [{ sha: 'd0ffbf1', message: 'fix: Reorder imports in repomap.py', when: 'start-up' }]],
      [[{ sha: 'cb709bd', message: 'style: sort imports' }], [{ sha: 'ddedd40', message: "fix: the user's hand edit", when: 'before-edit' }]],
      [undefined, [{ sha: '1265f6a', message: 'fix: more hand edits', when: 'commit' }]],
    ]);
    expect([...r.edits.values()][0]!.requestId).toBe(lint.id);
  });

  it('says a commit right after /lint was of the user\'s dirty files (real history, L42610)', async () => {
    const history = ['', '# aider chat started at 2024-08-10 20:00:00', '', '> Aider v0.49.0  ', '', '#### fix it  ', '', 'Ok.', '', '#### /lint  ', '', '> Commit ddedd40 fix: Print text content using Text object in commands.py  ', ''].join('\n');
    const { file } = repoWith(history);
    const r = await readAll(aider, file);
    const facts = [...r.messages.values()].filter((m) => m.metadata?.userCommits).map((m) => m.metadata?.userCommits);
    expect(facts).toEqual([[{ sha: 'ddedd40', message: 'fix: Print text content using Text object in commands.py', when: 'lint' }]]);
  });

  it('knows /commit and /lint by any prefix aider takes for them', async () => {
    const history = ['', '# aider chat started at 2024-08-10 20:00:00', '', '> Aider v0.49.0  ', '', '#### fix it  ', '', 'Ok.', '', '#### /lin  ', '', '> Commit ddedd40 fix: lint  ', '', '#### /com  ', '', '> Commit 1265f6a fix: hand edits  ', ''].join('\n');
    const { file } = repoWith(history);
    const r = await readAll(aider, file);
    const facts = [...r.messages.values()].filter((m) => m.metadata?.userCommits).map((m) => m.metadata?.userCommits);
    expect(facts).toEqual([[{ sha: 'ddedd40', message: 'fix: lint', when: 'lint' }], [{ sha: '1265f6a', message: 'fix: hand edits', when: 'commit' }]]);
  });

  it('waits for a half-written line and re-reads the growing last block', async () => {
    const { file } = repoWith(SESSION.slice(0, SESSION.indexOf('> Tokens')) + '> Applied edit to aid');
    const a = await readAll(aider, file);
    expect(count(a, 'assistant', 'text')).toBe(1);
    expect(count(a, 'tool')).toBe(0);
    appendFileSync(file, 'er/utils.py  \n> Commit fd43cd4 feat: x  \n');
    const b = await readAll(aider, file, a.cursor, a);
    const tool = [...b.messages.values()].find((m) => m.role === 'tool')!;
    expect(tool.metadata).toEqual({ appliedEdits: ['aider/utils.py'], commits: [{ sha: 'fd43cd4', message: 'feat: x' }] });
    expect(b.edits.size).toBe(1);
    appendFileSync(file, '> You can use /undo  \n');
    const c = await readAll(aider, file, b.cursor, b);
    expect(c.messages.get(tool.id)!.content).toBe('Applied edit to aider/utils.py\nCommit fd43cd4 feat: x\nYou can use /undo');
    expect(c.messages.size).toBe(b.messages.size);
  });

  it('reads a rewritten history again from the start', async () => {
    const { file } = repoWith(SESSION);
    const a = await readAll(aider, file);
    writeFileSync(file, SESSION.replace('2024-08-05 19:33:32', '2024-09-01 10:00:00'));
    const b = await readAll(aider, file, a.cursor);
    expect([...b.sessions.values()][0]!.createdAt).toBe(local(2024, 9, 1, 10, 0, 0));
    expect(b.messages.size).toBe(6);
  });

  it('skips a line of invalid UTF-8 and keeps the rest', async () => {
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.chat.history.md');
    writeFileSync(file, Buffer.concat([Buffer.from('# aider chat started at 2024-08-05 19:33:32\n\n#### hello  \n\n'), Buffer.from([0xff, 0xfe, 0x41, 0x0a]), Buffer.from('\nanswer text\n')]));
    const r = await readAll(aider, file);
    expect(r.skips).toEqual([{ line: 5, reason: 'invalid UTF-8' }]);
    expect([...r.messages.values()].map((m) => m.content)).toEqual(['hello', 'answer text']);
  });

  it('keeps Markdown headings and quotes of an answer inside the answer', async () => {
    const { file } = repoWith('# aider chat started at 2024-08-05 19:33:32\n\n#### explain  \n\nHere:\n\n#### `Coder` Class\n> a quote\nmore\n\n> Tokens: 1 sent  \n');
    const r = await readAll(aider, file);
    expect([...r.messages.values()].map((m) => `${m.role}:${m.content}`)).toEqual(['user:explain', 'assistant:Here:\n\n#### `Coder` Class\n> a quote\nmore', 'tool:Tokens: 1 sent']);
  });

  it('finds paths before SEARCH/REPLACE blocks in every fence style, reusing the last one', () => {
    const text = [
      'src/a.py',
      '```python',
      '<<<<<<< SEARCH',
      'a',
      '=======',
      'b',
      '>>>>>>> REPLACE',
      '```',
      '',
      '```python',
      '<<<<<<< SEARCH',
      'c',
      '=======',
      'd',
      '>>>>>>> REPLACE',
      '```',
      '',
      '<source>python',
      '`src/b.py`',
      '<<<<<<< SEARCH',
      '=======',
      'new file',
      '>>>>>>> REPLACE',
      '</source>',
      'src/c.py',
      '<<<<<<< SEARCH',
      'cut off',
    ].join('\n');
    expect(searchReplaceBlocks(text)).toEqual([
      { path: 'src/a.py', oldText: 'a', newText: 'b' },
      { path: 'src/a.py', oldText: 'c', newText: 'd' },
      { path: 'src/b.py', oldText: '', newText: 'new file' },
    ]);
  });

  it('parses the input history with its local times', () => {
    expect(parseInputHistory('\n# 2025-10-23 17:05:03.519792\n+/add /path/one\n+  /path/two\n')).toEqual([{ at: local(2025, 10, 23, 17, 5, 3, 519), text: '/add /path/one\n  /path/two' }]);
  });

  it('reads an input history alone as one session of prompts', async () => {
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.input.history');
    writeFileSync(file, '\n# 2025-10-23 17:05:03.5\n+/add a.py\n\n# 2025-10-23 17:06:00.0\n+make it faster\n');
    const r = await readAll(aider, file);
    expect([...r.messages.values()].map((m) => `${m.kind}:${m.content}`)).toEqual(['meta:/add a.py', 'prompt:make it faster']);
    expect([...r.sessions.values()][0]!.cwd).toBe(dir);
  });

  it('keeps the answers to aider\'s yes/no questions in an input history out of the prompts', async () => {
    // aider's prompt_toolkit session keeps every answer typed at a confirm_ask in the same file.
    const dir = tempDir('lore-aider-');
    const file = join(dir, '.aider.input.history');
    writeFileSync(file, '\n# 2025-10-23 17:05:03.5\n+add a cache\n\n# 2025-10-23 17:05:40.1\n+N\n\n# 2025-10-23 17:05:41.0\n+y\n\n# 2025-10-23 17:06:00.0\n+yes, and a test\n');
    const r = await readAll(aider, file);
    expect([...r.messages.values()].map((m) => `${m.kind}:${m.content}`)).toEqual(['prompt:add a cache', 'meta:N', 'meta:y', 'prompt:yes, and a test']);
  });

  it('reads no second session from the input history beside a chat history (lore ingest REPO hands over both)', async () => {
    const { dir } = repoWith(SESSION, '\n# 2024-08-05 19:33:40.519792\n+Use the Spinner instead\n+of the inlined one\n');
    const r = await readAll(aider, join(dir, '.aider.input.history'));
    expect(r.sessions.size).toBe(0);
    expect(r.messages.size).toBe(0);
    expect(r.records.at(-1)?.kind).toBe('checkpoint');
  });

  it('reads an input history again whole when it grows, and not at all while it is unchanged', async () => {
    const file = join(tempDir('lore-aider-'), '.aider.input.history');
    writeFileSync(file, '\n# 2025-10-23 17:05:03.5\n+first\n');
    const a = await readAll(aider, file);
    const same = await readAll(aider, file, a.cursor);
    expect(same.records.map((x) => x.kind)).toEqual(['checkpoint']);
    appendFileSync(file, '\n# 2025-10-23 17:06:00.0\n+second\n');
    const b = await readAll(aider, file, a.cursor);
    expect([...b.messages.values()].map((m) => m.content)).toEqual(['first', 'second']);
  });
});

describe('aider adapter locating histories', () => {
  it('finds the history in each known repo on each OS, else the input history', async () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const a = repoWith(SESSION, '');
      const b = tempDir('lore-aider-');
      writeFileSync(join(b, '.aider.input.history'), '# 2025-01-01 00:00:00.0\n+hi\n');
      const c = tempDir('lore-aider-');
      const found = await aider.locate({ env: {}, home: tempDir(), platform, knownRepos: [a.dir, b, c] });
      expect(found).toEqual([a.file, join(b, '.aider.input.history')]);
    }
  });

  it('honours AIDER_CHAT_HISTORY_FILE, relative to each repo or absolute', async () => {
    const repo = tempDir('lore-aider-');
    mkdirSync(join(repo, 'logs'));
    writeFileSync(join(repo, 'logs/chat.md'), SESSION);
    expect(await aider.locate({ env: { AIDER_CHAT_HISTORY_FILE: 'logs/chat.md' }, home: tempDir(), platform: 'linux', knownRepos: [repo] })).toEqual([join(repo, 'logs/chat.md')]);
    const abs = join(tempDir(), 'all.md');
    writeFileSync(abs, SESSION);
    expect(await aider.locate({ env: { AIDER_CHAT_HISTORY_FILE: abs }, home: tempDir(), platform: 'linux', knownRepos: [repo] })).toEqual([abs]);
  });

  it('matches its two file names on either separator', () => {
    expect(aider.matches('/r/.aider.chat.history.md')).toBe(true);
    expect(aider.matches('C:\\r\\.aider.input.history')).toBe(true);
    expect(aider.matches('/r/chat.md')).toBe(false);
  });
});
