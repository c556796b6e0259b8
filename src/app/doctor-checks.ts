import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  clearDamage,
  countPendingHookEvents,
  countsUnreadable,
  damageFound,
  getRepoState,
  integrityCheck,
  latestVersion,
  listRepos,
  sourceFileCursor,
  sourceStamps,
  migrationBackups,
  openDb,
  queueOffset,
  schemaVersion,
  searchIndexCheck,
  spaceUse,
  type Db,
  type SpaceUse,
} from '../db/index.js';
import { homeOf } from '../config/index.js';
import { LoreError } from '../errors.js';
import { existingCommits, gitRaw, headSha, hookManager, hookStatus, isExecutable, readQueue, type HookStatus, type RepoInfo } from '../git/index.js';
import { redact } from '../ingest/index.js';
import { adapters as registered, type SourceAdapter, type SourceEnv } from '../sources/index.js';

/** What `lore doctor --fix` can do on its own (the safe repairs). */
export type FixAction = 'migrate' | 'install-hooks' | 'catch-up' | 'ingest' | 'rebuild-search' | 'permissions';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Ok, but worth the user's attention (shown as a warning; the exit code stays 0). */
  warning?: boolean;
  /** The command that fixes it, when not ok (or a warning). */
  fix?: string;
  /** The repair `lore doctor --fix` runs for it, when it is a safe one. */
  action?: FixAction;
}

export interface SourceLag {
  source: string;
  files: number;
  /** Files found that lore has never read. */
  unread: number;
  /** Files read before that have changed since. */
  changed: number;
  /** Bytes appended since the last read (files with a byte cursor). */
  bytesBehind: number;
}

export interface DoctorReport {
  schema: 'lore.doctor/1';
  database: string;
  project: string | null;
  healthy: boolean;
  checks: Check[];
  /** Per table (with its indexes), largest first. */
  space?: SpaceUse[];
  sources?: SourceLag[];
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  adapters?: SourceAdapter[];
  /** The platform whose permission model applies (tests pass 'win32'). */
  platform?: NodeJS.Platform;
}

/** Runs the health checks. Never creates or changes the database. */
export async function checkHealth(dbPath: string, repo: RepoInfo | undefined, options: DoctorOptions = {}): Promise<DoctorReport> {
  const checks: Check[] = [];
  const report: DoctorReport = { schema: 'lore.doctor/1', database: dbPath, project: repo?.root ?? null, healthy: false, checks };
  if (!existsSync(dbPath)) {
    checks.push({ name: 'database', ok: false, detail: `no database at ${dbPath} yet`, fix: 'lore init' });
  } else {
    try {
      const db = openDb(dbPath, { readonly: true, allowDamaged: true });
      try {
        const integrity = checkIntegrity(db);
        const sound = integrity[0] === 'ok' && integrity.length === 1;
        const marked = damageFound(dbPath);
        // The whole file checked: a command that stopped on a damaged page stops no other now.
        if (sound && marked !== undefined) clearDamage(dbPath);
        checks.push({
          name: 'integrity',
          ok: sound,
          detail: `${integrity.slice(0, 3).join('; ')}${!sound && marked ? ` (a command stopped on: ${marked}; lore refuses to use the file until it is sound)` : ''}`,
          fix: `copy the file aside, then \`sqlite3 ${dbPath} .recover\` into a new one, or start afresh with \`lore init\``,
        });
        const search = searchIndexCheck(db);
        if (search !== undefined) {
          checks.push({ name: 'search index', ok: search === 'ok', detail: search === 'ok' ? 'full-text index matches its content' : search, fix: 'lore doctor --fix (rebuilds it)', action: 'rebuild-search' });
        }
        const version = schemaVersion(db);
        const latest = latestVersion();
        checks.push({
          name: 'schema',
          ok: version === latest,
          detail: version > latest ? `version ${version}, newer than this lore (${latest}): upgrade lore` : `version ${version} of ${latest}`,
          ...(version < latest ? { fix: 'lore index (migrates on open)', action: 'migrate' as const } : {}),
        });
        report.space = spaceUse(db);
        checks.push(spaceCheck(dbPath, report.space));
        const backups = backupsCheck(dbPath);
        if (backups) checks.push(backups);
        if (repo) await repoChecks(db, repo, checks);
        report.sources = await sourceLag(db, options);
        checks.push(sourcesCheck(report.sources));
      } finally {
        db.close();
      }
    } catch (err) {
      checks.push({ name: 'database', ok: false, detail: err instanceof LoreError ? err.message : String(err), fix: 'move the file away and run `lore init` to start afresh' });
    }
    const permissions = permissionsCheck(dbPath, options.platform ?? process.platform);
    if (permissions) checks.push(permissions);
  }
  if (repo) checks.push(hookCheck(await hookStatus(repo.root), await hookManager(repo.root)));
  const startUp = startUpCheck(options.env ?? process.env, process.versions.node);
  if (startUp) checks.push(startUp);
  report.healthy = checks.every((c) => c.ok);
  return report;
}

