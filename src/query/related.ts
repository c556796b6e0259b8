import {
  coChangedFiles,
  countRequestsEditing,
  fileHistory,
  hasImportGraph,
  importersOf,
  importsOf,
  importGraphStats,
  sameRequestFiles,
  walkImportGraph,
  type Db,
  type GraphNeighbor,
} from '../db/index.js';
import { isCodeFile } from '../code/index.js';
import type { RepoInfo } from '../git/index.js';
import { currentName, type GraphLookup, type RenameInfo } from './why.js';

/** The import graph as `lore why` reads it: direct neighbours' paths, null until the graph is built. */
export const importGraphLookup: GraphLookup = {
  importsOf: (db, project, path) => (hasImportGraph(db, project) ? importsOf(db, project, path).map((n) => n.path) : null),
  importersOf: (db, project, path) => (hasImportGraph(db, project) ? importersOf(db, project, path).map((n) => n.path) : null),
};

/** The `--json` shape of `lore related`. Documented in docs/json.md; bump `schema` on breaking change. */
export interface RelatedResult {
  schema: 'lore.related/1';
  project: string;
  /** The file's name now: for an old name (see `renamed`), the name it was renamed to. */
  file: string;
  /** Set when the path asked about is an old name of a file renamed since (as in `lore why`). */
  renamed: RenameInfo | null;
  /** Whether the file is TS/JS, i.e. has a place in the import graph. */
  isCode: boolean;
  depth: number;
  /** What the file imports: directly (depth 1) and, up to `depth`, what those import. */
  imports: GraphNeighbor[];
  /** What imports the file, the same way. */
  importers: GraphNeighbor[];
  changedTogether: {
    /** Commits that changed the file. */
    commits: number;
    /** Of those, commits of more than `maxCommitFiles` files: left out of the pairs below. */
    largeCommits: number;
    maxCommitFiles: number;
    files: { path: string; commits: number }[];
  };
  sameRequests: {
    /** Requests (human prompts) whose tool-call edits touched the file. */
    requests: number;
    files: { path: string; requests: number; requestIds: string[] }[];
  };
  graph: { files: number; edges: number; parsedAt: string | null };
}

export interface RelatedOptions {
  depth?: number;
  limit?: number;
  maxCommitFiles?: number;
}

/** Answers `lore related` from the database (the import graph and commits already brought up to date). */
export function related(db: Db, repo: RepoInfo, asked: string, options: RelatedOptions = {}): RelatedResult {
  // An old name answers for the file it became, as `lore why OLD_PATH` does.
  const renamed = currentName(db, repo.root, asked);
  const path = renamed?.to ?? asked;
  const depth = options.depth ?? 1;
  const limit = options.limit ?? 10;
  const maxCommitFiles = options.maxCommitFiles ?? 50;
  // The commits `lore why` lists for the file (across renames, within HEAD's history), so the two agree.
  const history = fileHistory(db, repo.root, path);
  const names = [...new Set([path, ...history.flatMap((h) => (h.file.oldPath ? [h.file.path, h.file.oldPath] : [h.file.path]))])];
  const coChange = coChangedFiles(db, repo.root, names, { limit, maxCommitFiles, commits: history.map((h) => h.sha) });
  return {
    schema: 'lore.related/1',
    project: repo.root,
    file: path,
    renamed,
    isCode: isCodeFile(path),
    depth,
    imports: walkImportGraph(db, repo.root, path, 'imports', depth),
    importers: walkImportGraph(db, repo.root, path, 'importers', depth),
    changedTogether: { commits: coChange.commits, largeCommits: coChange.largeCommits, maxCommitFiles, files: coChange.files },
    sameRequests: { requests: countRequestsEditing(db, repo.root, names), files: sameRequestFiles(db, repo.root, names, { limit }) },
    graph: importGraphStats(db, repo.root),
  };
}
