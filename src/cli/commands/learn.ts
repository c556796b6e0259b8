import type { CommandModule } from 'yargs';
import { placeOf } from '../context.js';
import { bold, dim, print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';
import { printLearning } from './why.js';

interface LearnArgs extends GlobalArgs, OutputArgs {
  text: string;
  file?: string[];
  category?: string;
}

export const learnCommand: CommandModule<GlobalArgs, LearnArgs> = {
  command: 'learn <text>',
  describe: 'Record a learning (a gotcha, a rule, a root cause), attached to files',
  builder: (y) =>
    withJson(y)
      .positional('text', { type: 'string', demandOption: true, describe: 'the learning, in one or two sentences' })
      .option('file', { alias: 'f', type: 'string', array: true, describe: 'a file it is about (repeatable)' })
      .option('category', { alias: 'c', type: 'string', describe: 'e.g. gotcha, convention, performance (default: note)' }) as never,
  handler: async (args) => {
    const { learn } = await import('../../app/index.js');
    const info = await learn(placeOf(args), args.text, args.file ?? [], args.category);
    if (args.json) printJson(info);
    else print(`learned [${info.category}] ${info.content}${info.files.length > 0 ? dim(` — ${info.files.join(', ')}`) : ''}`);
  },
};

interface LearningsArgs extends GlobalArgs, OutputArgs {
  file?: string;
}

export const learningsCommand: CommandModule<GlobalArgs, LearningsArgs> = {
  command: 'learnings [file]',
  describe: 'List learnings (docs/solutions, lore learn, extracted from sessions, Entire checkpoints), stale ones flagged',
  builder: (y) => withJson(y).positional('file', { type: 'string', describe: 'only the learnings attached to this file' }) as never,
  handler: async (args) => {
    const { learnings } = await import('../../app/index.js');
    const report = stderrReporter();
    try {
      const r = await learnings(placeOf(args), args.file, report);
      report.stop();
      const file = r.file ?? undefined;
      if (args.json) printJson(r);
      else if (r.learnings.length === 0) print(dim(file ? `no learnings attached to ${file}` : 'no learnings yet: `lore learn "TEXT" --file F` records one'));
      else {
        print(bold(`${r.learnings.length} learning${r.learnings.length === 1 ? '' : 's'}${file ? ` about ${file}` : ''}`));
        for (const l of r.learnings) {
          printLearning(l);
          if (!file && l.files.length > 0) print(`      ${dim(l.files.join(', '))}`);
        }
      }
    } finally {
      report.stop();
    }
  },
};