/**
 * Node before 22 reads the certificate bundle NODE_EXTRA_CA_CERTS names at every start, before any
 * of lore's code runs, which a quick command such as `lore why` feels (docs/performance.md). lore
 * needs it only for an embedding endpoint behind the user's own certificate authority. Said only
 * where it applies.
 */
export function startUpCheck(env: NodeJS.ProcessEnv, nodeVersion: string): Check | undefined {
  const bundle = env.NODE_EXTRA_CA_CERTS;
  if (!bundle || Number(nodeVersion.split('.')[0]) >= 22) return undefined;
  return {
    name: 'start-up',
    ok: true,
    warning: true,
    detail: `Node ${nodeVersion} reads NODE_EXTRA_CA_CERTS (${bundle}) at every start, which slows each lore command by tens of milliseconds; lore uses it only for an embedding endpoint you configured`,
    fix: 'if no embedding endpoint needs it: env -u NODE_EXTRA_CA_CERTS lore …, or Node 22 (which reads it only when needed)',
  };
}

async function repoChecks(db: Db, repo: RepoInfo, checks: Check[]): Promise<void> {
  const state = getRepoState(db, repo.root);
  const head = await headSha(repo.root);
  let lag = 0;
  if (head) {
    const tips = await existingCommits(repo.root, state?.indexedTips ?? []);
    const r = await gitRaw(repo.root, ['rev-list', '--count', head, ...(tips.length ? ['--not', ...tips] : []), '--']);
    lag = Number(r.stdout.trim()) || 0;
  }
  checks.push({ name: 'index lag', ok: lag === 0, detail: lag === 0 ? 'HEAD is indexed' : `${lag} commit(s) of HEAD not indexed yet`, ...(lag ? { fix: 'lore index', action: 'catch-up' as const } : {}) });

  // The backlog: events in the database not processed yet, and lines the hooks appended to the
  // queue file that no worker has taken in (a worker that failed or never started).
  const pending = countPendingHookEvents(db, repo.root);
  const unread = readQueue(repo.gitDir, queueOffset(db, repo.root)).events.length;
  const backlog = pending + unread;
  checks.push({
    name: 'hook queue',
    ok: backlog === 0,
    detail: backlog === 0 ? 'empty' : `${backlog} event(s) waiting (${unread} not taken from ${join(repo.gitDir, 'lore', 'queue')} yet)`,
    ...(backlog ? { fix: 'lore index', action: 'catch-up' as const } : {}),
  });

  // Told once by the run that met them (the background worker's run tells nobody): lore never
  // fetches objects, so these commits stay without line counts.
  const uncounted = countsUnreadable(db, repo.root);
  if (uncounted > 0) {
    checks.push({
      name: 'line counts',
      ok: true,
      warning: true,
      detail: `${uncounted} commit(s) indexed without line counts: git could not read their objects (a partial or incomplete clone); lore never fetches them`,
      fix: 'once the objects are fetched, `lore index --wait` counts them',
    });
  }

  // The detached worker reports failures only in its log: show the last one if it is newer
  // than the last successful index.
  const log = join(repo.gitDir, 'lore', 'worker.log');
  if (existsSync(log)) {
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const lastEntry = [...lines].reverse().find((l) => /^\d{4}-\d\d-\d\dT/.test(l)) ?? lines.at(-1) ?? '';
    const at = Date.parse(lastEntry.slice(0, 24));
    const indexedAt = state?.indexedAt ? Date.parse(state.indexedAt) : 0;
    const recent = Number.isNaN(at) || at > indexedAt;
    checks.push({
      name: 'worker',
      ok: !recent,
      detail: recent ? `the background worker failed: ${redact(lastEntry).text.slice(0, 200)}` : `old failures only in ${log}`,
      fix: `lore index (the queue keeps the events), then remove ${log}`,
    });
  }
}

/** The files that hold the database's data: itself, its WAL and shared memory, the copies migrations made. */
export function databaseFiles(dbPath: string): string[] {
  const dir = dirname(dbPath);
  const name = basename(dbPath);
  try {
    return readdirSync(dir)
      .filter((f) => f === name || (f.startsWith(`${name}-`) && /-(wal|shm|journal)$/.test(f)) || (f.startsWith(`${name}.before-`) && f.endsWith('.bak')))
      .map((f) => join(dir, f));
  } catch {
    return [dbPath];
  }
}

