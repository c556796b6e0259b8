import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { edgeLines } from '../code/helpers.js';
import { CLI, runCli } from '../helpers/cli.js';
import { commit, git, gitRepo } from '../helpers/git-repo.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const until = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Pids of graph workers serving this test's database (Linux: /proc), or undefined elsewhere. */
function graphWorkers(): number[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const db = join(process.env.LORE_HOME!, 'lore.db');
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.some((a) => a.endsWith('graph-worker.js')) && args.includes(db);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The import edges of a repository, as "from -> to" (edgeLines without the label). */
function edges(root: string): string[] {
  const db = new Database(join(process.env.LORE_HOME!, 'lore.db'), { readonly: true });
  try {
    return edgeLines(db, root).map((line) => line.replace(/ \([^)]*\)$/, ''));
  } finally {
    db.close();
  }
}

/** `lore watch --verbose` in `repo`, its stdout and stderr gathered into one text. */
function startWatch(repo: string, debounceMs: number) {
  const child = spawn(process.execPath, [CLI, 'watch', '--verbose', '--poll', '200', '--debounce', String(debounceMs)], { cwd: repo, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, out: () => out, exited: new Promise<number | null>((r) => child.on('exit', (code) => r(code))) };
}

describe('lore watch and the import graph (end to end)', () => {
  it('sees a new import edge soon after a file is saved, and a new file once it is committed; SIGTERM stops it cleanly', async () => {
    const repo = gitRepo({
      'package.json': '{ "name": "app", "type": "module" }\n',
      'src/a.ts': "export const a = 1;\n",
      'src/b.ts': "export const b = 2;\n",
      'node_modules/dep/index.js': 'module.exports = 1;\n',
    });
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    expect(edges(repo)).toEqual([]);
    const { child, out: output, exited } = startWatch(repo, 50);
    const explain = (err: Error) => {
      throw new Error(`${err.message}\nwatch output:\n${output()}\nedges: ${edges(repo).join(', ')}`);
    };
    await until(() => /nothing new|message|commit|re-parsed/.test(output()));

    // An unstaged edit: the edge is there within a few seconds (a child process parses the file).
    const saved = Date.now();
    writeFileSync(join(repo, 'src', 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
    await until(() => edges(repo).includes('src/a.ts -> src/b.ts'), 10_000);
    expect(Date.now() - saved).toBeLessThan(10_000);
    await until(() => /1 file re-parsed for the import graph/.test(output()));

    // A new directory of code arrives with a commit made behind the watcher's back.
    commit(repo, { 'lib/c.ts': "import { a } from '../src/a.js';\nexport const c = a;\n" }, 'add c');
    await until(() => edges(repo).includes('lib/c.ts -> src/a.ts'), 10_000).catch(explain);
    // ...and lib/ is watched from then on.
    writeFileSync(join(repo, 'lib', 'c.ts'), "import { b } from '../src/b.js';\nexport const c = b;\n");
    await until(() => edges(repo).includes('lib/c.ts -> src/b.ts') && !edges(repo).includes('lib/c.ts -> src/a.ts'), 10_000).catch(explain);

    // A new file that is only staged (`git add` rewrites .git/index) joins the graph too.
    await new Promise((r) => setTimeout(r, 1200)); // past the second look the watcher takes at a newly watched directory
    const batches = () => (output().match(/\(\d+ ms; /g) ?? []).length;
    const before = batches();
    writeFileSync(join(repo, 'src', 'd.ts'), "import { a } from './a.js';\nexport const d = a;\n");
    await until(() => /code changed: .*d\.ts/.test(output()) && batches() > before); // untracked: nothing to do yet
    expect(edges(repo)).not.toContain('src/d.ts -> src/a.ts');
    git(repo, ['add', 'src/d.ts']);
    await until(() => edges(repo).includes('src/d.ts -> src/a.ts'), 10_000).catch(explain);

    expect(graphWorkers()?.length ?? 1).toBe(1); // one worker served every update, and waits for the next
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(() => (graphWorkers()?.length ?? 0) === 0, 5000); // and leaves with the watcher
    expect(output()).toMatch(/SIGTERM: stopping after the current batch/);
    expect(output()).toMatch(/stopped/);
    expect(edges(repo)).toEqual(['lib/c.ts -> src/b.ts', 'src/a.ts -> src/b.ts', 'src/d.ts -> src/a.ts']);
  });

  it('stops cleanly on SIGTERM while a graph update runs, and a restart brings the graph up to date', async () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' });
    expect(runCli(['index', '-q'], { cwd: repo }).code).toBe(0);
    const start = () => startWatch(repo, 20);
    const first = start();
    await until(() => /nothing new/.test(first.out()));
    writeFileSync(join(repo, 'src', 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
    await until(() => /code changed: .*a\.ts/.test(first.out()));
    await new Promise((r) => setTimeout(r, 60)); // the batch has started: the graph worker is loading
    first.child.kill('SIGTERM');
    const code = await first.exited;
    expect(code, first.out()).toBe(0);
    expect(first.out()).toMatch(/stopped/);
    expect(first.out()).not.toMatch(/lore: watch:/); // no error: the update finished or never started
    const second = start();
    await until(() => /nothing new|re-parsed/.test(second.out()));
    expect(edges(repo)).toContain('src/a.ts -> src/b.ts');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
