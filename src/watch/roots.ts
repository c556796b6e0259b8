import { adapters, type SourceAdapter } from '../sources/index.js';

/**
 * A directory where an AI tool writes its transcripts, watched by `lore watch` whether or not it
 * exists yet: a root that appears later is picked up by a cheap existence poll.
 */
export interface TranscriptRoot {
  source: string;
  path: string;
  /** How many directory levels below the root the tool's files sit. */
  depth: number;
}

/**
 * Every adapter's own watch roots: the same list its locate() reads from, so what `lore init`
 * ingests is also what `lore watch` follows. A path two adapters share is watched once, as deep as
 * the deeper of them needs.
 */
export function transcriptRoots(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform = process.platform, sources: readonly SourceAdapter[] = adapters): TranscriptRoot[] {
  const roots: TranscriptRoot[] = [];
  const senv = { env, home, platform, knownRepos: [] };
  for (const adapter of sources) {
    for (const { path, depth } of adapter.watchRoots(senv)) {
      const known = roots.find((r) => r.path === path);
      if (!known) roots.push({ source: adapter.id, path, depth });
      else known.depth = Math.max(known.depth, depth);
    }
  }
  return roots;
}

/** Whether a changed file under a root is one some adapter wants read (its `watchedFiles`). */
export function isTranscriptFile(path: string, sources: readonly SourceAdapter[] = adapters): boolean {
  return sources.some((a) => a.watchedFiles.test(path));
}

/** The file an ingest should read for a changed path (a SQLite WAL stands for its database). */
export function ingestTarget(path: string): string {
  return path.replace(/-(wal|shm|journal)$/, '');
}
