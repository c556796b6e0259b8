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
 * blobs it cannot read) and, when it stops, keeps what was complete and goes on after the commit
 * that stopped it. Every commit before the last one git began is complete; the last one either
 * failed or was complete and the next failed before writing anything, so it is run alone to
 * tell. A complete repository costs nothing more; an unreadable commit, two to four small git runs.
 */
export async function skipUnreadable<T>(shas: string[], run: (shas: string[]) => Promise<Pass<T>>): Promise<Skipped<T>> {
  const results = new Map<string, T>();
  const unreadable: string[] = [];
  const keep = (from: Map<string, T>, sha: string): void => {
    const value = from.get(sha);
    if (value !== undefined) results.set(sha, value);
  };
  let rest = shas;
  while (rest.length > 0) {
    const pass = await run(rest);
    if (!pass.stopped) {
      for (const sha of rest) keep(pass.results, sha);
      break;
    }
    const at = Math.max(0, pass.last === undefined ? 0 : rest.indexOf(pass.last));
    for (const sha of rest.slice(0, at)) keep(pass.results, sha);
    const suspect = rest[at]!;
    const alone = rest.length === 1 ? pass : await run([suspect]);
    if (alone.stopped) unreadable.push(suspect);
    else keep(alone.results, suspect);
    rest = rest.slice(at + 1);
  }
  return { results, unreadable };
}
