import { git, MissingObjectError, NO_FETCH_ENV } from './run.js';

/** What one git run over a list of commits gave before it exited. */
export interface Pass<T> {
  results: Map<string, T>;
  /** The last of the commits whose output began, if any: the one git was at when it stopped. */
  last: string | undefined;
  /** Git stopped early on an object it could not read (isMissingObject). */
  stopped: boolean;
}

export interface Skipped<T> {
  results: Map<string, T>;
  /** Commits git could not diff: an object of theirs is missing or unreadable. */
  unreadable: string[];
}

/**
 * Runs `run` over `shas` (git processes them in this order and stops at the first commit whose
 * blobs it cannot read) and, when it stops, keeps what was complete and goes on without the
 * commits that cannot be read. `screen`, asked once git has stopped, names those commits up front
 * (commitsMissingObjects: a partial clone lacks the blobs of almost every commit). Whatever it
 * misses is found where git stops: every commit before the last one git began is complete; the
 * last either failed, or was complete and the next failed before writing anything, so it is run
 * alone to tell. A complete repository costs nothing more.
 */
export async function skipUnreadable<T>(shas: string[], run: (shas: string[]) => Promise<Pass<T>>, screen?: () => Promise<Set<string>>): Promise<Skipped<T>> {
  const results = new Map<string, T>();
  const bad = new Set<string>();
  const keep = (from: Map<string, T>, sha: string): void => {
    const value = from.get(sha);
    if (value !== undefined) results.set(sha, value);
  };
  let rest = shas;
  let screened = screen === undefined;
  while (rest.length > 0) {
    const pass = await run(rest);
    if (!pass.stopped) {
      for (const sha of rest) keep(pass.results, sha);
      break;
    }
    const at = Math.max(0, pass.last === undefined ? 0 : rest.indexOf(pass.last));
    for (const sha of rest.slice(0, at)) keep(pass.results, sha);
    if (!screened) {
      screened = true;
      const skip = await screen!();
      const unsure = rest.slice(at);
      const left = unsure.filter((sha) => !skip.has(sha));
      if (left.length < unsure.length) {
        for (const sha of unsure) if (skip.has(sha)) bad.add(sha);
        rest = left;
        continue;
      }
    }
    const suspect = rest[at]!;
    const alone = rest.length === 1 ? pass : await run([suspect]);
    if (alone.stopped) bad.add(suspect);
    else keep(alone.results, suspect);
    rest = rest.slice(at + 1);
  }
  return { results, unreadable: shas.filter((sha) => bad.has(sha)) };
}

const RS = '\x1e';
const ZERO = /^0+$/;

/**
 * Of `shas` (non-merge commits), those whose diff needs a blob the repository lacks: two git runs
 * that read trees only. Every blob a diff with line counts or a patch reads, renames included,
 * is one its `--raw --no-renames` entries name; `rev-list --missing=print` names the objects of
 * the commits' and their parents' trees that are absent, without fetching them. Empty when the
 * trees themselves cannot be read: skipUnreadable then finds the commits one by one.
 */
export async function commitsMissingObjects(root: string, shas: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (shas.length === 0) return found;
  try {
    const raw = await git(root, ['log', '--no-walk=unsorted', '--stdin', '-z', '--raw', '--no-renames', '--no-abbrev', '--no-color', '--no-ext-diff', `--format=${RS}%H %P%x00`], shas.join('\n') + '\n', NO_FETCH_ENV);
    const blobs = new Map<string, string[]>();
    const commits = new Set<string>();
    for (const rec of raw.split(RS)) {
      const tokens = rec.split('\0');
      const [sha, ...parents] = (tokens[0] ?? '').split(' ');
      if (!sha) continue;
      commits.add(sha);
      for (const p of parents) if (p) commits.add(p);
      const own: string[] = [];
      for (const token of tokens) {
        // :<old mode> <new mode> <old sha> <new sha> <status>; a submodule (160000) names a commit elsewhere.
        const m = /^\n*:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) /.exec(token);
        if (!m) continue;
        if (m[1] !== '160000' && !ZERO.test(m[3]!)) own.push(m[3]!);
        if (m[2] !== '160000' && !ZERO.test(m[4]!)) own.push(m[4]!);
      }
      blobs.set(sha, own);
    }
    const listed = await git(root, ['rev-list', '--objects', '--missing=print', '--no-walk=unsorted', '--stdin'], [...commits].join('\n') + '\n', NO_FETCH_ENV);
    const missing = new Set(listed.split('\n').filter((l) => l.startsWith('?')).map((l) => l.slice(1)));
    if (missing.size === 0) return found;
    for (const [sha, own] of blobs) if (own.some((b) => missing.has(b))) found.add(sha);
  } catch (err) {
    if (!(err instanceof MissingObjectError)) throw err;
  }
  return found;
}
