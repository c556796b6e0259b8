import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { adapters, type SourceAdapter, type SourceRecord } from '../../src/sources/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';
import { CLI, runCli } from '../helpers/cli.js';
import { fixtureCopy, toolFixtures } from '../helpers/fixture-files.js';
import { commit, gitRepo } from '../helpers/git-repo.js';
import { seedSession } from '../helpers/seed-db.js';
import { openDb } from '../../src/db/index.js';

// Issue 14's bad input and damage, each as it was found broken in the wild: a transcript line
// nested 10,000 deep, a corrupt database, odd `why`/`search` arguments, a LORE_HOME its user made,
// two processes taking the same dead lock, and forget leaving derived rows behind.
const SLOW = process.env.LORE_SLOW === '1';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

// ── a line nested 10,000 deep ────────────────────────────────────────────────────────────────

const DEPTH = 10_000;
const DEEP_TEXT = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const MARK = '"@@lore-deep@@"';

/**
 * `value` as JSON text with a 10,000-deep key added to every object in it: whatever an adapter
 * stringifies or walks meets it. (Built as text: JSON.stringify itself cannot write it.)
 */
function poisoned(value: unknown): string {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    for (const child of Object.values(v)) stack.push(child);
    if (!Array.isArray(v)) (v as Record<string, unknown>).deep = '@@lore-deep@@';
  }
  return JSON.stringify(value).replaceAll(MARK, DEEP_TEXT);
}

/** Every JSON or JSONL fixture in an adapter's folder: the ones it claims, else all (as the fuzzer does). */
function jsonFixtures(adapter: SourceAdapter): string[] {
  const mine = toolFixtures(adapter.id).filter((f) => /\.jsonl?$/.test(f));
  const claimed = mine.filter((f) => adapter.matches(f));
  return claimed.length > 0 ? claimed : mine;
}

async function readAll(adapter: SourceAdapter, file: string): Promise<{ messages: string[]; skips: string[]; threw?: string }> {
  const out: { messages: string[]; skips: string[]; threw?: string } = { messages: [], skips: [] };
  try {
    for await (const rec of adapter.read(file, undefined) as AsyncIterable<SourceRecord>) {
      if (rec.kind === 'message') out.messages.push(rec.message.id);
      if (rec.kind === 'skip') out.skips.push(rec.reason);
    }
  } catch (err) {
    out.threw = String(err);
  }
  return out;
}

describe('a transcript line nested 10,000 deep', () => {
  const cases = adapters.flatMap((a) => jsonFixtures(a).map((f) => [a, f] as const));

  it('has a JSON fixture for every adapter that reads JSON and has fixtures', () => {
    expect(new Set(cases.map(([a]) => a.id))).toEqual(new Set(['claude-code', 'codex', 'copilot', 'cursor', 'gemini', 'continue', 'opencode', 'amp', 'copilot-cli']));
  });

  for (const [adapter, file] of cases) {
    const name = relative(REAL_FIXTURES, file);
    it(`${adapter.id}: ${name} is read past a poisoned record, which is skipped and counted`, async () => {
      const text = readFileSync(file, 'utf8');
      const clean = await readAll(adapter, fixtureCopy(file, text));
      expect(clean.threw).toBeUndefined();
      if (file.endsWith('.jsonl')) {
        // A line poisoned in turn (up to 30 spread over the file) is skipped, counted, and the
        // read goes on: the messages are those of the file with that line blanked (ids keep their line numbers).
        const lines = text.split('\n');
        const picks = lines.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
        const step = Math.max(1, Math.ceil(picks.length / 30));
        for (const at of picks.filter((_, k) => k % step === 0)) {
          const bad = [...lines.slice(0, at), poisoned(JSON.parse(lines[at]!)), ...lines.slice(at + 1)].join('\n');
          const r = await readAll(adapter, fixtureCopy(file, bad));
          expect(r.threw, `line ${at + 1}`).toBeUndefined();
          expect(r.skips.filter((s) => /nested deeper/.test(s)), `line ${at + 1}`).toHaveLength(1);
          expect(r.skips.some((s) => /call stack|cannot read/i.test(s)), `line ${at + 1}`).toBe(false);
          const without = await readAll(adapter, fixtureCopy(file, [...lines.slice(0, at), '', ...lines.slice(at + 1)].join('\n')));
          expect(r.messages, `line ${at + 1}`).toEqual(without.messages);
        }
      } else {
        // A whole-document session: the deep values are left out and every message is still read.
        const r = await readAll(adapter, fixtureCopy(file, poisoned(JSON.parse(text))));
        expect(r.threw).toBeUndefined();
        expect(r.skips.some((s) => /call stack|cannot read/i.test(s))).toBe(false);
        expect(r.messages).toEqual(clean.messages);
      }
    });
  }
});

