import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { parseYaml } from '../yaml.js';
import { clip, contentWords, sentences } from './text.js';

export interface ExtractedLearning {
  category: 'correction' | 'root-cause';
  text: string;
}

// A user correcting the assistant: "no, don't ...", "always ...", "never ...".
const RULE_START = /^(?:(?:no|nope|wait|actually|stop)[,.!:]?\s+)?(?:please\s+)?(?:don't|do not|never|always|avoid|stop|make sure|you must|you should(?: never| always)?|we (?:always|never|don't))\b/i;

/** Learnings a human prompt states: corrections and standing rules. */
export function correctionsIn(prompt: string): ExtractedLearning[] {
  const out: ExtractedLearning[] = [];
  for (const s of sentences(prompt)) {
    if (s.length < 15 || s.length > 300 || s.endsWith('?')) continue;
    if (!RULE_START.test(s)) continue;
    const text = s.replace(/^(?:no|nope|wait|actually)[,.!:]?\s+/i, '');
    // "Don't do that", "always check it": a rule that does not say what it is about.
    if (contentWords(text.replace(RULE_START, '')).length < 2) continue;
    out.push({ category: 'correction', text: clip(text.charAt(0).toUpperCase() + text.slice(1), 240) });
  }
  return out;
}

const ROOT_CAUSE = /\b(?:the )?root cause (?:was|is|here is|turned out to be)\b|\broot cause:|\bthe (?:bug|issue|problem|failure|crash) (?:was|is) (?:caused by|due to|that|because)\b|\bthis (?:happened|failed|broke) because\b|\bit (?:failed|broke|crashed) because\b/i;

/** A stated root cause in an assistant reply ("The root cause was ..."). */
export function rootCausesIn(text: string): ExtractedLearning[] {
  return sentences(text)
    .filter((s) => s.length >= 25 && s.length <= 400 && ROOT_CAUSE.test(s))
    .map((s) => ({ category: 'root-cause' as const, text: clip(s, 240) }));
}

export interface SolutionDoc {
  title: string;
  category: string;
  content: string;
  date?: string;
  /** Paths from the frontmatter (files, related_files, affected_files, file, files_changed). */
  files: string[];
  /** What the learning is about when that is an area, not a file: the frontmatter's `module`. */
  topic?: string;
  body: string;
  frontmatter: Record<string, unknown>;
}

/**
 * Parses a compound-engineering learning (`<docs_root>/solutions/<category>/<slug>.md`): YAML
 * frontmatter, a title, and a short content line from the root cause or first paragraph.
 * Returns undefined for a file without frontmatter.
 */
export function parseSolutionDoc(text: string, relPath: string): SolutionDoc | undefined {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  let fm: Record<string, unknown>;
  try {
    const parsed = parseYaml(m[1]!, { prettyErrors: false });
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    fm = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const body = m[2] ?? '';
  const heading = /^#\s+(.+)$/m.exec(body)?.[1]?.trim();
  const title = str(fm.title) ?? heading ?? relPath.replace(/^.*\//, '').replace(/\.md$/, '');
  const dir = relPath.split('/').slice(-2, -1)[0];
  const category = str(fm.problem_type) ?? str(fm.category) ?? (dir && dir !== 'solutions' ? dir : undefined) ?? 'solution';
  // CE's `root_cause` is an enum token (logic_error, config_error): the prose says more. Its
  // template puts the root cause under "Why This Works" when there is no "Root Cause" section.
  const rootCause = str(fm.root_cause);
  const summary =
    sectionText(body, /root cause/i) ??
    str(fm.root_cause_detail) ??
    sectionText(body, /why this works/i) ??
    (rootCause && !/^[a-z0-9_]+$/.test(rootCause) ? rootCause : undefined) ??
    str(fm.summary) ??
    str(fm.description) ??
    firstParagraph(body) ??
    rootCause;
  const content = clip(summary ? `${title}: ${summary}` : title, 600);
  // `module` and `component` name an area ("compound-engineering", "SKILL.md", "tooling"), even
  // when they look like a file name: only the keys that list files give files.
  const files = new Set<string>();
  for (const key of ['files', 'related_files', 'affected_files', 'file', 'files_changed']) {
    for (const v of [fm[key]].flat()) if (typeof v === 'string' && /[\w-]\.[A-Za-z0-9]{1,6}$/.test(v.trim())) files.add(v.trim().replace(/^\.\//, ''));
  }
  const topic = str(fm.module);
  const date = fm.date_solved ?? fm.date ?? fm.created ?? fm.created_at;
  return { title, category: category.replace(/_/g, '-'), content, files: [...files], ...(topic ? { topic } : {}), body, frontmatter: fm, ...(date ? { date: toIso(date) } : {}) };
}

/**
 * The folder compound-engineering keeps learnings in: `<docs_root>/solutions`, with `docs_root`
 * from the tracked `.compound-engineering/config.yaml` (default `docs`; CE ignores it in
 * config.local.yaml). Undefined when `docs_root` is unusable (absolute, outside the repository,
 * the repository itself, under .git): CE then stops rather than fall back to `docs/`, and so
 * does lore.
 */
export function solutionsDir(root: string): string | undefined {
  let docsRoot: unknown = 'docs';
  try {
    const cfg = parseYaml(readFileSync(join(root, '.compound-engineering', 'config.yaml'), 'utf8'), { prettyErrors: false });
    if (cfg && typeof cfg === 'object' && !Array.isArray(cfg) && 'docs_root' in cfg) docsRoot = (cfg as Record<string, unknown>).docs_root;
  } catch {
    // No config (or not YAML): the default.
  }
  if (docsRoot === null || docsRoot === undefined) docsRoot = 'docs';
  if (typeof docsRoot !== 'string' || docsRoot.trim() === '' || isAbsolute(docsRoot.trim())) return undefined;
  const rel = normalize(docsRoot.trim()).replace(/[\\/]+$/, '');
  const parts = rel.split(/[\\/]/);
  if (rel === '.' || parts[0] === '..' || parts[0] === '.git') return undefined;
  const dir = join(root, rel);
  try {
    // A symlink must not lead out of the repository either.
    const real = relative(realpathSync(root), realpathSync(dir));
    if (real === '' || real.startsWith(`..${sep}`) || real === '..' || isAbsolute(real) || real.split(sep)[0] === '.git') return undefined;
  } catch {
    // Not there (yet): nothing to read, but the name is usable.
  }
  return join(dir, 'solutions');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function toIso(v: unknown): string | undefined {
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function sectionText(body: string, heading: RegExp): string | undefined {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => /^#{1,4}\s/.test(l) && heading.test(l));
  if (start < 0) return undefined;
  return firstParagraph(lines.slice(start + 1).join('\n'));
}

function firstParagraph(body: string): string | undefined {
  for (const para of body.replace(/```[\s\S]*?```/g, '').split(/\n\s*\n/)) {
    const t = para.trim();
    if (t && !t.startsWith('#') && !t.startsWith('|')) return clip(t, 400);
  }
  return undefined;
}
