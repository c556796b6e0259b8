// Link quality on real data (issue 12, "A real-data benchmark"): Aider's own repository and the
// chat history Aider's author kept while developing it. Run:
//   npm run build && LORE_AIDER_REPO=/path/to/aider-checkout node bench/link-real.mjs
// Without LORE_AIDER_REPO it says how to get a checkout and exits 0 (so `npm run bench` passes).
//
// The history is the fixture test/fixtures/real/aider/aider/chat-history.excerpt-1.md (lines
// 1–49,522 of Aider's tests/fixtures/chat-history.md: Aug 5–12 2024, aider v0.47–0.51). Aider
// printed what it did (`> Commit <sha>`, `> Applied edit to`, `> Committing … before applying
// edits`, slash commands), so the ground truth comes from that text (bench/lib/aider-truth.mjs),
// not from lore and not by hand:
// - a commit aider made from a turn's edits: every file of the commit has the turn's request
//   (the prompt, or the `/run`, `/test`, `/lint` command that started the turn);
// - a commit of the user's own work (`Committing … before applying edits`, start-up commits of a
//   dirty tree, `/commit`) and every other non-merge commit of the range whose author is not
//   "… (aider)": no request. Any request lore names there is a false link on a human commit.
// - commits of the range authored "… (aider)" that the excerpt does not name (sessions not in
//   it) are left out: their request is unknown.
// The range is from the oldest to the newest commit the excerpt names that the repository has
// (commits made in other repositories, or removed by /undo, are not in it).
//
// Figures: precision and recall of (commit, file, request) triples; false links on human
// commits. Targets: precision ≥ 0.97, recall ≥ 0.95, false links 0. Requests are compared by
// the history line they start on (lore's Aider message ids end in `:L<line>`).
//
// The checkout, from GitHub or a mirror of it:
//   git clone https://github.com/Aider-AI/aider /work/data/aider
// A mirror may lack some large blobs (Aider's website .mp4 files); then checkout fails with
// "unable to read sha1 file". Replace each missing blob with a placeholder:
//   cd /work/data/aider
//   ph=$(printf 'placeholder: blob missing from the mirror\n' | git hash-object -w --stdin)
//   for s in $(git rev-list --objects --all --missing=print | sed -n 's/^?//p'); do git replace -f $s $ph; done
//   git checkout -f HEAD   # or: git checkout -- .
// The bench never changes that checkout: it clones it (--shared, with its refs/replace) into a
// temporary directory, checks out the newest commit of the range there, puts the excerpt at
// .aider.chat.history.md (where lore's Aider adapter looks) and runs the built CLI with a
// temporary HOME and LORE_HOME.
//
// Aider writes local times without a zone, and the author's zone moved from -0300 to -0700
// during these days: no fixed zone is right for all of it. The bench runs with TZ=UTC unless
// LORE_AIDER_TZ says otherwise, so its figures do not depend on the machine.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REAL_FIXTURES } from '../test/fixtures/paths.mjs';
import { aiderTruth } from './lib/aider-truth.mjs';
import { CLI, header, isolatedEnv, quality, waitForWorker } from './lib/measure.mjs';

const REPO = process.env.LORE_AIDER_REPO;
if (!REPO || !existsSync(join(REPO, '.git'))) {
  console.log(
    `link-real: skipped (${REPO ? `${REPO} is not a git checkout` : 'LORE_AIDER_REPO is not set'}).\n` +
      '  Needs a checkout of https://github.com/Aider-AI/aider: git clone https://github.com/Aider-AI/aider DIR,\n' +
      '  then LORE_AIDER_REPO=DIR node bench/link-real.mjs (see the header of bench/link-real.mjs for a mirror\n' +
      '  with missing .mp4 blobs).',
  );
  process.exit(0);
}
const HISTORY = join(REAL_FIXTURES, 'aider/aider/chat-history.excerpt-1.md');
const TOP = Number(process.env.LORE_AIDER_EXAMPLES ?? 8);

const git = (cwd, args, input) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

header(`link-real: ${REPO} with ${HISTORY.slice(HISTORY.indexOf('test/fixtures'))}`);

