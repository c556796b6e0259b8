/**
 * Edit payloads that several tools share: the `*** Begin Patch` format of `apply_patch`
 * (Codex, Copilot and Copilot CLI, OpenCode, Cursor, Amp) and SEARCH/REPLACE blocks (Cline's `replace_in_file`).
 */

export interface PatchedFile {
  path: string;
  op: 'add' | 'update' | 'delete';
  movedTo?: string;
  /** Context and removed lines of the hunks. */
  oldText?: string;
  /** Context and added lines of the hunks (the whole file for an add). */
  newText?: string;
  /** The hunks of an update as written (`@@` and ` `/`-`/`+` lines), when they change a line. */
  patch?: string;
}

/** A file an edit tool call changes, with the text it replaces and writes when the call says. */
export interface EditTarget {
  path: string;
  oldText?: string;
  newText?: string;
  patch?: string;
}

/** The files an `*** Begin Patch` text changes, a moved file by where it went. */
export function patchTargets(patch: string): EditTarget[] {
  return parseApplyPatch(patch).map((f) => ({ path: f.movedTo ?? f.path, oldText: f.oldText, newText: f.newText, patch: f.patch }));
}

/** Files named by an `*** Begin Patch` text, with the old and new lines of their hunks. */
export function parseApplyPatch(patch: string): PatchedFile[] {
  const files: PatchedFile[] = [];
  let current: { file: PatchedFile; old: string[]; neu: string[]; hunks: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    if (current.old.length > 0) current.file.oldText = current.old.join('\n');
    if (current.neu.length > 0) current.file.newText = current.neu.join('\n');
    if (current.file.op === 'update' && current.hunks.some((l) => l[0] === '+' || l[0] === '-')) current.file.patch = current.hunks.join('\n');
    files.push(current.file);
    current = undefined;
  };
  for (const line of patch.split(/\r?\n/)) {
    const header = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(line);
    if (header) {
      flush();
      const op = header[1] === 'Add' ? 'add' : header[1] === 'Delete' ? 'delete' : 'update';
      current = { file: { path: header[2]!.trim(), op }, old: [], neu: [], hunks: [] };
      continue;
    }
    if (!current) continue;
    const move = /^\*\*\* Move to: (.+)$/.exec(line);
    if (move) {
      current.file.movedTo = move[1]!.trim();
      continue;
    }
    if (line.startsWith('@@')) current.hunks.push(line);
    if (line.startsWith('*** ') || line.startsWith('@@')) continue;
    if (line[0] === '+' || line[0] === '-' || line[0] === ' ') current.hunks.push(line);
    if (line.startsWith('+')) current.neu.push(line.slice(1));
    else if (line.startsWith('-')) current.old.push(line.slice(1));
    else if (line.startsWith(' ')) {
      current.old.push(line.slice(1));
      current.neu.push(line.slice(1));
    }
  }
  flush();
  return files;
}

/** SEARCH/REPLACE blocks (`------- SEARCH` / `=======` / `+++++++ REPLACE`, or the `<<<<<<<`/`>>>>>>>` markers). */
export function parseSearchReplace(diff: string): { oldText: string; newText: string } | undefined {
  const olds: string[] = [];
  const news: string[] = [];
  let mode: 'none' | 'search' | 'replace' = 'none';
  let cur: string[] = [];
  for (const line of diff.split(/\r?\n/)) {
    if (/^(-{3,}|<{3,}) ?SEARCH\s*$/.test(line)) {
      mode = 'search';
      cur = [];
    } else if (mode === 'search' && /^={3,}\s*$/.test(line)) {
      olds.push(cur.join('\n'));
      mode = 'replace';
      cur = [];
    } else if (mode === 'replace' && /^(\+{3,}|>{3,}) ?REPLACE\s*$/.test(line)) {
      news.push(cur.join('\n'));
      mode = 'none';
    } else if (mode !== 'none') cur.push(line);
  }
  if (olds.length === 0 || news.length !== olds.length) return undefined;
  return { oldText: olds.join('\n'), newText: news.join('\n') };
}
