import { existsSync, statSync } from 'node:fs';
import { countPendingHookEvents, getRepoState, integrityCheck, latestVersion, openDb, schemaVersion } from '../db/index.js';
import { LoreError } from '../errors.js';
import { existingCommits, gitRaw, headSha, hookStatus, type HookStatus, type RepoInfo } from '../git/index.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The command that fixes it, when not ok. */
  fix?: string;
}

export interface DoctorReport {
  schema: 'lore.doctor/1';
  database: string;
  project: string | null;
  healthy: boolean;
  checks: Check[];
}

/** Runs the health checks. Never creates or changes the database. */
export async function doctor(dbPath: string, repo: RepoInfo | undefined): Promise<DoctorReport> {
  const checks: Check[] = [];
  if (!existsSync(dbPath)) {
    checks.push({ name: 'database', ok: false, detail: `no database at ${dbPath} yet`, fix: 'lore init' });
  } else {
    try {
      const db = openDb(dbPath, { readonly: true });
      try {
        const integrity = integrityCheck(db);
        checks.push({ name: 'integrity', ok: integrity[0] === 'ok' && integrity.length === 1, detail: integrity.slice(0, 3).join('; ') });
        const version = schemaVersion(db);
        const latest = latestVersion();
        checks.push({
          name: 'schema',
          ok: version === latest,
          detail: `version ${version} of ${latest}`,
          ...(version < latest ? { fix: 'lore index (migrates on open)' } : {}),
        });
        checks.push({ name: 'size', ok: true, detail: `${(statSync(dbPath).size / 1e6).toFixed(1)} MB` });
        if (repo) {
          const state = getRepoState(db, repo.root);
          const head = await headSha(repo.root);
          let lag = 0;
          if (head) {
            const tips = await existingCommits(repo.root, state?.indexedTips ?? []);
            const r = await gitRaw(repo.root, ['rev-list', '--count', head, ...(tips.length ? ['--not', ...tips] : []), '--']);
            lag = Number(r.stdout.trim()) || 0;
          }
          checks.push({ name: 'index lag', ok: lag === 0, detail: lag === 0 ? 'HEAD is indexed' : `${lag} commit(s) of HEAD not indexed yet`, ...(lag ? { fix: 'lore index' } : {}) });
          const backlog = countPendingHookEvents(db, repo.root);
          checks.push({ name: 'hook queue', ok: backlog === 0, detail: `${backlog} event(s) waiting`, ...(backlog ? { fix: 'lore index' } : {}) });
        }
      } finally {
        db.close();
      }
    } catch (err) {
      checks.push({ name: 'database', ok: false, detail: err instanceof LoreError ? err.message : String(err), fix: 'move the file away and run `lore init` to start afresh' });
    }
  }
  if (repo) checks.push(hookCheck(await hookStatus(repo.root)));
  return { schema: 'lore.doctor/1', database: dbPath, project: repo?.root ?? null, healthy: checks.every((c) => c.ok), checks };
}

function hookCheck(statuses: HookStatus[]): Check {
  const missing = statuses.filter((s) => s.state !== 'installed' || s.stale);
  const chained = statuses.filter((s) => s.chained).map((s) => s.name);
  const detail =
    missing.length === 0
      ? `installed${chained.length ? `, chaining ${chained.join(', ')}` : ''}`
      : missing.map((s) => `${s.name} ${s.state === 'installed' ? 'stale' : s.state}`).join(', ');
  return { name: 'hooks', ok: missing.length === 0, detail, ...(missing.length ? { fix: 'lore hook install' } : {}) };
}