// --- ground truth -------------------------------------------------------------------------------
const truth = aiderTruth(readFileSync(HISTORY, 'utf8'));
const full = new Map(); // abbreviated sha → full sha (or null: not in this repository)
const batch = git(REPO, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], truth.commits.map((c) => `${c.sha}\n`).join(''));
batch.trim().split('\n').forEach((line, i) => {
  const [oid, type] = line.split(' ');
  full.set(truth.commits[i].sha, type === 'commit' ? oid : null);
});
const named = truth.commits.filter((c) => full.get(c.sha) && !truth.removed.has(c.sha));
const byDate = git(REPO, ['rev-list', '--no-walk', '--date-order', ...new Set(named.map((c) => full.get(c.sha)))]).trim().split('\n');
const tip = byDate[0];
const oldest = byDate.at(-1);
const meta = new Map(); // sha → {author, committer, parents}
for (const l of git(REPO, ['log', '--format=%H%x00%an%x00%cn%x00%P', `${oldest}^..${tip}`]).trim().split('\n')) {
  const [sha, author, committer, parents] = l.split('\0');
  meta.set(sha, { author, committer, merge: parents.split(' ').length > 1 });
}
const isAiderAuthor = (sha) => /\(aider\)$/.test(meta.get(sha)?.author ?? '');

/** sha → {kind: 'ai' | 'human', why, request: {line, text, automatic?} | null} for every commit scored. */
const scope = new Map();
let inconsistent = [];
for (const c of named) {
  const sha = full.get(c.sha);
  if (!meta.has(sha) || meta.get(sha).merge) continue;
  if (scope.has(sha)) continue; // printed twice (a commit line repeated by a later message): first wins
  if (c.kind === 'unclear') {
    if (isAiderAuthor(sha)) scope.set(sha, { kind: 'ai', why: 'interleaved sessions', request: c.latest });
    else scope.set(sha, { kind: 'human', why: c.why, request: null });
    continue;
  }
  scope.set(sha, { kind: c.kind, why: c.why ?? (c.request?.automatic ? 'lint at start-up' : c.request?.text.startsWith('/') ? c.request.text.split(/\s/)[0] : 'prompt'), request: c.request });
  if ((c.kind === 'ai') !== isAiderAuthor(sha)) inconsistent.push(`${sha.slice(0, 7)} (${c.kind}, author ${meta.get(sha).author})`);
}
let unknown = 0;
for (const [sha, m] of meta) {
  if (m.merge || scope.has(sha)) continue;
  if (isAiderAuthor(sha)) unknown++;
  else scope.set(sha, { kind: 'human', why: 'not in the history', request: null });
}
const filesOf = new Map();
for (const sha of scope.keys()) {
  filesOf.set(sha, git(REPO, ['diff-tree', '-r', '--root', '--no-commit-id', '--name-only', '-M', sha]).split('\n').filter(Boolean));
}
const count = (pred) => [...scope.values()].filter(pred).length;
console.log(
  `  range ${oldest.slice(0, 7)}^..${tip.slice(0, 7)}: ${meta.size} commits; ${truth.commits.length} \`> Commit\` lines, ` +
    `${named.length} of them in this repository; scored: ${count((s) => s.kind === 'ai')} aider commits, ` +
    `${count((s) => s.kind === 'human')} human ones; left out: ${unknown} aider-authored commits the excerpt does not name`,
);
if (inconsistent.length) console.log(`  author disagrees with the history's reading: ${inconsistent.join(', ')}`);