/**
 * Whether others can read or change what lore stores. What matters is the data files: a folder
 * that others may list (755, as a user who made LORE_HOME themselves gets from their umask) shows
 * them file names only, which is worth a warning, not a failure. POSIX modes say nothing on
 * Windows, where the ACLs of the user's profile folder decide: no check there.
 */
function permissionsCheck(dbPath: string, platform: NodeJS.Platform): Check | undefined {
  if (platform === 'win32') return undefined;
  const dir = dirname(dbPath);
  const loose: string[] = [];
  for (const path of databaseFiles(dbPath)) {
    const mode = modeOf(path);
    if (mode !== undefined && (mode & 0o077) !== 0) loose.push(`${path} is ${mode.toString(8)} (want 600)`);
  }
  const dirMode = modeOf(dir);
  if (dirMode !== undefined && (dirMode & 0o022) !== 0) loose.push(`${dir} is ${dirMode.toString(8)}: others can replace or delete the database (want 700)`);
  const fix = `chmod 600 ${dbPath}* && chmod 700 ${dir}`;
  if (loose.length > 0) return { name: 'permissions', ok: false, detail: `others can read or change your chats: ${loose.join('; ')}`, fix, action: 'permissions' };
  if (dirMode !== undefined && (dirMode & 0o077) !== 0) {
    return { name: 'permissions', ok: true, warning: true, detail: `the database files are private, but others can list ${dir} (${dirMode.toString(8)}): they see file names only`, fix: `chmod 700 ${dir}` };
  }
  return { name: 'permissions', ok: true, detail: 'database private to you' };
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined; // missing: reported by the database check
  }
}

