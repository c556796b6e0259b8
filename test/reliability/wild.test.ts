import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { adapters, type SourceAdapter, type SourceRecord } from '../../src/sources/index.js';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';
import { runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';

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

const FOLDER: Record<string, string> = { 'claude-code': 'claude-code', codex: 'codex', copilot: 'copilot-vscode', cursor: 'cursor', opencode: 'opencode', gemini: 'gemini', continue: 'continue', cline: 'cline' };

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Every JSON or JSONL fixture in an adapter's folder: the ones it claims, else all (as the fuzzer does). */
function jsonFixtures(adapter: SourceAdapter): string[] {
  const folder = FOLDER[adapter.id];
  if (!folder) return [];
  const mine = walk(join(REAL_FIXTURES, folder)).filter((f) => /\.jsonl?$/.test(f));
  const claimed = mine.filter((f) => adapter.matches(f));
  return claimed.length > 0 ? claimed : mine;
}

/** A writable copy of `file` beside copies of its siblings (some adapters read them). */
function copyOf(file: string, content: string): string {
  const dir = join(tmp('lore-wild-'), relative(REAL_FIXTURES, file), '..');
  mkdirSync(dir, { recursive: true });
  for (const sibling of readdirSync(join(file, '..'))) {
    const from = join(file, '..', sibling);
    if (statSync(from).isFile() && from !== file) copyFileSync(from, join(dir, sibling));
  }
  const path = join(dir, basename(file));
  writeFileSync(path, content);
  return path;
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
    expect(new Set(cases.map(([a]) => a.id))).toEqual(new Set(['claude-code', 'codex', 'copilot', 'cursor', 'gemini', 'continue', 'opencode']));
  });

  for (const [adapter, file] of cases) {
    const name = relative(REAL_FIXTURES, file);
    it(`${adapter.id}: ${name} is read past a poisoned record, which is skipped and counted`, async () => {
      const text = readFileSync(file, 'utf8');
      const clean = await readAll(adapter, copyOf(file, text));
      expect(clean.threw).toBeUndefined();
      if (file.endsWith('.jsonl')) {
        // A line poisoned in turn (up to 30 spread over the file) is skipped, counted, and the
        // read goes on: the messages are those of the file with that line blanked (ids keep their line numbers).
        const lines = text.split('\n');
        const picks = lines.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
        const step = Math.max(1, Math.ceil(picks.length / 30));
        for (const at of picks.filter((_, k) => k % step === 0)) {
          const bad = [...lines.slice(0, at), poisoned(JSON.parse(lines[at]!)), ...lines.slice(at + 1)].join('\n');
          const r = await readAll(adapter, copyOf(file, bad));
          expect(r.threw, `line ${at + 1}`).toBeUndefined();
          expect(r.skips.filter((s) => /nested deeper/.test(s)), `line ${at + 1}`).toHaveLength(1);
          expect(r.skips.some((s) => /call stack|cannot read/i.test(s)), `line ${at + 1}`).toBe(false);
          const without = await readAll(adapter, copyOf(file, [...lines.slice(0, at), '', ...lines.slice(at + 1)].join('\n')));
          expect(r.messages, `line ${at + 1}`).toEqual(without.messages);
        }
      } else {
        // A whole-document session: the deep values are left out and every message is still read.
        const r = await readAll(adapter, copyOf(file, poisoned(JSON.parse(text))));
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
  const said = new Promise<string>((done) => child.stdout.once('data', (d: Buffer) => done(d.toString())));
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
    for (const query of ['*', '🎉', '...', '🔥🔥', '"*"']) {
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