// ── the stale-lock takeover ──────────────────────────────────────────────────────────────────

/** The lock module bundled for plain node: the race needs real processes, not async calls in one. */
async function lockScript(): Promise<string> {
  const dir = tmp('lore-wild-lock-');
  const out = join(dir, 'lock.mjs');
  await build({ entryPoints: [resolve('src/app/lock.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent' });
  const racer = join(dir, 'racer.mjs');
  // Spin until the start time so that every racer finds the same dead lock at the same moment;
  // say at once what it got, and hold a lock it took until the test has heard from every racer.
  writeFileSync(
    racer,
    `import { existsSync } from 'node:fs';
import { tryLock } from './lock.mjs';
const [lockPath, startAt, stopFile] = process.argv.slice(2);
while (Date.now() < Number(startAt));
const lock = tryLock(lockPath);
process.stdout.write(lock ? 'took' : 'left');
if (lock) {
  const until = Date.now() + 20000;
  while (!existsSync(stopFile) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  lock.release();
}
`,
  );
  return racer;
}

function startRacer(script: string, args: string[]): { said: Promise<string>; exited: Promise<void> } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  // A racer that dies before saying anything says so, rather than leaving the test to time out.
  const said = new Promise<string>((done) => {
    child.stdout.once('data', (d: Buffer) => done(d.toString()));
    child.once('close', (code) => done(`exited ${code} without a word`));
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  return { said, exited };
}

describe('the stale-lock takeover', () => {
  const ROUNDS = SLOW ? 30 : 6;
  const RACERS = 6;

  it(`gives a dead process's lock to exactly one of ${RACERS} processes racing for it (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
    const script = await lockScript();
    for (let round = 0; round < ROUNDS; round++) {
      const lockPath = join(tmp('lore-wild-race-'), 'worker.lock');
      // Left by a process that is gone (a pid above any pid_max), or an old empty leftover.
      writeFileSync(lockPath, round % 3 === 2 ? '' : '999999999');
      const old = new Date(Date.now() - 60_000);
      utimesSync(lockPath, old, old);
      const startAt = Date.now() + 1_500;
      const stopFile = `${lockPath}.stop`;
      const racers = Array.from({ length: RACERS }, () => startRacer(script, [lockPath, String(startAt), stopFile]));
      const results = await Promise.all(racers.map((r) => r.said));
      writeFileSync(stopFile, '');
      await Promise.all(racers.map((r) => r.exited));
      rmSync(stopFile);
      expect(results.filter((r) => r === 'took'), `round ${round}: ${results.join(' ')}`).toHaveLength(1);
      expect(results.filter((r) => r === 'left')).toHaveLength(RACERS - 1);
      // Nothing is left behind: no lock (released), no claim, no temp file.
      expect(readdirSync(join(lockPath, '..'))).toEqual([]);
    }
  });
});

// ── odd `why` and `search` arguments ─────────────────────────────────────────────────────────

describe('lore why and lore search on odd arguments', () => {
  const home = () => ({ LORE_HOME: tmp('lore-wild-home-') });

  it('refuses a directory or the repository itself with a hint (exit 2), and writes nothing', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n', 'README.md': '# x\n' });
    const env = home();
    for (const target of ['.', 'src', 'src/', `${repo}/src`]) {
      const r = runCli(['why', target], { cwd: repo, env });
      expect(r.code, target).toBe(2);
      expect(r.stderr, target).toMatch(/is a directory; lore why explains one file\nhint: name a file in it \(`git ls-files (\.|src)` lists them\)/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(env.LORE_HOME, 'lore.db'))).toBe(false);
    // From inside the directory, `.` is that directory.
    expect(runCli(['why', '.'], { cwd: join(repo, 'src'), env }).code).toBe(2);
  });

  it('takes the file after `--`, on the fast path and through the full parser', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n', '-dash.md': 'a file whose name starts with a dash\n' });
    const env = home();
    for (const args of [['why', '--', 'src/a.ts'], ['why', '--json', '--', 'src/a.ts'], ['why', '--', '-dash.md']]) {
      const r = runCli(args, { cwd: repo, env });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/1 commit|"total": 1/);
    }
    const related = runCli(['related', '--', 'src/a.ts'], { cwd: repo, env });
    expect(related.code).toBe(0);
    expect(related.stdout).toMatch(/^src\/a\.ts/);
  });

  it('answers "no matches" for a query with no word in it, not the nearest vectors', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' }, 'add the parser for migrations');
    const env = home();
    expect(runCli(['index', '--wait'], { cwd: repo, env }).code).toBe(0);
    expect(runCli(['search', 'parser'], { cwd: repo, env }).stdout).toMatch(/add the parser for migrations/);
    for (const query of ['*', '🎉', '...', '🔥🔥', '"*"', '¯\\_(ツ)_/¯', '*a*']) {
      const r = runCli(['search', query], { cwd: repo, env });
      expect(r.code, query).toBe(0);
      expect(r.stdout.trim(), query).toBe(`no matches for ${JSON.stringify(query)}`);
      const json = runCli(['search', '--json', query], { cwd: repo, env });
      expect((JSON.parse(json.stdout) as { hits: unknown[] }).hits, query).toEqual([]);
    }
  });
});

// ── a LORE_HOME the user made ────────────────────────────────────────────────────────────────

describe('lore doctor on a LORE_HOME the user made', () => {
  interface DoctorJson {
    checks: { name: string; ok: boolean; warning?: boolean; detail: string }[];
  }
  const permissions = (r: { stdout: string }) => (JSON.parse(r.stdout) as DoctorJson).checks.find((c) => c.name === 'permissions');

  it.skipIf(process.platform === 'win32')('warns, not fails, when the folder is 755 and every file is 600; fails when a file is readable', () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const loreHome = join(tmp('lore-wild-userhome-'), 'lore');
    mkdirSync(loreHome, { mode: 0o755 });
    chmodSync(loreHome, 0o755); // whatever the umask
    const env = { LORE_HOME: loreHome };
    expect(runCli(['index', '--wait'], { cwd: repo, env }).code).toBe(0);
    for (const f of readdirSync(loreHome)) expect(statSync(join(loreHome, f)).mode & 0o777, f).toBe(0o600);

    const warned = runCli(['doctor'], { cwd: repo, env });
    expect(warned.stdout).toMatch(/^warn {2}permissions {2}the database files are private, but others can list .* \(755\): they see file names only/m);
    expect(warned.stdout).not.toMatch(/others can read/);
    expect(permissions(runCli(['doctor', '--json'], { cwd: repo, env }))).toMatchObject({ ok: true, warning: true });

    chmodSync(join(loreHome, 'lore.db'), 0o644);
    const failed = runCli(['doctor', '--json'], { cwd: repo, env });
    expect(failed.code).toBe(1);
    expect(permissions(failed)).toMatchObject({ ok: false, detail: expect.stringMatching(/others can read or change your chats: .*lore\.db is 644/) });
  });

  it('does not check POSIX modes on Windows', async () => {
    const { checkHealth } = await import('../../src/app/doctor-checks.js');
    const loreHome = tmp('lore-wild-win-');
    const repo = gitRepo({ 'a.txt': 'a\n' });
    expect(runCli(['index'], { cwd: repo, env: { LORE_HOME: loreHome } }).code).toBe(0);
    chmodSync(join(loreHome, 'lore.db'), 0o666);
    chmodSync(loreHome, 0o777);
    const onWindows = await checkHealth(join(loreHome, 'lore.db'), undefined, { platform: 'win32', adapters: [] });
    expect(onWindows.checks.map((c) => c.name)).not.toContain('permissions');
    const onLinux = await checkHealth(join(loreHome, 'lore.db'), undefined, { platform: 'linux', adapters: [] });
    expect(onLinux.checks.find((c) => c.name === 'permissions')).toMatchObject({ ok: false });
  });
});

// ── a corrupt database ───────────────────────────────────────────────────────────────────────

describe('every command on a corrupt database', () => {
  const STACK = /\n\s+at |unexpected error|please report/;

  /** A database of a real repository, real chats and a learning; then every table page but the schema's overwritten. */
  function damagedCopy(): { repo: string; env: Record<string, string>; intact: string; corrupt: string } {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': "import { a } from './a.js';\nexport const b = a;\n" });
    for (let i = 0; i < 20; i++) commit(repo, { [`src/f${i}.ts`]: `export const f${i} = ${i};\n` }, `add f${i} for the parser`);
    const claude = join(tmp('lore-wild-claude-'), 'projects', '-work-repo');
    mkdirSync(claude, { recursive: true });
    copyFileSync(join(REAL_FIXTURES, 'claude-code/git-ai/example-claude-code.jsonl'), join(claude, 'cb947e5b-246e-4253-a953-631f7e464c6b.jsonl'));
    // A remote to sync with: `lore sync` must stop at the damaged database, not at a missing remote.
    const remote = tmp('lore-wild-remote-');
    execFileSync('git', ['init', '-q', '--bare', remote]);
    execFileSync('git', ['remote', 'add', 'origin', remote], { cwd: repo });
    const loreHome = tmp('lore-wild-corrupt-');
    const env = { LORE_HOME: loreHome, CLAUDE_CONFIG_DIR: join(claude, '..', '..') };
    expect(runCli(['index', '--wait'], { cwd: repo, env }).code).toBe(0);
    expect(runCli(['learn', 'a must stay pure', '--file', 'src/a.ts'], { cwd: repo, env }).code).toBe(0);
    expect(runCli(['sessions'], { cwd: repo, env }).stdout).toMatch(/claude-code/);
    const dbPath = join(loreHome, 'lore.db');
    const intact = join(tmp('lore-wild-intact-'), 'lore.db');
    const db = new Database(dbPath);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = (db.prepare("SELECT pageno FROM dbstat WHERE name NOT IN ('sqlite_schema', 'sqlite_master')").all() as { pageno: number }[]).map((r) => r.pageno);
    db.close();
    copyFileSync(dbPath, intact);
    const bytes = readFileSync(dbPath);
    // Each page's header kept, its cells overwritten: SQLite reads the page and finds it malformed.
    for (const p of pages) bytes.fill(0xa5, (p - 1) * pageSize + 12, p * pageSize - 8);
    const corrupt = join(tmp('lore-wild-corrupt-copy-'), 'lore.db');
    writeFileSync(corrupt, bytes);
    return { repo, env, intact, corrupt };
  }

  // Every command, with arguments that make it read or write the database. `hook` and
  // `completion` never open it.
  const RUNS: string[][] = [
    ['why', 'src/a.ts'],
    ['why', 'src/a.ts:1'],
    ['search', 'parser'],
    ['reindex', '--vectors'],
    ['learn', 'b is derived', '--file', 'src/b.ts'],
    ['learnings'],
    ['related', 'src/a.ts'],
    ['init'],
    ['index'],
    ['ingest'],
    ['sessions'],
    ['show', 'cb947e5b'],
    ['forget', 'cb947e5b'],
    ['doctor'],
    ['pr', 'HEAD~1..HEAD'],
    ['stats'],
    ['context', 'src/a.ts'],
    ['sync'],
    ['export', '--agent-trace'],
  ];
  const NO_DATABASE = ['hook', 'watch'];
  // `lore mcp` is a server on stdin: test/mcp/server.test.ts runs every tool on a damaged database.
  const ELSEWHERE = ['mcp'];

  it('lists every command of the CLI', async () => {
    const { commands } = await import('../../src/cli/commands/index.js');
    const names = commands.map((c) => String(c.command).split(' ')[0]);
    expect(new Set(names)).toEqual(new Set([...RUNS.map((r) => r[0]), ...NO_DATABASE, ...ELSEWHERE]));
  });

  it('stops each command with one line that names lore doctor, exit non-zero, never a stack trace; after one has, all do', { timeout: 600_000 }, async () => {
    const { repo, env, corrupt } = damagedCopy();
    const dbPath = join(env.LORE_HOME!, 'lore.db');
    const fresh = () => {
      copyFileSync(corrupt, dbPath);
      rmSync(`${dbPath}-wal`, { force: true });
      rmSync(`${dbPath}-shm`, { force: true });
      rmSync(`${dbPath}.damaged`, { force: true });
    };
    // A new commit, so that `index` has work to do on the damaged tables.
    commit(repo, { 'src/c.ts': 'export const c = 3;\n' }, 'add c');
    const outcomes: Record<string, string> = {};
    for (const args of RUNS) {
      fresh();
      const r = runCli(args, { cwd: repo, env });
      const name = args.join(' ');
      expect(r.stderr + r.stdout, name).not.toMatch(STACK);
      expect(r.code, `${name}: ${r.stderr}`).not.toBe(0);
      if (args[0] === 'doctor') expect(r.stdout, name).toMatch(/^FAIL {2}integrity/m);
      else expect(r.stderr, name).toMatch(/^lore: the database( at \S+)? is damaged \(.*\): run `lore doctor`\n$/);
      outcomes[name] = r.stderr.trim();
    }
    // `lore watch` on it: stops the same way, not with a trace (it would otherwise run on).
    fresh();
    const watch = await runFor(['watch', '--quiet'], repo, env, 15_000);
    expect(watch.stderr).not.toMatch(STACK);
    expect(watch.stderr).toMatch(/is damaged .*run `lore doctor`/);
    // `lore context --hook` runs before an agent's edit: on damage it says nothing and lets the edit go.
    fresh();
    const hook = runCli(['context', '--hook', 'claude'], { cwd: repo, env, input: JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Edit', cwd: repo, tool_input: { file_path: join(repo, 'src/a.ts') } }) });
    expect(hook).toMatchObject({ code: 0, stdout: '', stderr: '' });

    // Once a command found the damage, every later one stops at once, whatever pages it reads.
    fresh();
    expect(runCli(['why', 'src/a.ts'], { cwd: repo, env }).code).toBe(2);
    expect(existsSync(`${dbPath}.damaged`)).toBe(true);
    for (const args of RUNS.filter((a) => a[0] !== 'doctor')) {
      const r = runCli(args, { cwd: repo, env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^lore: the database at ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(.*\\): run \`lore doctor\`\\n$`));
    }
  });

  it('lets lore doctor clear the stop once the file is sound again', () => {
    const { repo, env, intact } = damagedCopy();
    const dbPath = join(env.LORE_HOME!, 'lore.db');
    writeFileSync(`${dbPath}.damaged`, 'database disk image is malformed\n');
    expect(runCli(['sessions'], { cwd: repo, env }).code).toBe(2);
    copyFileSync(intact, dbPath); // restored from a copy, as the hint says
    rmSync(`${dbPath}-wal`, { force: true });
    rmSync(`${dbPath}-shm`, { force: true });
    expect(runCli(['doctor'], { cwd: repo, env }).stdout).toMatch(/^ok {4}integrity/m);
    expect(existsSync(`${dbPath}.damaged`)).toBe(false);
    expect(runCli(['sessions'], { cwd: repo, env }).code).toBe(0);
  });
});

