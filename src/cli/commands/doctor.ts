import type { CommandModule } from 'yargs';
import type { Check } from '../../app/index.js';
import { placeOf } from '../context.js';
import { dim, green, print, printJson, red, withJson, yellow, type GlobalArgs, type OutputArgs } from '../output.js';

type DoctorArgs = GlobalArgs & OutputArgs & { fix?: boolean };

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check the database, hooks, sources and index lag; exit 1 when something needs fixing (--fix repairs the safe ones)',
  builder: (y) =>
    withJson(y).option('fix', {
      type: 'boolean',
      describe: 'run the safe repairs: migrate, install hooks, catch up the index and the chats, rebuild the search index, make the database private',
    }) as never,
  handler: async (args) => {
    const { doctor } = await import('../../app/index.js');
    const { report, fixed } = await doctor(placeOf(args), { fix: args.fix ?? false });
    if (args.json) printJson({ ...report, ...(args.fix ? { fixed } : {}) });
    else {
      for (const f of fixed) print(`${f.ok ? green('fixed') : red('could not fix')} ${f.action}: ${f.detail}`);
      for (const c of report.checks) print(renderCheck(c));
      if (report.project === null) print(dim('(not in a git repository: repository checks skipped)'));
      const manual = report.checks.filter((c) => !c.ok && !c.action);
      if (!args.fix && report.checks.some((c) => (!c.ok || c.warning) && c.action)) print(dim('`lore doctor --fix` repairs what is marked (fixable)'));
      else if (manual.length > 0) print(dim('the rest needs you: run the command shown beside each'));
    }
    if (!report.healthy) process.exitCode = 1;
  },
};

function renderCheck(c: Check): string {
  const fix = (!c.ok || c.warning) && c.fix ? dim(`  → ${c.fix}${c.action ? ' (fixable)' : ''}`) : '';
  return `${!c.ok ? red('FAIL') : c.warning ? yellow('warn') : green('ok  ')}  ${c.name.padEnd(12)} ${c.detail}${fix}`;
}
