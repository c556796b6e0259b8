import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import {
  compoundLearnings,
  decisionsForPaths,
  ftsAnyOf,
  knownPaths,
  nearestItems,
  priorArtCandidates,
  priorArtCandidatesOf,
  turnEditedPaths,
  turnMessages,
  turnRequest,
  turnsOfMessagesAfter,
  upsertDecisions,
  upsertLearning,
  upsertPriorArt,
  vectorModel,
  type DecisionInput,
  type Db,
  type EditRow,
  type PriorArtInput,
} from '../db/index.js';
import { hashEmbedder, hashVector } from '../embed/index.js';
import { redact } from '../ingest/index.js';
import { decisionSentences, isNearDuplicate } from './decisions.js';
import { correctionsIn, parseSolutionDoc, rootCausesIn, solutionsDir } from './learnings.js';
import { isPriorArtByHybrid, isPriorArtByText, PRIOR_ART_DIMS, scorePriorArt } from './prior-art.js';
import { contentWords, namedPaths } from './text.js';
import { crypto } from '../builtins.js';

/** Stored vectors nearest to a decision that are looked at besides the full-text hits. */
const PRIOR_ART_NEIGHBOURS = 20;

export interface KnowledgeResult {
  decisions: number;
  learnings: number;
  priorArt: number;
  /** Highest message rowid scanned (the next run starts after it). */
  messagesRowid: number;
}

const hash = (...parts: string[]): string => crypto().createHash('sha1').update(parts.join('\0')).digest('hex').slice(0, 16);

/**
 * Decisions, extracted learnings and prior art for the turns that changed since the last run
 * (new messages, or new edits in an older turn), and the repository's docs/solutions learnings.
 */
export function linkKnowledge(db: Db, root: string, messagesRowid: number, newEdits: EditRow[]): KnowledgeResult {
  const turns = new Set<string>();
  let last = messagesRowid;
  for (let batch = turnsOfMessagesAfter(db, root, last); batch.length > 0; batch = turnsOfMessagesAfter(db, root, last)) {
    for (const m of batch) if (m.turn) turns.add(m.turn);
    last = batch[batch.length - 1]!.rowid;
  }
  for (const e of newEdits) {
    const t = e.requestId ?? (e.messageId ? turnRequest(db, e.messageId) : undefined);
    if (t) turns.add(t);
  }

  let decisions = 0;
  let learnings = 0;
  let priorArt = 0;
  if (turns.size > 0) {
    const { known, byName } = pathIndex(db, root);
    for (const turn of turns) {
      const msgs = turnMessages(db, turn);
      if (msgs.length === 0) continue;
      const sessionId = msgs[0]!.sessionId;
      const edited = turnEditedPaths(db, root, turn).filter((p) => !p.startsWith('/'));
      const named = new Set<string>();
      for (const m of msgs) if (m.kind === 'prompt' || m.kind === 'text') for (const p of namedPaths(m.content, known, byName)) named.add(p);
      const turnFiles = [...new Set([...edited, ...named])];
      const found: DecisionInput[] = [];
      for (const m of msgs) {
        if (m.kind !== 'prompt' && m.kind !== 'text') continue;
        for (const sentence of decisionSentences(m.content)) {
          const inSentence = new Set(namedPaths(sentence, known, byName));
          // Redacted again: a message stored by an older lore predates today's rules. Once per
          // sentence, not once per file it is recorded for.
          const safe = redact(sentence).text;
          for (const path of turnFiles) {
            const evidence = inSentence.has(path) ? 'named-in-decision' : edited.includes(path) ? 'edited-in-turn' : 'named-in-turn';
            const confidence = evidence === 'named-in-decision' ? 0.85 : evidence === 'edited-in-turn' ? 0.7 : 0.55;
            found.push({ project: root, messageId: m.id, sessionId, path, sentence: safe, evidence, confidence, request: turn });
          }
        }
        const extracted = m.kind === 'prompt' ? correctionsIn(m.content) : edited.length > 0 ? rootCausesIn(m.content) : [];
        for (const l of extracted) {
          const files = inRepository(root, known, [...new Set([...edited, ...namedPaths(l.text, known, byName), ...named])]);
          const r = upsertLearning(db, {
            id: `extracted:${hash(m.id, l.text)}`,
            project: root,
            sessionId,
            category: l.category,
            content: redact(l.text).text,
            files,
            createdAt: m.createdAt,
            source: 'extracted',
            metadata: { message: m.id, request: turn },
          });
          if (r === 'added') learnings++;
        }
      }
      // One decision per (message, file): the first sentence wins, the strongest evidence kept.
      const unique = new Map<string, DecisionInput>();
      for (const d of found) {
        const key = `${d.messageId}\0${d.path}`;
        if (!unique.has(key)) unique.set(key, d);
      }
      const kept = dropNearDuplicates(db, root, [...unique.values()]);
      decisions += upsertDecisions(db, kept);
      priorArt += linkPriorArt(db, root, kept, msgs);
    }
  }
  learnings += importSolutions(db, root);
  return { decisions, learnings, priorArt, messagesRowid: last };
}

/**
 * Decisions that say again what another message already says about the same file (a plan and
 * its summary, a prompt retried after /undo) are left out: the file's list shows each once.
 */
function dropNearDuplicates(db: Db, root: string, found: DecisionInput[]): DecisionInput[] {
  const byPath = new Map<string, { messageId: string; sentence: string }[]>();
  const kept: DecisionInput[] = [];
  for (const d of found) {
    let known = byPath.get(d.path);
    if (!known) byPath.set(d.path, (known = decisionsForPaths(db, root, [d.path])));
    if (known.some((k) => k.messageId !== d.messageId && isNearDuplicate(k.sentence, d.sentence))) continue;
    known.push(d);
    kept.push(d);
  }
  return kept;
}

