// Link scenarios with known answers: temp git repositories plus chat transcripts written in the
// real on-disk formats of Claude Code (`$CLAUDE_CONFIG_DIR/projects/<slug>/<uuid>.jsonl`) and
// Codex (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`), so the whole path is exercised:
// adapters, ingest, link stage, `lore why`. Shared by test/link/scenarios.test.ts and
// bench/link-quality.mjs. Each scenario returns the (request text, file) pairs lore must find.
import { random } from './random.mjs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const uuid = (seed) => {
  const h = createHash('sha1').update(String(seed)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** A real temp repository (realpath) with a fixed author. */
export function makeRepo(prefix = 'lore-scenario-') {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.name', 'Dev Human']);
  git(dir, ['config', 'user.email', 'dev@example.com']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  return dir;
}

export function git(dir, args, env = {}) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function writeFiles(dir, files) {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(dir, path);
    if (content === null) rmSync(abs, { force: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
}

/** Writes the files as they are after the turn(s), stages everything and commits at `date`. */
export function commitAt(dir, files, message, date) {
  writeFiles(dir, files);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--no-verify', '--allow-empty', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return git(dir, ['rev-parse', 'HEAD']).trim();
}

/**
 * A Claude Code transcript. turns: [{prompt, at, replies?: [{text, at}], edits?: [{tool:'Write', path, content, at} |
 * {tool:'Edit', path, old, new, at}]}]; paths repo-relative (written absolute, as Claude Code does).
 */
export class ClaudeSession {
  constructor(configDir, cwd, seed) {
    this.id = uuid(`claude:${seed}`);
    this.cwd = cwd;
    this.file = join(configDir, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${this.id}.jsonl`);
    mkdirSync(dirname(this.file), { recursive: true });
    this.n = 0;
    this.parent = null;
  }
  line(record) {
    const uuidv = uuid(`${this.id}:${++this.n}`);
    const full = { parentUuid: this.parent, isSidechain: false, userType: 'external', cwd: this.cwd, sessionId: this.id, version: '2.0.64', gitBranch: 'main', ...record, uuid: uuidv };
    this.parent = uuidv;
    appendFileSync(this.file, JSON.stringify(full) + '\n');
    return uuidv;
  }
  /** Appends one turn; returns the prompt's message id as lore stores it. */
  turn({ prompt, at, replies = [], edits = [] }) {
    const u = this.line({ type: 'user', message: { role: 'user', content: prompt }, timestamp: at });
    for (const r of replies) this.line({ type: 'assistant', message: { id: `msg_${uuid(r.text).slice(0, 12)}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: r.text }] }, timestamp: r.at });
    for (const [i, e] of edits.entries()) {
      const toolId = `toolu_${uuid(`${this.id}:${this.n}:${i}`).replace(/-/g, '').slice(0, 20)}`;
      const input = e.tool === 'Write' ? { file_path: join(this.cwd, e.path), content: e.content } : { file_path: join(this.cwd, e.path), old_string: e.old, new_string: e.new };
      this.line({ type: 'assistant', message: { id: `msg_${toolId}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: toolId, name: e.tool, input }] }, timestamp: e.at });
      const resultAt = new Date(Date.parse(e.at) + 200).toISOString();
      this.line({ type: 'user', message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content: `The file ${input.file_path} has been updated.` }] }, timestamp: resultAt, toolUseResult: { filePath: input.file_path } });
    }
    return `claude-code:${this.id}:${u}`;
  }
}

/** A Codex rollout. Same turn shape; edits become apply_patch custom tool calls (Add/Update File). */
export class CodexSession {
  constructor(codexHome, cwd, seed, startedAt) {
    this.id = uuid(`codex:${seed}`);
    this.cwd = cwd;
    const d = new Date(startedAt);
    const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
    const stamp = d.toISOString().slice(0, 19).replace(/:/g, '-');
    this.file = join(codexHome, 'sessions', day, `rollout-${stamp}-${this.id}.jsonl`);
    mkdirSync(dirname(this.file), { recursive: true });
    this.calls = 0;
    this.line(startedAt, 'session_meta', { id: this.id, timestamp: startedAt, cwd, originator: 'codex_cli_rs', cli_version: '0.125.0', source: 'cli', model_provider: 'openai' });
  }
  line(timestamp, type, payload) {
    appendFileSync(this.file, JSON.stringify({ timestamp, type, payload }) + '\n');
  }
  turn({ prompt, at, replies = [], edits = [] }) {
    this.line(at, 'turn_context', { cwd: this.cwd, approval_policy: 'on-request', model: 'gpt-5-codex' });
    this.line(at, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] });
    this.line(at, 'event_msg', { type: 'user_message', message: prompt, images: [] });
    for (const r of replies) {
      this.line(r.at, 'event_msg', { type: 'agent_message', message: r.text });
      this.line(r.at, 'response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: r.text }] });
    }
    for (const e of edits) {
      const callId = `call_${uuid(`${this.id}:${++this.calls}`).replace(/-/g, '').slice(0, 16)}`;
      const body =
        e.tool === 'Write'
          ? `*** Add File: ${e.path}\n${e.content.replace(/\n$/, '').split('\n').map((l) => `+${l}`).join('\n')}`
          : `*** Update File: ${e.path}\n@@\n${e.old.split('\n').map((l) => `-${l}`).join('\n')}\n${e.new.split('\n').map((l) => `+${l}`).join('\n')}`;
      this.line(e.at, 'response_item', { type: 'custom_tool_call', status: 'completed', call_id: callId, name: 'apply_patch', input: `*** Begin Patch\n${body}\n*** End Patch\n` });
      this.line(e.at, 'response_item', { type: 'custom_tool_call_output', call_id: callId, output: JSON.stringify({ output: `Success. Updated the following files:\nM ${e.path}\n`, metadata: { exit_code: 0 } }) });
    }
    // Codex ids are by line; lore finds the prompt by its text (scenarios compare texts).
    return prompt;
  }
}

const at = (base, minutes) => new Date(Date.parse(base) + minutes * 60_000).toISOString();

/**
 * The hand-written scenario: several sessions (Claude Code and Codex), overlapping files, an edit
 * later reverted, a commit mixing AI and human changes, a rebase. `expected` lists [prompt, file].
 */
export function handScenario(env) {
  const dir = makeRepo();
  const T = '2026-05-04T09:00:00.000Z';
  const claudeDir = env.CLAUDE_CONFIG_DIR;
  const codexHome = env.CODEX_HOME;
  commitAt(dir, { 'README.md': '# strings\n', 'package.json': '{ "name": "strings", "type": "module" }\n' }, 'initial', at(T, 0));

  const strings1 = "export function slugify(text: string): string {\n  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-');\n}\n";
  const test1 = "import { slugify } from '../src/strings.js';\nif (slugify('Hello World') !== 'hello-world') throw new Error('slugify');\n";
  const a = new ClaudeSession(claudeDir, dir, 'hand-a');
  const P1 = 'Create a string utils module with slugify, and a test for it';
  a.turn({ prompt: P1, at: at(T, 1), replies: [{ text: 'I will create src/strings.ts and test/strings.test.ts.', at: at(T, 1.2) }], edits: [
    { tool: 'Write', path: 'src/strings.ts', content: strings1, at: at(T, 2) },
    { tool: 'Write', path: 'test/strings.test.ts', content: test1, at: at(T, 2.5) },
  ] });
  // C1: the AI's files plus a README line written by hand.
  commitAt(dir, { 'src/strings.ts': strings1, 'test/strings.test.ts': test1, 'README.md': '# strings\n\nSmall string helpers.\n' }, 'Add slugify', at(T, 5));

  const truncate = "export function truncate(text: string, max: number): string {\n  return text.length > max ? text.slice(0, max - 1) + '…' : text;\n}\n";
  const strings2 = strings1 + truncate;
  const config = "export interface Config { maxLength: number }\nexport function loadConfig(env: NodeJS.ProcessEnv): Config {\n  return { maxLength: Number(env.MAX_LENGTH ?? 80) };\n}\n";
  const b = new CodexSession(codexHome, dir, 'hand-b', at(T, 9));
  const P2 = 'Add a truncate helper to src/strings.ts';
  const P3 = 'Now add a config loader in src/config.ts that reads MAX_LENGTH';
  b.turn({ prompt: P2, at: at(T, 10), edits: [{ tool: 'Edit', path: 'src/strings.ts', old: '}', new: '}\n' + truncate.replace(/\n$/, ''), at: at(T, 11) }] });
  b.turn({ prompt: P3, at: at(T, 12), replies: [{ text: 'We chose plain env parsing instead of a config library because the app reads one variable.', at: at(T, 12.5) }], edits: [
    { tool: 'Write', path: 'src/config.ts', content: config, at: at(T, 13) },
  ] });
  commitAt(dir, { 'src/strings.ts': strings2, 'src/config.ts': config }, 'truncate and config', at(T, 15));

  // An edit later reverted: logging added, then taken out on the user's word; the human then
  // commits an unrelated change to the same file.
  const P4 = 'Log every slugify call so I can debug the router';
  const P5 = "No, don't log in library code. Take it out again.";
  a.turn({ prompt: P4, at: at(T, 20), edits: [{ tool: 'Edit', path: 'src/strings.ts', old: "  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-');", new: "  console.debug('slugify', text);\n  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-');", at: at(T, 21) }] });
  a.turn({ prompt: P5, at: at(T, 22), edits: [{ tool: 'Edit', path: 'src/strings.ts', old: "  console.debug('slugify', text);\n  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-');", new: "  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-');", at: at(T, 22.5) }] });
  const strings3 = strings2 + '// Keep these helpers free of side effects.\n';
  commitAt(dir, { 'src/strings.ts': strings3 }, 'note on purity', at(T, 30));

  // A commit mixing AI and human changes: the AI adds isBlank, the human edits config and docs.
  const c = new ClaudeSession(claudeDir, dir, 'hand-c');
  const P6 = 'Add an isBlank helper next to slugify';
  const isBlank = 'export function isBlank(text: string): boolean {\n  return text.trim().length === 0;\n}';
  c.turn({ prompt: P6, at: at(T, 40), edits: [{ tool: 'Edit', path: 'src/strings.ts', old: '// Keep these helpers free of side effects.', new: `${isBlank}\n// Keep these helpers free of side effects.`, at: at(T, 41) }] });
  const strings4 = strings2 + `${isBlank}\n// Keep these helpers free of side effects.\nexport const VERSION = '1.1';\n`;
  commitAt(dir, { 'src/strings.ts': strings4, 'src/config.ts': config.replace('80', '120'), 'docs/usage.md': '# Usage\n\nCall slugify.\n' }, 'isBlank, defaults, docs', at(T, 45));

  // A rebase: a Codex session's commit on a branch, linked there, then rebased onto main.
  git(dir, ['checkout', '-q', '-b', 'feature']);
  const d = new CodexSession(codexHome, dir, 'hand-d', at(T, 49));
  const P7 = 'Create src/slug-cache.ts that memoizes slugify';
  const cache = "import { slugify } from './strings.js';\nconst seen = new Map<string, string>();\nexport function cachedSlugify(text: string): string {\n  let s = seen.get(text);\n  if (s === undefined) seen.set(text, (s = slugify(text)));\n  return s;\n}\n";
  d.turn({ prompt: P7, at: at(T, 50), edits: [{ tool: 'Write', path: 'src/slug-cache.ts', content: cache, at: at(T, 51) }] });
  const beforeRebase = commitAt(dir, { 'src/slug-cache.ts': cache }, 'slug cache', at(T, 55));
  return {
    dir,
    /** Run between the two halves: index so the branch commit is linked before it is rebased. */
    rebase() {
      git(dir, ['checkout', '-q', 'main']);
      commitAt(dir, { 'README.md': '# strings\n\nSmall string helpers, by hand.\n' }, 'readme', at(T, 60));
      git(dir, ['checkout', '-q', 'feature']);
      git(dir, ['rebase', '-q', 'main'], { GIT_COMMITTER_DATE: at(T, 61) });
      return { before: beforeRebase, after: git(dir, ['rev-parse', 'HEAD']).trim() };
    },
    files: ['README.md', 'package.json', 'src/strings.ts', 'test/strings.test.ts', 'src/config.ts', 'docs/usage.md', 'src/slug-cache.ts'],
    prompts: { P1, P2, P3, P4, P5, P6, P7 },
    expected: [
      [P1, 'src/strings.ts'],
      [P1, 'test/strings.test.ts'],
      [P2, 'src/strings.ts'],
      [P3, 'src/config.ts'],
      [P6, 'src/strings.ts'],
      [P7, 'src/slug-cache.ts'],
    ],
  };
}


/**
 * A generated scenario: `requests` requests spread over Claude Code and Codex sessions, each
 * editing 1–3 of `fileCount` files (adding a uniquely named export). Some edits are reverted before
 * the commit, some reworked by the human before it; commits come after 1–3 requests and often carry
 * human changes to other files; some prompts name a file the human changes in the same commit (a
 * trap for the mention rule).
 */
export function generatedScenario(env, { seed = 7, requests = 60, fileCount = 12 } = {}) {
  const rnd = random(seed);
  const pick = (n) => Math.floor(rnd() * n);
  const dir = makeRepo();
  const T0 = Date.parse('2026-06-01T08:00:00.000Z');
  const files = Array.from({ length: fileCount }, (_, i) => `src/mod${i}.ts`);
  const content = new Map(files.map((f, i) => [f, `export const mod${i}Name = 'mod${i}';\n`]));
  commitAt(dir, Object.fromEntries(content), 'initial modules', new Date(T0).toISOString());
  const sessions = [
    new ClaudeSession(env.CLAUDE_CONFIG_DIR, dir, `gen-${seed}-a`),
    new CodexSession(env.CODEX_HOME, dir, `gen-${seed}-b`, new Date(T0 + 30_000).toISOString()),
    new ClaudeSession(env.CLAUDE_CONFIG_DIR, dir, `gen-${seed}-c`),
  ];
  const expected = [];
  let t = T0 + 60_000;
  let pendingPairs = [];
  let sinceCommit = 0;
  const time = (step = 20_000) => new Date((t += step)).toISOString();
  for (let r = 0; r < requests; r++) {
    const session = sessions[pick(sessions.length)];
    const targets = [...new Set(Array.from({ length: 1 + pick(3) }, () => files[pick(files.length)]))];
    const reverted = rnd() < 0.12;
    const trap = rnd() < 0.15 ? files[pick(files.length)] : undefined;
    const prompt = `Request ${r}: add the ${targets.map((f) => f.slice(4, -3)).join(' and ')} helpers${trap ? ` (see how ${trap} does it)` : ''}`;
    const edits = [];
    const promptAt = time();
    for (const f of targets) {
      const i = files.indexOf(f);
      const line = `export function helper${r}For${i}(value: number): number {\n  return value * ${r + 2} + ${i};\n}`;
      const before = content.get(f);
      const last = before.trimEnd().split('\n').pop();
      edits.push({ tool: 'Edit', path: f, old: last, new: `${last}\n${line}`, at: time(5_000) });
      if (reverted) {
        edits.push({ tool: 'Edit', path: f, old: `${last}\n${line}`, new: last, at: time(5_000) });
      } else {
        // Sometimes the human reworks the AI's line before committing: the request still made the change.
        const kept = rnd() < 0.12 ? line.replace(`value * ${r + 2}`, `Math.round(value * ${r + 2.5})`) : line;
        content.set(f, `${before}${kept}\n`);
        pendingPairs.push([prompt, f]);
      }
    }
    session.turn({ prompt, at: promptAt, edits });
    sinceCommit++;
    if (sinceCommit >= 1 + pick(3) || r === requests - 1) {
      const changed = {};
      for (const [, f] of pendingPairs) changed[f] = content.get(f);
      // Human changes: sometimes a file no request touched, sometimes a line in an AI-edited one.
      if (rnd() < 0.6) {
        const h = trap && rnd() < 0.7 ? trap : files[pick(files.length)];
        const next = `${content.get(h)}export const human${r}In${files.indexOf(h)} = ${r};\n`;
        content.set(h, next);
        changed[h] = next;
      }
      commitAt(dir, changed, `work up to request ${r}`, time(30_000));
      expected.push(...pendingPairs);
      pendingPairs = [];
      sinceCommit = 0;
    }
  }
  const unique = [...new Map(expected.map((p) => [`${p[0]}\0${p[1]}`, p])).values()];
  return { dir, files, expected: unique };
}

/** (request text, file) pairs that `lore why FILE --json` reports, over every commit of the file. */
export function pairsFromWhy(why, file) {
  const out = new Set();
  for (const c of why.changes ?? []) for (const q of c.requests ?? []) out.add(`${q.text}\0${file}`);
  return [...out].map((k) => k.split('\0'));
}

/** Precision and recall of found pairs against expected ones. */
export function score(expected, found) {
  const want = new Set(expected.map((p) => `${p[0]}\0${p[1]}`));
  const got = new Set(found.map((p) => `${p[0]}\0${p[1]}`));
  const hits = [...got].filter((k) => want.has(k)).length;
  return {
    expected: want.size,
    found: got.size,
    correct: hits,
    precision: got.size === 0 ? 1 : hits / got.size,
    recall: want.size === 0 ? 1 : hits / want.size,
    missing: [...want].filter((k) => !got.has(k)).map((k) => k.split('\0')),
    wrong: [...got].filter((k) => !want.has(k)).map((k) => k.split('\0')),
  };
}

export { random };