function runFor(args: string[], cwd: string, env: Record<string, string>, ms: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

// ── forget forgets everything ────────────────────────────────────────────────────────────────

describe('lore forget and lore:private leave nothing derived behind', () => {
  const SECRET = 'zqxvortex';
  const SID = '5ec7e700-0000-4000-a000-00000000f0f0';

  /** A Claude Code session, in the tool's own line format, whose request, decision, rule and edit all carry SECRET. */
  function sessionLines(cwd: string, extraPrompt?: string): string {
    let n = 0;
    let parent: string | null = null;
    const line = (type: 'user' | 'assistant', content: unknown, at: string): string => {
      const uuid = `${SID.slice(0, 24)}${String(++n).padStart(12, '0')}`;
      const l = { parentUuid: parent, isSidechain: false, userType: 'external', cwd, sessionId: SID, version: '1.0.111', type, message: { role: type, content }, uuid, timestamp: at };
      parent = uuid;
      return JSON.stringify(l);
    };
    const lines = [
      line('user', `No, don't keep blue. Never use the ${SECRET} palette in src/theme.css.`, '2026-03-01T10:00:00.000Z'),
      line('assistant', [{ type: 'text', text: `I'll use green instead of blue because the ${SECRET} contrast is too low.` }], '2026-03-01T10:00:10.000Z'),
      line('assistant', [{ type: 'tool_use', id: 'toolu_01', name: 'Edit', input: { file_path: join(cwd, 'src/theme.css'), old_string: '--c: blue;', new_string: `--c: green; /* not ${SECRET} */` } }], '2026-03-01T10:00:20.000Z'),
      line('user', [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'The file src/theme.css has been updated.' }], '2026-03-01T10:00:30.000Z'),
    ];
    if (extraPrompt) lines.push(line('user', extraPrompt, '2026-03-01T10:05:00.000Z'));
    return `${lines.join('\n')}\n`;
  }

  function setUp(): { repo: string; env: Record<string, string>; transcript: string } {
    const repo = gitRepo();
    commit(repo, { 'src/theme.css': ':root { --c: blue; }\n' }, 'theme', { date: '2026-03-01T09:00:00Z' });
    const projects = join(tmp('lore-wild-forget-'), 'projects');
    const dir = join(projects, `-${repo.replaceAll('/', '-')}`);
    mkdirSync(dir, { recursive: true });
    const transcript = join(dir, `${SID}.jsonl`);
    writeFileSync(transcript, sessionLines(repo));
    // Another session, which stays: a real transcript.
    copyFileSync(join(REAL_FIXTURES, 'claude-code/git-ai/example-claude-code.jsonl'), join(dir, 'cb947e5b-246e-4253-a953-631f7e464c6b.jsonl'));
    commit(repo, { 'src/theme.css': `:root { --c: green; /* not ${SECRET} */ }\n` }, 'green theme', { date: '2026-03-01T10:10:00Z' });
    const env = { LORE_HOME: tmp('lore-wild-forget-home-'), CLAUDE_CONFIG_DIR: join(projects, '..') };
    expect(runCli(['index', '--wait'], { cwd: repo, env }).code).toBe(0);
    return { repo, env, transcript };
  }

  /** Every row of every table (virtual and shadow tables too), as text, by table. */
  function everyTable(dbPath: string): Record<string, string> {
    const db = new Database(dbPath, { readonly: true });
    try {
      const out: Record<string, string> = {};
      const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string | null }[];
      for (const { name, sql } of tables) {
        // vec0 and FTS5 tables proper need their extension; their shadow tables hold the bytes.
        if (sql && /CREATE VIRTUAL TABLE/i.test(sql)) continue;
        const rows = db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][];
        out[name] = rows.map((r) => r.map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))).join('\t')).join('\n');
      }
      return out;
    } finally {
      db.close();
    }
  }

  function expectNothingOf(dbPath: string): void {
    const tables = everyTable(dbPath);
    // The tables this checks: a new table must be added here once forget handles it.
    expect(Object.keys(tables).sort()).toEqual(KNOWN_TABLES);
    for (const [name, raw] of Object.entries(tables)) {
      // The transcript's own file name is its cursor's key (and the session id is in it): a
      // cursor with no state says only that the file exists and was read.
      const text = name === 'source_files' ? raw.replaceAll(`${SID}.jsonl`, '<transcript>') : raw;
      expect(text.includes(SECRET), `${name} still holds the session's text`).toBe(false);
      expect(text.includes(SID) && name !== 'ignored_sessions', `${name} still names the session`).toBe(false);
    }
  }

  const KNOWN_TABLES = [
    'code_files', 'code_graph_state', 'commit_ai_lines', 'commit_files', 'commit_provenance', 'commit_rewrites', 'commits', 'file_edits', 'hook_events', 'ignored_sessions', 'learnings', 'learnings_fts_config', 'learnings_fts_data',
    'learnings_fts_docsize', 'learnings_fts_idx', 'link_state', 'linked_commits', 'messages', 'messages_fts_config', 'messages_fts_data', 'messages_fts_docsize', 'messages_fts_idx', 'relationships',
    'repos', 'sessions', 'shared_ai_lines', 'source_files', 'sqlite_sequence', 'unreachable_commits', 'vec_items_chunks', 'vec_items_info', 'vec_items_rowids', 'vec_items_vector_chunks00', 'vector_items', 'vector_meta',
  ].sort();

  function expectDerivedBefore(repo: string, env: Record<string, string>): void {
    expect(runCli(['learnings'], { cwd: repo, env }).stdout).toMatch(new RegExp(`${SECRET}.*extracted from claude-code session 5ec7e700`));
    expect(runCli(['why', 'src/theme.css'], { cwd: repo, env }).stdout).toMatch(new RegExp(`← "No, don't keep blue. Never use the ${SECRET}`));
    expect(runCli(['why', 'src/theme.css'], { cwd: repo, env }).stdout).toMatch(/Decisions \(1\)/);
    expect(runCli(['search', SECRET], { cwd: repo, env }).stdout).not.toMatch(/^no matches/);
  }

  function expectDerivedGone(repo: string, env: Record<string, string>): void {
    expect(runCli(['learnings'], { cwd: repo, env }).stdout).not.toMatch(SECRET);
    const why = runCli(['why', 'src/theme.css'], { cwd: repo, env }).stdout;
    expect(why).not.toMatch(SECRET);
    expect(why).not.toMatch(/Decisions|extracted from/);
    // (Vectors may still find other sessions' messages with similar word pieces.)
    const hits = (JSON.parse(runCli(['search', '--json', SECRET], { cwd: repo, env }).stdout) as { hits: { sessionId: string | null; snippet: string; matchedBy: string[] }[] }).hits;
    expect(hits.filter((h) => h.sessionId?.includes(SID) || h.snippet.includes(SECRET) || h.matchedBy.includes('fts'))).toEqual([]);
    // The other session is untouched.
    expect(runCli(['sessions'], { cwd: repo, env }).stdout).toMatch(/cb947e5b/);
  }

  it('lore forget SESSION removes every row derived from it, in every table', () => {
    const { repo, env } = setUp();
    const dbPath = join(env.LORE_HOME!, 'lore.db');
    expectDerivedBefore(repo, env);
    const aiLines = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return (db.prepare(`SELECT coalesce(sum(x.lines), 0) AS n FROM commit_ai_lines x JOIN commits c ON c.project_path = x.project_path AND c.sha = x.sha WHERE c.subject = 'green theme'`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(aiLines()).toBeGreaterThan(0);
    const r = runCli(['forget', '5ec7e700'], { cwd: repo, env });
    expect(r.code, r.stderr).toBe(0);
    // Its edits no longer count as AI-written lines of the commit they were linked to.
    expect(aiLines()).toBe(0);
    expectDerivedGone(repo, env);
    expectNothingOf(dbPath);
  });

  it('a lore:private prompt does the same, and the transcript read on keeps nothing of it', () => {
    const { repo, env, transcript } = setUp();
    const dbPath = join(env.LORE_HOME!, 'lore.db');
    expectDerivedBefore(repo, env);
    writeFileSync(transcript, sessionLines(repo, `lore:private ${SECRET} again, and keep this out`));
    expect(runCli(['index', '--wait'], { cwd: repo, env }).code).toBe(0);
    expectDerivedGone(repo, env);
    expectNothingOf(dbPath);
  });
});