/**
 * Earlier decisions, learnings and commits (any repository) that say much the same. When the
 * database holds vectors of the offline embedding (the default; the embed stage makes them), the
 * candidates are the full-text hits plus the nearest stored vectors, judged by the hybrid score
 * (shared words and vector cosine, src/link/prior-art.ts); otherwise by shared words alone. A
 * remote embedding model's vectors are not used here: this stage stays offline (it runs in the
 * hook worker too).
 */
function linkPriorArt(db: Db, root: string, decisions: DecisionInput[], msgs: { id: string; createdAt: string }[]): number {
  const byMessage = new Map<string, DecisionInput>();
  for (const d of decisions) if (!byMessage.has(d.messageId)) byMessage.set(d.messageId, d);
  if (byMessage.size === 0) return 0;
  const stored = vectorModel(db);
  const knnDims = stored && stored.model === hashEmbedder(stored.dims).id ? stored.dims : undefined;
  const links: PriorArtInput[] = [];
  for (const d of byMessage.values()) {
    const words = contentWords(d.sentence);
    if (words.length < 3) continue;
    const at = msgs.find((m) => m.id === d.messageId)?.createdAt ?? new Date().toISOString();
    const candidates = priorArtCandidates(db, ftsAnyOf(words), at);
    const vector = hashVector(d.sentence, PRIOR_ART_DIMS);
    if (knnDims !== undefined) {
      // The default embedder's width is PRIOR_ART_DIMS: the same vector serves the KNN query.
      const query = knnDims === PRIOR_ART_DIMS ? vector : hashVector(d.sentence, knnDims);
      const near = nearestItems(db, query, PRIOR_ART_NEIGHBOURS).filter((n) => n.ref !== d.messageId);
      const known = new Set(candidates.map((c) => c.ref));
      candidates.push(...priorArtCandidatesOf(db, near, at).filter((c) => !known.has(c.ref)));
    }
    const isMatch = knnDims !== undefined ? isPriorArtByHybrid : isPriorArtByText;
    const scored = candidates
      .filter((c) => c.ref !== `msg:${d.messageId}`)
      .map((c) => ({ c, s: scorePriorArt(d.sentence, c.text, words, vector) }))
      .filter((x) => isMatch(x.s))
      .map((x) => ({ ...x, score: knnDims !== undefined ? x.s.hybrid : x.s.coverage }))
      .sort((a, b) => b.score - a.score || (a.c.ref < b.c.ref ? -1 : 1))
      .slice(0, 3);
    for (const x of scored) {
      links.push({
        project: root,
        source: `msg:${d.messageId}`,
        sessionId: d.sessionId,
        target: x.c.ref,
        label: x.c.text.slice(0, 300),
        similarity: Math.round(x.score * 100) / 100,
        targetProject: x.c.project,
        evidence: knnDims !== undefined ? 'hybrid' : 'fts',
      });
    }
  }
  if (links.length > 0) upsertPriorArt(db, links);
  return links.length;
}

/** Imports (or refreshes, when changed) compound-engineering learnings from docs/solutions. */
export function importSolutions(db: Db, root: string): number {
  const dir = solutionsDir(root);
  if (!dir) return 0;
  const files = listMarkdown(dir);
  if (files.length === 0) return 0;
  const stored = compoundLearnings(db, root);
  // Built only when a doc changed: the hook worker runs this after every commit.
  let index: PathIndex | undefined;
  let changed = 0;
  for (const abs of files) {
    const rel = relative(root, abs).split(sep).join('/');
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch {
      continue;
    }
    const digest = hash(text);
    if (stored.get(rel)?.hash === digest) continue;
    const doc = parseSolutionDoc(text, rel);
    if (!doc) continue;
    index ??= pathIndex(db, root);
    const files = inRepository(root, index.known, [...new Set([...doc.files, ...namedPaths(doc.body, index.known, index.byName)])]).filter((f) => f !== rel);
    const createdAt = doc.date ?? safeMtime(abs);
    const r = upsertLearning(db, {
      id: `compound:${hash(root, rel)}`,
      project: root,
      category: doc.category,
      // A doc in the repository is stored like a chat: redacted.
      content: redact(doc.content).text,
      files,
      createdAt,
      source: 'compound',
      metadata: { doc: rel, hash: digest, title: redact(doc.title).text, ...(doc.topic ? { topic: doc.topic } : {}) },
    });
    if (r !== 'same') changed++;
  }
  return changed;
}

/**
 * The paths that are files of the repository: in its history, or in the work tree (a file the
 * turn created and has not committed yet). A path a transcript or a doc names that is neither
 * (another repository's, a typo, a module name) would attach the learning to nothing real.
 */
function inRepository(root: string, known: Set<string>, paths: string[]): string[] {
  return paths.filter((p) => known.has(p) || (!p.startsWith('/') && !p.split('/').includes('..') && isFile(join(root, p))));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

interface PathIndex {
  known: Set<string>;
  /** File name → the known paths that end in it (namedPaths takes a bare name only when it is unique). */
  byName: Map<string, string[]>;
}

function pathIndex(db: Db, root: string): PathIndex {
  const known = new Set(knownPaths(db, root));
  const byName = new Map<string, string[]>();
  for (const p of known) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const same = byName.get(name);
    if (same) same.push(p);
    else byName.set(name, [p]);
  }
  return { known, byName };
}

function listMarkdown(dir: string, depth = 0): string[] {
  if (depth > 6) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listMarkdown(join(dir, e.name), depth + 1) : e.isFile() && e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}

function safeMtime(path: string): string {
  try {
    return statSync(path).mtime.toISOString();
  } catch {
    return new Date().toISOString();
  }
}
