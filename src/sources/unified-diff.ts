/**
 * Patch text in Codex rollouts beside the `apply_patch` envelope itself (parsed by patch-text.ts):
 * finding that envelope inside a heredoc or JSON argument, and the unified diffs of
 * `patch_apply_end.changes`.
 */
/** The `*** Begin Patch … *** End Patch` envelope inside some text (a heredoc, a JSON argument), if any. */
export function extractPatch(text: string): string | undefined {
  const start = text.indexOf('*** Begin Patch');
  if (start === -1) return undefined;
  const end = text.indexOf('*** End Patch', start);
  return end === -1 ? text.slice(start) : text.slice(start, end + '*** End Patch'.length);
}

/** A unified diff's hunks (from its first `@@` line), when one changes a line. */
export function diffHunks(diff: string): string | undefined {
  const start = diff.startsWith('@@') ? 0 : diff.indexOf('\n@@') + 1;
  if (start === 0 && !diff.startsWith('@@')) return undefined;
  const hunks = diff.slice(start).replace(/\r?\n$/, '');
  return /^[-+]/m.test(hunks) ? hunks : undefined;
}

/** Old and new text of a unified diff's hunks (context lines in both). */
export function parseUnifiedDiff(diff: string): { oldText: string; newText: string } {
  const old: string[] = [];
  const neu: string[] = [];
  let inHunk = false;
  for (const raw of diff.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('@@')) {
      inHunk = true;
      continue;
    }
    if (!inHunk || line.startsWith('\\')) continue;
    if (line.startsWith('+')) neu.push(line.slice(1));
    else if (line.startsWith('-')) old.push(line.slice(1));
    else if (line.startsWith(' ') || line === '') {
      old.push(line.slice(1));
      neu.push(line.slice(1));
    }
  }
  // A diff ends with a newline: the empty string after it is not a context line.
  if (old.length && neu.length && old[old.length - 1] === '' && neu[neu.length - 1] === '' && diff.endsWith('\n')) {
    old.pop();
    neu.pop();
  }
  return { oldText: old.join('\n'), newText: neu.join('\n') };
}
