import { join } from 'node:path';
import { crypto, fsPromises } from '../builtins.js';
import { commitOfEdit, commitsWithTrailer, dropLearnings, getCommit, learningIdsWith, provenanceDetails, provenanceRows, provenanceShas, storeProvenance, upsertLearning, type Db, type ProvenanceRow } from '../db/index.js';
import { branchRefs, objectIds, readNotes, readObjects, treeFiles } from '../git/index.js';
import { redact } from '../ingest/index.js';
import {
  AGENT_TRACE_FILE, checkpointFolder, compactRanges, parseAgentTraces, ENTIRE_BRANCH, ENTIRE_TRAILER, parseCheckpointSession, parseCheckpointSummary, parseGitAiNote,
  type EntireSession,
} from '../share/index.js';

/**
 * Provenance other attribution tools leave in git, read into commit_provenance so `lore why`
 * explains a change even where lore saw no chat. Each reader is local (no remote is asked), reads
 * only what changed since it last ran, and skips a record it cannot read (counted, never fatal).
 */
export interface ProvenanceResult {
  /** Commits whose git-ai authorship log (refs/notes/ai) was read. */
  gitAi: number;
  /** Commits whose Entire checkpoint (trailer + entire/checkpoints/v1) was read. */
  entire: number;
  /** Commits with new Agent Trace records (.agent-trace/traces.jsonl) read. */
  agentTrace: number;
  /** Records that were there but could not be read (damaged JSON, another shape). */
  skipped: number;
}

export async function importProvenance(db: Db, root: string): Promise<ProvenanceResult> {
  const gitAi = await importGitAi(db, root);
  const entire = await importEntire(db, root);
  const agentTrace = await importAgentTrace(db, root);
  return { gitAi: gitAi.read, entire: entire.read, agentTrace: agentTrace.read, skipped: gitAi.skipped + entire.skipped + agentTrace.skipped };
}

/**
 * Reads git-ai's authorship logs (refs/notes/ai) of commits not read yet: which lines of each file
 * an AI session wrote, by git-ai's own record, for `lore why` to show beside lore's own links.
 */
export async function importGitAi(db: Db, root: string): Promise<{ read: number; skipped: number }> {
  const notes = await readNotes(root, 'refs/notes/ai');
  if (notes.size === 0) return { read: 0, skipped: 0 };
  const seen = provenanceShas(db, root, 'git-ai');
  const shas: string[] = [];
  const rows: ProvenanceRow[] = [];
  let skipped = 0;
  for (const [sha, text] of notes) {
    if (seen.has(sha)) continue;
    const files = parseGitAiNote(text);
    if (!files) {
      skipped++;
      continue;
    }
    shas.push(sha);
    for (const f of files) rows.push({ sha, path: f.path, source: 'git-ai', tool: f.tool, model: f.model, conversation: f.conversation, human: redactOrNull(f.human), lines: f.lines, ranges: f.ranges });
  }
  if (shas.length > 0) storeProvenance(db, root, 'git-ai', shas, rows);
  return { read: shas.length, skipped };
}

/**
 * Reads Entire's checkpoints of the commits whose message has an `Entire-Checkpoint` trailer, from
 * the local `entire/checkpoints/v1` branch or a remote's (a fresh clone has only
 * `origin/entire/checkpoints/v1`). A commit is read again when its checkpoint's tree changed (Entire
 * rewrites a checkpoint at the session's end and when it adds a summary).
 */
