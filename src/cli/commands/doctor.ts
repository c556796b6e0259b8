import type { CommandModule } from 'yargs';
import { cwdOf, dbPathOf } from '../context.js';
import { dim, green, print, printJson, red, withJson, type GlobalArgs, type OutputArgs } from '../output.js';

type DoctorArgs = GlobalArgs & OutputArgs;

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check the database, hooks and index lag; exit 1 when something needs fixing',
  builder: (y) => withJson(y) as never,
  handler: async (args) => {
    const { findRepo } = await import('../../git/index.js');
    const { doctor } = await import('../../query/index.js');
    const repo = await findRepo(cwdOf(args)).catch(() => undefined);
    const report = await doctor(dbPathOf(args), repo);
    if (args.json) printJson(report);
    else {
      for (const c of report.checks) {
        print(`${c.ok ? green('ok  ') : red('FAIL')}  ${c.name.padEnd(11)} ${c.detail}${!c.ok && c.fix ? dim(`  → ${c.fix}`) : ''}`);
      }
      if (!repo) print(dim('(not in a git repository: repository checks skipped)'));
    }
    if (!report.healthy) process.exitCode = 1;
  },
};