// --- lore over a copy of the checkout ------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'lore-bench-real-'));
const dir = join(work, 'aider');
const home = join(work, 'home');
const env = isolatedEnv(home, { TZ: process.env.LORE_AIDER_TZ ?? 'UTC' });
const lore = (args) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`lore ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};
let pairs = 0;
const found = new Map(); // `${sha} ${file}` → [{line, text, evidence}]
try {
  git(work, ['clone', '-q', '--shared', '--no-checkout', resolve(REPO), dir]);
  git(dir, ['fetch', '-q', resolve(REPO), 'refs/replace/*:refs/replace/*']);
  // Blobs replaced by placeholders differ from the index: hide them so the tree looks clean.
  spawnSync('git', ['checkout', '-q', '-b', 'bench', tip], { cwd: dir, stdio: 'ignore' });
  const changed = git(dir, ['status', '--porcelain']).split('\n').filter((l) => l.startsWith(' M ')).map((l) => l.slice(3));
  if (changed.length) git(dir, ['update-index', '--skip-worktree', ...changed]);
  copyFileSync(HISTORY, join(dir, '.aider.chat.history.md'));
  const t0 = Date.now();
  lore(['index', '--wait', '-q']);
  await waitForWorker(join(dir, '.git'), { appearMs: 0, timeoutMs: 600_000 });
  console.log(`  lore index --wait: ${((Date.now() - t0) / 1000).toFixed(1)} s (TZ=${env.TZ})`);

  const files = new Set([...filesOf.values()].flat());
  for (const file of files) {
    const why = JSON.parse(lore(['why', file, '--json']));
    for (const c of why.changes ?? []) {
      if (!scope.has(c.sha)) continue;
      found.set(`${c.sha} ${file}`, (c.requests ?? []).map((q) => ({ line: lineOf(q), text: q.text, evidence: q.evidence })));
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The history line a request starts on: lore's Aider ids end in `:L<line>`. */
function lineOf(q) {
  const m = /:L(\d+)$/.exec(q.id ?? '');
  return m ? Number(m[1]) : null;
}

// --- score ----------------------------------------------------------------------------------------
let expected = 0;
let named_ = 0;
let correct = 0;
let falseOnHuman = 0;
let humanPairsLinked = 0;
const classes = new Map(); // failure class → examples
const note = (cls, example) => {
  const list = classes.get(cls) ?? [];
  list.push(example);
  classes.set(cls, list);
};
const perWhy = new Map(); // truth class → {expected, correct, found}
for (const [sha, s] of scope) {
  for (const file of filesOf.get(sha)) {
    pairs++;
    const got = found.get(`${sha} ${file}`) ?? [];
    const row = perWhy.get(`${s.kind}: ${s.why}`) ?? { pairs: 0, expected: 0, correct: 0, found: 0 };
    row.pairs++;
    row.found += got.length;
    named_ += got.length;
    const ex = (q) => `${sha.slice(0, 7)} ${file}: expected ${s.request ? `L${s.request.line} "${short(s.request.text)}"` : 'no request'}; lore ${q ? `L${q.line} "${short(q.text)}" (${q.evidence})` : 'none'}`;
    if (s.kind === 'human') {
      falseOnHuman += got.length;
      if (got.length) {
        humanPairsLinked++;
        note(`false link on a human commit (${s.why})`, ex(got[0]));
      }
    } else {
      expected++;
      row.expected++;
      const hit = got.some((q) => q.line === s.request.line);
      if (hit) {
        correct++;
        row.correct++;
      } else if (got.length === 0) note(`aider commit, no request named (${s.why})`, ex(undefined));
      for (const q of got.filter((q) => q.line !== s.request.line)) {
        const where = q.line === null ? 'another source' : q.line > s.request.line ? 'a later input' : 'an earlier input';
        note(`aider commit, wrong request: ${where}${hit ? ', beside the right one' : ''}`, ex(q));
      }
    }
    if (!found.has(`${sha} ${file}`)) note('file change not listed by lore why', `${sha.slice(0, 7)} ${file}`);
    perWhy.set(`${s.kind}: ${s.why}`, row);
  }
}
const precision = named_ === 0 ? 1 : correct / named_;
const recall = expected === 0 ? 1 : correct / expected;
console.log(`  ${pairs} commit/file pairs scored; ${expected} with an expected request; lore named ${named_} requests, ${correct} right`);
console.log('  by the history\'s reading of the commit:');
for (const [k, r] of [...perWhy].sort()) {
  console.log(`    ${k.padEnd(34)} pairs ${String(r.pairs).padStart(4)}  requests named ${String(r.found).padStart(4)}${r.expected ? `  right ${String(r.correct).padStart(4)} of ${r.expected}` : ''}`);
}
console.log('  failures by class (first examples):');
for (const [cls, list] of [...classes].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`    ${cls}: ${list.length}`);
  for (const e of list.slice(0, TOP)) console.log(`      ${e}`);
}
quality({ bench: 'link-real', what: 'precision, aider history', value: precision, target: '≥ 0.97', ok: precision >= 0.97 });
quality({ bench: 'link-real', what: 'recall, aider history', value: recall, target: '≥ 0.95', ok: recall >= 0.95 });
quality({ bench: 'link-real', what: 'false links on human commits', value: falseOnHuman, target: '0', ok: falseOnHuman === 0, integer: true });
console.log(`  (${humanPairsLinked} human commit/file pairs carry a link)`);

function short(text) {
  const one = String(text ?? '').replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