export async function importEntire(db: Db, root: string): Promise<{ read: number; skipped: number }> {
  const refs = await branchRefs(root, ENTIRE_BRANCH);
  if (refs.length === 0) return { read: 0, skipped: 0 };
  const commits = commitsWithTrailer(db, root, ENTIRE_TRAILER)
    .map((c) => ({ sha: c.sha, folders: [...new Set(c.values.map(checkpointFolder).filter((f): f is string => f !== null))] }))
    .filter((c) => c.folders.length > 0);
  if (commits.length === 0) return { read: 0, skipped: 0 };
  // Where each checkpoint is: the first ref (local branch, then origin's, then other remotes') that has it.
  const folders = [...new Set(commits.flatMap((c) => c.folders))];
  const ids = await objectIds(root, refs.flatMap((ref) => folders.map((f) => `${ref}:${f}`)));
  const found = new Map<string, { ref: string; tree: string }>();
  refs.forEach((ref, r) => folders.forEach((f, i) => {
    const tree = ids[r * folders.length + i];
    if (tree && !found.has(f)) found.set(f, { ref, tree });
  }));
  const before = provenanceDetails(db, root, 'entire');
  const todo = commits
    .map((c) => ({ ...c, folders: c.folders.filter((f) => found.has(f)) }))
    .filter((c) => c.folders.length > 0)
    .map((c) => ({ ...c, trees: c.folders.map((f) => found.get(f)!.tree).sort().join(',') }))
    .filter((c) => treesOf(before.get(c.sha)) !== c.trees);
  if (todo.length === 0) return { read: 0, skipped: 0 };

  const wanted = [...new Set(todo.flatMap((c) => c.folders))];
  const summaries = await readObjects(root, wanted.map((f) => `${found.get(f)!.ref}:${f}/metadata.json`));
  let skipped = 0;
  const sessionFiles: { folder: string; index: string }[] = [];
  wanted.forEach((f, i) => {
    const indexes = summaries[i] === null ? null : parseCheckpointSummary(summaries[i]!);
    if (indexes === null) {
      skipped++;
      return;
    }
    for (const index of indexes) sessionFiles.push({ folder: f, index });
  });
  const at = (s: { folder: string; index: string }, file: string): string => `${found.get(s.folder)!.ref}:${s.folder}/${s.index}/${file}`;
  const texts = await readObjects(root, sessionFiles.flatMap((s) => [at(s, 'metadata.json'), at(s, 'prompt.txt')]));
  const sessionsOf = new Map<string, ReturnType<typeof parseCheckpointSession>[]>();
  sessionFiles.forEach((s, i) => {
    const metadata = texts[2 * i];
    const session = metadata ? parseCheckpointSession(s.folder.replace('/', ''), metadata, texts[2 * i + 1] ?? null) : null;
    if (!session) {
      skipped++;
      return;
    }
    const list = sessionsOf.get(s.folder) ?? [];
    list.push(session);
    sessionsOf.set(s.folder, list);
  });

  const rows: ProvenanceRow[] = [];
  const shas: string[] = [];
  const read: { sha: string; sessions: EntireSession[] }[] = [];
  for (const c of todo) {
    const sessions = c.folders.flatMap((f) => sessionsOf.get(f) ?? []);
    if (sessions.length === 0) continue;
    shas.push(c.sha);
    read.push({ sha: c.sha, sessions: sessions.filter((s): s is EntireSession => s !== null) });
    const seen = new Set<string>();
    for (const s of sessions) {
      if (!s) continue;
      const prompt = s.prompt === null ? null : redact(s.prompt).text;
      const detail = JSON.stringify({ trees: c.trees, agentLines: s.agentLines, totalLines: s.totalLines, createdAt: s.createdAt });
      // A session that touched no file still marks the commit as read (path '': shown for no file).
      for (const path of s.files.length > 0 ? s.files : ['']) {
        const key = `${path}\0${s.agent}\0${s.session}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({ sha: c.sha, path, source: 'entire', tool: s.agent, model: null, conversation: s.session, human: null, lines: null, ranges: null, record: s.checkpoint, prompt, detail });
      }
    }
  }
  if (shas.length > 0) storeProvenance(db, root, 'entire', shas, rows);
  await storeEntireLearnings(db, root, read);
  return { read: shas.length, skipped };
}

/**
 * The learnings of the sessions read (Entire's `summary.learnings`), as lore learnings: a `code`
 * finding is attached to its file when the commit has that file, or exactly one file whose path
 * ends with it (a path of another repository, or a typo, attaches it to nothing), `repo` and
 * `workflow` ones to no file. A checkpoint read
 * again replaces its learnings: those its new summary no longer lists are dropped.
 */
async function storeEntireLearnings(db: Db, root: string, read: { sha: string; sessions: EntireSession[] }[]): Promise<void> {
  const items = read.flatMap(({ sha, sessions }) => sessions.flatMap((s) => s.learnings.map((l) => ({ sha, s, l }))));
  const named = items.filter((i) => i.l.path !== null && !i.l.path.startsWith('/') && !i.l.path.split('/').includes('..'));
  const ids = await objectIds(root, named.map((i) => `${i.sha}:${i.l.path}`));
  // `sha:path` → the file it names at that commit: the path itself, or the one file of the commit
  // whose path ends with it (summaries often name a path from the package's folder).
  const fileAt = new Map(named.filter((_, k) => ids[k] !== null).map((i) => [`${i.sha}:${i.l.path}`, i.l.path!]));
  const unresolved = named.filter((i) => !fileAt.has(`${i.sha}:${i.l.path}`));
  for (const sha of new Set(unresolved.map((i) => i.sha))) {
    const files = await treeFiles(root, sha);
    for (const i of unresolved.filter((u) => u.sha === sha)) {
      const hits = files.filter((f) => f.endsWith(`/${i.l.path}`));
      if (hits.length === 1) fileAt.set(`${sha}:${i.l.path}`, hits[0]!);
    }
  }
  const keep = new Set<string>();
  const committedAt = new Map(read.map(({ sha }) => [sha, getCommit(db, root, sha)?.committedAt]));
  db.transaction(() => {
    for (const { sha, s, l } of items) {
      const id = `entire:${crypto().createHash('sha1').update([root, s.checkpoint, s.session, l.category, l.path ?? '', l.text].join('\0')).digest('hex').slice(0, 16)}`;
      keep.add(id);
      const at = committedAt.get(sha);
      upsertLearning(db, {
        id,
        project: root,
        category: l.category,
        content: redact(l.text).text,
        files: l.path !== null && fileAt.has(`${sha}:${l.path}`) ? [fileAt.get(`${sha}:${l.path}`)!] : [],
        createdAt: s.createdAt ?? (at ? new Date(at * 1000).toISOString() : new Date().toISOString()),
        source: 'entire',
        metadata: { checkpoint: s.checkpoint, session: s.session, agent: s.agent, commit: sha, ...(l.path !== null ? { path: l.path } : {}), ...(l.line !== null ? { line: l.line } : {}), ...(l.endLine !== null ? { endLine: l.endLine } : {}) },
      });
    }
    const checkpoints = [...new Set(read.flatMap((r) => r.sessions.map((s) => s.checkpoint)))];
    dropLearnings(db, learningIdsWith(db, root, 'entire', 'checkpoint', checkpoints).filter((id) => !keep.has(id)));
  })();
}

/**
 * Reads the Agent Trace records of `.agent-trace/traces.jsonl` (where the spec's reference
 * implementation writes them) into commit_provenance. Each file's ranges go to the commit that
 * carried the edit (commitOfEdit): writers name either that commit or HEAD as it was at the edit.
 * The whole file is placed again on every run, since a commit made since can now carry an edit
 * recorded earlier; only commits whose rows changed are written.
 */
export async function importAgentTrace(db: Db, root: string): Promise<{ read: number; skipped: number }> {
  let text: string;
  try {
    text = await fsPromises().readFile(join(root, AGENT_TRACE_FILE), 'utf8');
  } catch {
    return { read: 0, skipped: 0 };
  }
  const { attributions, skipped } = parseAgentTraces(text, root);
  const placed: ProvenanceRow[] = [];
  for (const a of attributions) {
    const sha = commitOfEdit(db, root, a.path, a.revision, a.at);
    if (!sha) continue;
    placed.push({
      sha, path: a.path, source: 'agent-trace', tool: a.tool, model: a.model, conversation: a.conversation ? redact(a.conversation).text : null,
      human: null, lines: a.lines, ranges: a.ranges, record: a.record, detail: a.url ? JSON.stringify({ url: redact(a.url).text }) : null,
    });
  }
  const rows = mergeRows(placed);
  const before = groupBySha(provenanceRows(db, root, 'agent-trace'));
  const after = groupBySha(rows);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((sha) => before.get(sha) !== after.get(sha));
  if (changed.length > 0) storeProvenance(db, root, 'agent-trace', changed, rows.filter((r) => changed.includes(r.sha)));
  return { read: changed.filter((sha) => after.has(sha)).length, skipped };
}

/** Per commit, its rows as one comparable text. */
function groupBySha(rows: ProvenanceRow[]): Map<string, string> {
  const keys = new Map<string, string[]>();
  for (const r of rows) {
    const list = keys.get(r.sha) ?? [];
    list.push([r.path, r.tool, r.model ?? '', r.conversation ?? '', r.lines, r.ranges ?? '', r.record ?? ''].join('\0'));
    keys.set(r.sha, list);
  }
  return new Map([...keys].map(([sha, list]) => [sha, list.sort().join('\n')]));
}

/** Rows of one commit, file, tool and conversation from several records, as one: their lines' union (the newest record's id). */
function mergeRows(rows: ProvenanceRow[]): ProvenanceRow[] {
  const out = new Map<string, ProvenanceRow & { set: Set<number> }>();
  for (const r of rows) {
    const key = `${r.sha}\0${r.path}\0${r.tool}\0${r.conversation ?? ''}`;
    const lines = expand(r.ranges ?? '');
    const had = out.get(key);
    if (!had) out.set(key, { ...r, set: new Set(lines) });
    else {
      for (const n of lines) had.set.add(n);
      if (!had.model) had.model = r.model;
      had.record = r.record;
    }
  }
  return [...out.values()].map(({ set, ...r }) => ({ ...r, lines: set.size, ranges: compactRanges([...set]) }));
}

function expand(ranges: string): number[] {
  const out: number[] = [];
  for (const part of ranges.split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let n = a; n <= (b ?? a); n++) out.push(n);
  }
  return out;
}

function treesOf(detail: string | null | undefined): string | null {
  if (!detail) return null;
  try {
    const t = (JSON.parse(detail) as { trees?: unknown }).trees;
    return typeof t === 'string' ? t : null;
  } catch {
    return null;
  }
}

function redactOrNull(text: string | null): string | null {
  return text === null ? null : redact(text).text;
}
