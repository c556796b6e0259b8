import type { Db } from '../../src/db/index.js';
import { findRepo } from '../../src/git/index.js';
import { updateImportGraph, type ImportGraphResult } from '../../src/app/index.js';
import { gitRepo, type Tree } from '../helpers/git-repo.js';
import { tempDb } from '../helpers/temp-db.js';

/** The project's code_code edges as `source -> target (label)` lines, sorted. */
export function edgeLines(db: Db, project: string): string[] {
  const rows = db
    .prepare("SELECT source_path, target_path, label FROM relationships WHERE project_path = ? AND type = 'code_code'")
    .all(project) as { source_path: string; target_path: string; label: string }[];
  return rows.map((r) => `${r.source_path} -> ${r.target_path} (${r.label})`).sort();
}

/** Commits `files` into a fresh repo, builds its import graph, returns the edges. */
export async function graphOf(files: Tree): Promise<{ edges: string[]; result: ImportGraphResult; db: Db; root: string }> {
  const root = gitRepo(files);
  const { db } = tempDb();
  const result = await updateImportGraph(db, await findRepo(root));
  return { edges: edgeLines(db, root), result, db, root };
}
