// Builds the retrieval-quality database from the real fixtures (test/fixtures/real): every
// source lore reads, Claude Code files laid out as ~/.claude/projects/<slug>/<session id>.jsonl
// (the adapter recognises its files by that layout). Vectors with the default embedder.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { REAL_FIXTURES } from '../../test/fixtures/paths.mjs';

export const FIXTURES = REAL_FIXTURES;

function walk(d, acc = []) {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p, acc);
    else acc.push(p);
  }
  return acc;
}

export async function buildRetrievalDb(core, path = resolve('.bench-tmp/retrieval.db')) {
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  mkdirSync(resolve('.bench-tmp'), { recursive: true });
  const db = core.openDb(path);
  const home = mkdtempSync(join(tmpdir(), 'lore-bench-home-'));
  const projects = join(home, '.claude', 'projects', '-fixtures');
  mkdirSync(projects, { recursive: true });
  for (const f of walk(join(FIXTURES, 'claude-code')).filter((f) => f.endsWith('.jsonl'))) {
    const m = /"sessionId":"([0-9a-f-]{36})"/.exec(readFileSync(f, 'utf8'));
    if (!m) continue;
    const name = basename(f).startsWith('agent-') ? basename(f) : `${m[1]}.jsonl`;
    const to = join(projects, name);
    if (!existsSync(to)) copyFileSync(f, to);
  }
  const others = readdirSync(FIXTURES).filter((d) => d !== 'claude-code' && statSync(join(FIXTURES, d)).isDirectory()).map((d) => join(FIXTURES, d));
  const env = { HOME: home };
  await core.ingest(db, { paths: [join(home, '.claude', 'projects'), ...others], config: { excludeProjects: [] }, env, home });
  await core.embedPending(db, core.hashEmbedder());
  return db;
}