/** SQLite's integrity check; on a file damaged enough, running the check fails too: that is its answer. */
function checkIntegrity(db: Db): string[] {
  try {
    return integrityCheck(db);
  } catch (err) {
    return [`the check itself failed: ${(err as Error).message}`];
  }
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} KB`;
}

function spaceCheck(dbPath: string, space: SpaceUse[]): Check {
  const size = statSync(dbPath).size;
  const wal = existsSync(`${dbPath}-wal`) ? statSync(`${dbPath}-wal`).size : 0;
  const top = space
    .filter((s) => (s.bytes ?? s.rows ?? 0) > 0)
    .slice(0, 4)
    .map((s) => (s.bytes !== null ? `${s.name} ${mb(s.bytes)}` : `${s.name} ${s.rows} rows`));
  return { name: 'size', ok: true, detail: `${mb(size)}${wal ? ` (+${mb(wal)} WAL)` : ''}${top.length ? `; largest: ${top.join(', ')}` : ''}` };
}

/**
 * The copies migrate() takes before a migration that rewrites a table (`lore.db.before-*.bak`):
 * nothing else ever removes them, and each is as large as the database was, so say they are there.
 */
function backupsCheck(dbPath: string): Check | undefined {
  const paths = migrationBackups(dbPath);
  if (paths.length === 0) return undefined;
  const bytes = paths.reduce((sum, p) => sum + statSync(p).size, 0);
  return {
    name: 'backups',
    ok: true,
    detail: `${paths.length === 1 ? 'a copy' : `${paths.length} copies`} of the database taken before a migration (${mb(bytes)}), safe to delete once lore works for you: ${paths.join(' ')}`,
  };
}

/** Per source: files found on disk against the cursors stored for them. */
async function sourceLag(db: Db, options: DoctorOptions): Promise<SourceLag[]> {
  const env = options.env ?? process.env;
  const sourceEnv: SourceEnv = { env, home: options.home ?? homeOf(env), platform: process.platform, knownRepos: listRepos(db).map((r) => r.projectPath) };
  const stamps = sourceStamps(db);
  const out: SourceLag[] = [];
  for (const adapter of options.adapters ?? registered) {
    let files: string[] = [];
    try {
      files = await adapter.locate(sourceEnv);
    } catch {
      files = [];
    }
    const lag: SourceLag = { source: adapter.id, files: files.length, unread: 0, changed: 0, bytesBehind: 0 };
    for (const file of files) {
      const stamp = stamps.get(file);
      let size: number;
      let mtimeMs: number;
      try {
        const st = statSync(file);
        size = st.size;
        mtimeMs = Math.floor(st.mtimeMs);
      } catch {
        continue;
      }
      if (!stamp) {
        lag.unread++;
        lag.bytesBehind += size;
      } else if (stamp.size !== size || Math.floor(stamp.mtimeMs) !== mtimeMs) {
        lag.changed++;
        const offset = sourceFileCursor(db, file)?.offset ?? 0;
        if (size > offset) lag.bytesBehind += size - offset;
      }
    }
    out.push(lag);
  }
  return out;
}

function sourcesCheck(lags: SourceLag[]): Check {
  const found = lags.filter((l) => l.files > 0);
  const behind = found.filter((l) => l.unread + l.changed > 0);
  if (found.length === 0) return { name: 'sources', ok: true, detail: `no AI tool transcripts found (looked for ${lags.map((l) => l.source).join(', ')})` };
  const describe = (l: SourceLag) =>
    `${l.source} ${l.files} file${l.files === 1 ? '' : 's'}${l.unread + l.changed ? ` (${[l.unread ? `${l.unread} not read` : '', l.changed ? `${l.changed} changed` : ''].filter(Boolean).join(', ')}, ${mb(l.bytesBehind)} behind)` : ''}`;
  // Transcripts not read yet are a warning, not a fault: a query reads only its repository's Claude
  // Code folders, so the others wait for the hook worker, `lore ingest` or `lore watch`.
  return {
    name: 'sources',
    ok: true,
    detail: found.map(describe).join('; '),
    ...(behind.length ? { warning: true, fix: 'lore ingest (or keep `lore watch` running)', action: 'ingest' as const } : {}),
  };
}

function hookCheck(statuses: HookStatus[], manager?: { note: string }): Check {
  // One phrase per kind of problem (singular, plural), naming the hooks it concerns.
  const byProblem = new Map<string, { plural: string; names: string[] }>();
  for (const s of statuses) {
    let problem: [string, string] | undefined;
    if (s.state === 'foreign') problem = ["is another tool's hook and lore's is not installed beside it", "are another tool's hooks and lore's are not installed beside them"];
    else if (s.state === 'missing') problem = ['missing', 'missing'];
    else if (s.stale) problem = ['needs reinstalling (it points at another lore, or sits in a folder your team shares)', 'need reinstalling (they point at another lore, or sit in a folder your team shares)'];
    else if (s.state === 'installed' && !isExecutable(s.path)) problem = ['is not executable, git skips it', 'are not executable, git skips them'];
    if (!problem) continue;
    const entry = byProblem.get(problem[0]) ?? { plural: problem[1], names: [] };
    entry.names.push(s.name);
    byProblem.set(problem[0], entry);
  }
  const problems = [...byProblem].map(([singular, { plural, names }]) => `${names.join(', ')} ${names.length > 1 ? plural : singular}`);
  const installed = statuses.filter((s) => s.state === 'installed');
  if (installed.length > 0 && !installed[0]!.enabled) problems.push("lore's hooks are there but do not record this repository");
  // A chained hook that is not executable is skipped by our shim: the user's hook silently stops.
  const chainedBroken = statuses.filter((s) => s.chained && !isExecutable(`${s.path}.lore-chained`));
  const chained = statuses.filter((s) => s.chained).map((s) => s.name);
  // The team's hook files are never changed by lore: what it can do is say which line runs its hook.
  const manual = statuses.filter((s) => s.state === 'manual');
  const manualNote = manual.length
    ? `${manual.map((s) => s.name).join(', ')} not installed: ${dirname(manual[0]!.path)} holds your team's hook files, which lore does not change; commits are found at the next lore command or by \`lore watch\`. To record them at commit time, add to ${manual.map((s) => `${s.path}: ${s.line}`).join('; to ')}`
    : '';
  if (problems.length === 0 && chainedBroken.length === 0) {
    const parts = [installed.length ? `installed${chained.length ? `, chaining ${chained.join(', ')} (run first, unchanged)` : ''}` : '', manualNote].filter(Boolean);
    return { name: 'hooks', ok: true, detail: parts.join('; ') };
  }
  if (problems.length === 0) {
    const paths = chainedBroken.map((s) => `${s.path}.lore-chained`);
    return { name: 'hooks', ok: false, detail: `your previous ${chainedBroken.map((s) => s.name).join(', ')} hook is not executable, so it no longer runs`, fix: `chmod +x ${paths.join(' ')}` };
  }
  // A shim gone where a tool writes the hooks: say what the tool does, so it is no surprise next time.
  const gone = statuses.some((s) => s.state === 'foreign' || s.state === 'missing');
  return { name: 'hooks', ok: false, detail: `${problems.join('; ')}${gone && manager ? ` (${manager.note})` : ''}`, fix: 'lore hook install', action: 'install-hooks' };
}
