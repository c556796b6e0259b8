import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { amp } from '../../src/sources/amp.js';
import { trailerTool } from '../../src/link/evidence.js';
import { REAL, collect, copyFixture, envFor, readAll, tempDir } from './adapter-harness.js';

const FIX = 'amp/git-ai/amp-threads';
const PLAN = 'T-019ca1ce-3ae2-7686-a41e-ccc078837f8a';
const APPEND = 'T-019ca1f6-7f21-77b5-a308-65416ebbdf48';

/** A home whose Linux data folder holds the real threads. */
function homeWithThreads(): { home: string; threads: string } {
  const home = tempDir();
  const threads = join(home, '.local', 'share', 'amp', 'threads');
  copyFixture(FIX, threads);
  return { home, threads };
}

describe('amp adapter', () => {
  it('finds T-*.json threads in the data folder of each OS and its override', async () => {
    const { home, threads } = homeWithThreads();
    writeFileSync(join(threads, 'index.json'), '{}');
    const want = [join(threads, `${PLAN}.json`), join(threads, `${APPEND}.json`)];
    expect(await amp.locate(envFor(home, 'linux'))).toEqual(want);
    expect(await amp.locate(envFor(home, 'darwin'))).toEqual(want);
    expect(await amp.locate(envFor(home, 'linux', { XDG_DATA_HOME: join(home, 'data') }))).toEqual([]);
    expect(amp.watchRoots(envFor(home, 'win32', { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }))[0]!.path).toBe(join('C:\\Users\\ann\\AppData\\Local', 'amp', 'threads'));
    expect(amp.watchRoots(envFor(home, 'win32'))[0]!.path).toBe(join(home, 'AppData', 'Local', 'amp', 'threads'));
    expect(amp.matches(want[0]!)).toBe(true);
    expect(amp.matches(join(threads, 'index.json'))).toBe(false);
    expect(amp.matches(join(home, 'elsewhere', `${PLAN}.json`))).toBe(false);
  });

  // Checked by hand (python over the JSON): 6 messages; the prompt at sentAt 1772241201792; three
  // Read calls then one more, each answered on the next user message; the final answer is the plan
  // (end_turn). No edit tools. Title and tree URI are in the thread.
  it('reads the real planning thread: title, cwd, 1 prompt, 4 Read calls and results, no edits', async () => {
    const { threads } = homeWithThreads();
    const r = await collect(amp, join(threads, `${PLAN}.json`));
    expect(r.skips).toEqual([]);
    expect(r.sessions).toEqual([
      expect.objectContaining({ id: `amp:${PLAN}`, source: 'amp', cwd: '/Users/svarlamov/projects/testing-git-amp', title: 'Add jokes CLI with CSV data source', createdAt: '2026-02-28T01:12:53.221Z' }),
    ]);
    expect(r.sessions[0]!.metadata).toMatchObject({ client: 'CLI', gitBranch: 'master' });
    const prompts = r.messages.filter((m) => m.kind === 'prompt');
    expect(prompts.map((m) => [m.id, m.createdAt])).toEqual([[`amp:${PLAN}:0`, '2026-02-28T01:13:21.792Z']]);
    expect(prompts[0]!.content).toMatch(/^Create a plan to add a jokes\.csv/);
    expect(r.messages.filter((m) => m.kind === 'tool_call').map((m) => m.content)).toEqual([
      'Read {"path":"/Users/svarlamov/projects/testing-git-amp/jokes.csv"}',
      'Read {"path":"/Users/svarlamov/projects/testing-git-amp/index.ts"}',
      'Read {"path":"/Users/svarlamov/projects/testing-git-amp/src"}',
      'Read {"path":"/Users/svarlamov/projects/testing-git-amp/src/index.ts"}',
    ]);
    expect(r.messages.filter((m) => m.kind === 'tool_result')).toHaveLength(4);
    expect(r.messages.filter((m) => m.kind === 'thinking')).toHaveLength(1);
    const answers = r.messages.filter((m) => m.kind === 'text');
    expect(answers.at(-1)!.content).toMatch(/^Here's the plan:/);
    expect(answers.at(-1)!.createdAt).toBe('2026-02-28T01:13:38.820Z');
    expect(r.edits).toEqual([]);
  });

  it('reads the real edit thread: the edit_file call is an edit of jokes.csv tied to its prompt', async () => {
    const { threads } = homeWithThreads();
    const r = await readAll(amp, join(threads, `${APPEND}.json`));
    expect(r.skips).toEqual([]);
    expect([...r.edits.values()]).toEqual([
      {
        id: `amp:${APPEND}:toolu_vrtx_01TJD3myjs6gdrDRVn6ZbNME#0`,
        sessionId: `amp:${APPEND}`,
        messageId: `amp:${APPEND}:toolu_vrtx_01TJD3myjs6gdrDRVn6ZbNME`,
        requestId: `amp:${APPEND}:0`,
        path: '/Users/svarlamov/projects/testing-git-amp/jokes.csv',
        cwd: '/Users/svarlamov/projects/testing-git-amp',
        tool: 'edit_file',
        oldText: '13,Why do programmers always mix up Halloween and Christmas?,Because Oct 31 == Dec 25.',
        newText: '13,Why do programmers always mix up Halloween and Christmas?,Because Oct 31 == Dec 25.\n14,Why do programmers hate nature?,It has too many bugs and no documentation.',
        createdAt: '2026-02-28T01:56:58.208Z',
      },
    ]);
    expect(r.messages.get(`amp:${APPEND}:toolu_vrtx_01TJD3myjs6gdrDRVn6ZbNME:result`)?.content).toMatch(/^```diff\nIndex: \/Users\/svarlamov/);
    expect(r.messages.get(`amp:${APPEND}:5`)?.content).toMatch(/^Appended joke #14/);
  });

  it('marks an edit whose call was rejected, and reads a thread again only when it changes', async () => {
    const dir = join(tempDir(), 'amp', 'threads');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'T-1.json');
    const thread = JSON.parse(readFileSync(join(REAL, FIX, `${APPEND}.json`), 'utf8')) as { messages: Array<{ content: Array<{ run?: unknown }> }> };
    thread.messages[4]!.content[0]!.run = { status: 'rejected-by-user' };
    writeFileSync(file, JSON.stringify(thread));
    const first = await readAll(amp, file);
    expect([...first.edits.values()].map((e) => e.metadata)).toEqual([{ failed: true, status: 'rejected-by-user' }]);

    const again = await collect(amp, file, first.cursor);
    expect([again.sessions.length, again.messages.length]).toEqual([0, 0]);

    writeFileSync(file, '{"v": 3, "id": "T-1", "messa');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const half = await collect(amp, file, first.cursor);
    expect(half.skips).toEqual([{ line: undefined, reason: expect.stringMatching(/^invalid JSON/) }]);
  });

  it('credits commits with its trailers to amp', () => {
    expect(trailerTool('add joke\n\nAmp-Thread-ID: https://ampcode.com/threads/T-019c58d6-7447-76d1-8e5b-c1c0e03cac36\nCo-authored-by: Amp <amp@ampcode.com>')).toBe('amp');
    expect(trailerTool('fix\n\nCo-authored-by: Sam Ampere <sam@example.com>')).toBeUndefined();
  });
});
