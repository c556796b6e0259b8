/**
 * Parsers for the two patch shapes Codex leaves in its rollouts: the `apply_patch` envelope the model
 * writes (`*** Begin Patch` / `*** Update File: p` / `@@` hunks / `*** End Patch`), and the unified
 * diffs in `patch_apply_end.changes`. Each gives, per file, the text before and after (hunks joined).
 */
export interface PatchFile {
  path: string;
  change: 'add' | 'update' | 'delete';
  movePath?: string;
  oldText?: string;
  newText?: string;
}

const HEADER = /^\*\*\* (Add|Update|Delete) File: (.+)$/;

/** The `*** Begin Patch … *** End Patch` envelope inside some text (a heredoc, a JSON argument), if any. */
export function extractPatch(text: string): string | undefined {
  const start = text.indexOf('*** Begin Patch');
  if (start === -1) return undefined;
  const end = text.indexOf('*** End Patch', start);
  return end === -1 ? text.slice(start) : text.slice(start, end + '*** End Patch'.length);
}

export function parseApplyPatch(patch: string): PatchFile[] {
  const files: PatchFile[] = [];
  let cur: { file: PatchFile; old: string[]; neu: string[] } | undefined;
  const close = (): void => {
    if (!cur) return;
    const { file, old, neu } = cur;
    if (file.change === 'add') file.newText = neu.join('\n');
    else if (file.change === 'update') {
      file.oldText = old.join('\n');
      file.newText = neu.join('\n');
    }
    files.push(file);
    cur = undefined;
  };
  for (const raw of patch.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const header = HEADER.exec(line);
    if (header) {
      close();
      const change = header[1] === 'Add' ? 'add' : header[1] === 'Update' ? 'update' : 'delete';
      cur = { file: { path: header[2]!.trim(), change }, old: [], neu: [] };
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('*** Move to: ')) cur.file.movePath = line.slice('*** Move to: '.length).trim();
    else if (line.startsWith('*** End Patch')) close();
    else if (line.startsWith('*** ') || line.startsWith('@@')) continue; // '*** End of File', hunk headers
    else if (cur.file.change === 'add') {
      if (line.startsWith('+')) cur.neu.push(line.slice(1));
    } else if (line.startsWith('+')) cur.neu.push(line.slice(1));
    else if (line.startsWith('-')) cur.old.push(line.slice(1));
    else if (line.startsWith(' ')) {
      cur.old.push(line.slice(1));
      cur.neu.push(line.slice(1));
    }
  }
  close();
  return files;
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
