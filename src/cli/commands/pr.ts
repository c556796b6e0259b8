import type { CommandModule } from 'yargs';
import type { PrResult, StatsResult } from '../../app/index.js';
import { placeOf } from '../context.js';
import { bold, dim, print, printJson, shortSession, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

interface PrArgs extends GlobalArgs, OutputArgs {
  range?: string;
}

export const prCommand: CommandModule<GlobalArgs, PrArgs> = {
  command: 'pr [range]',
  describe: 'Markdown for a pull request: the requests behind the branch, decisions, learnings, AI-written lines',
  builder: (y) =>
    withJson(y).positional('range', {
      type: 'string',
      describe: 'BASE..HEAD (default: from where HEAD left the default branch); e.g. `lore pr | gh pr create --body-file -`',
    }) as never,
  handler: async (args) => {
    const { pr } = await import('../../app/index.js');
    const report = stderrReporter();
    try {
      const result = await pr(placeOf(args), args.range, report);
      report.stop();
      if (args.json) printJson(result);
      else for (const line of prMarkdown(result)) print(line);
    } finally {
      report.stop();
    }
  },
};

interface StatsArgs extends GlobalArgs, OutputArgs {
  path?: string;
  since?: string;
}

export const statsCommand: CommandModule<GlobalArgs, StatsArgs> = {
  command: 'stats [path]',
  describe: 'AI-written lines per tool, per file and per week',
  builder: (y) =>
    withJson(y)
      .positional('path', { type: 'string', describe: 'a file or folder (default: the whole repository)' })
      .option('since', { type: 'string', describe: 'only commits from this date on (YYYY-MM-DD)' }) as never,
  handler: async (args) => {
    const { stats } = await import('../../app/index.js');
    const report = stderrReporter();
    try {
      const result = await stats(placeOf(args), { ...(args.path !== undefined ? { path: args.path } : {}), ...(args.since !== undefined ? { since: args.since } : {}) }, report);
      report.stop();
      if (args.json) printJson(result);
      else renderStats(result);
    } finally {
      report.stop();
    }
  },
};

const short = (sha: string): string => sha.slice(0, 7);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
/** A share in whole percent; some lines are never "0%", nor a share short of all "100%". */
function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = Math.round((100 * part) / whole);
  return part > 0 && p === 0 ? '<1%' : part < whole && p === 100 ? '>99%' : `${p}%`;
}

/** One line of a prompt, for Markdown: whitespace folded, long ones cut, nothing that renders as markup. */
function inline(text: string, max = 160): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const cut = t.length > max ? `${t.slice(0, max - 1).trimEnd()}…` : t;
  return cut.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

const toolList = (byTool: Record<string, number>): string =>
  Object.entries(byTool)
    .sort((a, b) => b[1] - a[1])
    .map(([tool, n]) => `${tool} ${n}`)
    .join(', ');

/**
 * The pull request's description as Markdown lines: plain text (no terminal colour), so it can
 * be piped into `gh pr create --body-file -` as is.
 */
export function prMarkdown(r: PrResult): string[] {
  const out: string[] = [];
  const counted = r.commits.filter((c) => !c.merge);
  out.push(`## Requests behind this change`, '');
  if (r.requests.length === 0) out.push(`No recorded AI request led to the ${plural(counted.length, 'commit')} of ${r.range.spec}.`, '');
  r.requests.forEach((q, i) => {
    const session = q.sessionId ? ` · session ${shortSession(q.sessionId)}` : '';
    out.push(`${i + 1}. "${inline(q.text)}"  `, `   _${q.tool ?? 'chat'}${session} · ${q.date.slice(0, 10)}_`);
    for (const f of q.files) out.push(`   - \`${f.path}\` (${f.commits.map(short).join(', ')})`);
  });
  if (r.requests.length > 0) out.push('');
  if (r.decisions.length > 0) {
    out.push('## Decisions', '');
    // One sentence is stored per file it names: say it once, with its files.
    const byText = new Map<string, string[]>();
    for (const d of r.decisions) byText.set(d.text, [...(byText.get(d.text) ?? []), d.path]);
    for (const [text, paths] of byText) out.push(`- ${inline(text, 240)} (${paths.map((p) => `\`${p}\``).join(', ')})`);
    out.push('');
  }
  if (r.learnings.length > 0) {
    out.push('## Learnings', '');
    for (const l of r.learnings) out.push(`- [${l.category}] ${inline(l.text, 240)}${l.files.length > 0 ? ` (${l.files.map((f) => `\`${f}\``).join(', ')})` : ''}`);
    out.push('');
  }
  const a = r.aiLines;
  out.push('## AI-written lines', '');
  const tools = toolList(a.byTool);
  out.push(`${a.lines} of ${plural(a.added, 'added line')} (${percent(a.lines, a.added)}) came from AI edits${tools ? `: ${tools}` : ''}.`);
  if (a.uncounted > 0) out.push(`${plural(a.uncounted, 'commit')} linked before lore counted AI lines are left out; the next \`lore index\` counts them.`);
  out.push('');
  const unexplained = r.commits.filter((c) => r.unexplained.includes(c.sha));
  if (unexplained.length > 0) {
    out.push('## Commits with no recorded request', '');
    for (const c of unexplained) {
      const note = c.userWork ?? (c.aiTool ? `the commit says ${c.aiTool} was involved` : '');
      out.push(`- ${short(c.sha)} ${inline(c.subject, 100)}${note ? ` — _${note}_` : ''}`);
    }
    out.push('');
  }
  if (r.unknown.length > 0) out.push(`_${plural(r.unknown.length, 'commit')} of the range ${r.unknown.length === 1 ? 'is' : 'are'} not indexed yet._`, '');
  out.push(`<sub>${plural(counted.length, 'commit')} (${r.range.spec}); generated by lore</sub>`);
  return out;
}

export function renderStats(r: StatsResult): void {
  const scope = [r.path ?? 'whole repository', r.since ? `since ${r.since.slice(0, 10)}` : ''].filter(Boolean).join(', ');
  print(`${bold('AI-written lines')}  ${dim(scope)}`);
  print(`${r.total.ai} of ${plural(r.total.added, 'added line')} (${percent(r.total.ai, r.total.added)})`);
  if (r.byTool.length > 0) {
    print();
    print(bold('Per tool'));
    for (const t of r.byTool) print(`  ${t.tool.padEnd(14)} ${String(t.lines).padStart(7)}`);
  }
  if (r.byFile.length > 0) {
    print();
    print(bold('Per file') + dim(r.byFile.length > 20 ? `  (20 of ${r.byFile.length}; --json has all)` : ''));
    for (const f of r.byFile.slice(0, 20)) print(`  ${String(f.ai).padStart(6)}/${String(f.added).padEnd(6)} ${percent(f.ai, f.added).padStart(4)}  ${f.path}  ${dim(toolList(f.byTool))}`);
  }
  const weeks = r.byWeek.filter((w) => w.added > 0 || w.ai > 0);
  if (weeks.length > 0) {
    print();
    print(bold('Per week') + dim(weeks.length > 26 ? `  (last 26 of ${weeks.length}; --json has all)` : ''));
    for (const w of weeks.slice(-26)) print(`  ${w.week}  ${String(w.ai).padStart(6)}/${String(w.added).padEnd(6)} ${percent(w.ai, w.added).padStart(4)}${w.ai > 0 ? `  ${dim(toolList(w.byTool))}` : ''}`);
  }
}