// ── short ids that two sessions share ────────────────────────────────────────────────────────

describe('a short id two sessions share', () => {
  const A = 'claude-code:3fe1b6bc-1111-4000-a000-000000000001';
  const B = 'claude-code:3fe1b6bc-2222-4000-a000-000000000002';

  function seeded(sessions: string[]): { repo: string; env: Record<string, string>; dbPath: string } {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    const env = { LORE_HOME: tmp('lore-wild-prefix-') };
    const dbPath = join(env.LORE_HOME, 'lore.db');
    const db = openDb(dbPath);
    for (const id of sessions) seedSession(db, { id, project: repo, source: 'claude-code', title: `title of ${id.slice(-4)}` });
    db.close();
    return { repo, env, dbPath };
  }
  const stored = (dbPath: string) => {
    const db = new Database(dbPath, { readonly: true });
    const n = (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    db.close();
    return n;
  };

  it('lists both top-level sessions and exits 2, also when one has 25 subagents; nothing is forgotten', () => {
    const subagents = Array.from({ length: 25 }, (_, i) => `${A}/agent-${String(i).padStart(2, '0')}`);
    const { repo, env, dbPath } = seeded([A, ...subagents, B]);
    for (const command of ['forget', 'show']) {
      for (const prefix of ['3fe1b6bc', 'claude-code:3fe1b6bc', '3fe1']) {
        const r = runCli([command, prefix], { cwd: repo, env });
        expect(r.code, `${command} ${prefix}`).toBe(2);
        expect(r.stderr, `${command} ${prefix}`).toBe(`lore: ${prefix} matches 2 sessions\nhint: be more specific: ${A}, ${B}\n`);
      }
    }
    expect(stored(dbPath)).toBe(27);
  });

  it('takes a session with its subagents as the session itself (forgetting them all), and a longer prefix as the one it names', () => {
    const subagents = Array.from({ length: 25 }, (_, i) => `${A}/agent-${String(i).padStart(2, '0')}`);
    const { repo, env, dbPath } = seeded([A, ...subagents, B]);
    expect(runCli(['show', '3fe1b6bc-1111'], { cwd: repo, env }).code).toBe(0);
    const only = seeded([A, ...subagents]);
    const r = runCli(['forget', '3fe1b6bc'], { cwd: only.repo, env: only.env });
    expect(r.code, r.stderr).toBe(0);
    // Its subagents' transcripts are part of it: forgotten with it.
    expect(r.stdout).toBe('forgot 26 sessions\n');
    expect(stored(only.dbPath)).toBe(0);
    expect(stored(dbPath)).toBe(27);
  });
});

// ── excludeProjects ──────────────────────────────────────────────────────────────────────────

describe('a project listed under excludeProjects', () => {
  it('stores nothing from it: init, index, why and related there exit 2 and store no commit; hooks stay out', () => {
    const repo = gitRepo({ 'src/a.ts': 'export const a = 1;\n' });
    commit(repo, { 'src/b.ts': 'export const b = 2;\n' }, 'add b');
    const loreHome = tmp('lore-wild-excluded-');
    writeFileSync(join(loreHome, 'config.json'), JSON.stringify({ excludeProjects: [repo] }));
    const env = { LORE_HOME: loreHome };
    for (const args of [['init'], ['index'], ['index', '--wait'], ['why', 'src/a.ts'], ['related', 'src/a.ts']]) {
      const r = runCli(args, { cwd: repo, env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(
        `lore: ${repo} is listed under "excludeProjects": lore stores nothing from it, neither its chats nor its commits\nhint: to use lore here, remove it from ${join(loreHome, 'config.json')}\n`,
      );
    }
    expect(readdirSync(join(repo, '.git', 'hooks')).filter((f) => !f.endsWith('.sample'))).toEqual([]);
    const dbPath = join(loreHome, 'lore.db');
    if (existsSync(dbPath)) {
      const db = new Database(dbPath, { readonly: true });
      expect(db.prepare('SELECT count(*) AS n FROM commits').get()).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM sessions WHERE project_path = ?").get(repo)).toEqual({ n: 0 });
      db.close();
    }
    // Another repository is indexed as usual.
    const other = gitRepo({ 'x.ts': 'export const x = 1;\n' });
    expect(runCli(['index'], { cwd: other, env }).code).toBe(0);
  });
});
