import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { placeOf } from '../context.js';
import { dim, print, type GlobalArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

interface ExportArgs extends GlobalArgs {
  range?: string;
  agentTrace?: boolean;
}

export const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export [range]',
  describe: "Write lore's links in another tool's format: --agent-trace (Agent Trace records, one JSON object a line)",
  builder: (y) =>
    y
      .positional('range', { type: 'string', describe: 'BASE..HEAD, or BASE for BASE..HEAD (default: every commit of HEAD)' })
      .option('agent-trace', { type: 'boolean', describe: 'Agent Trace 0.1.0 trace records (agent-trace.dev), one per commit with a recorded request' }) as never,
  handler: async (args) => {
    if (!args.agentTrace) throw new UsageError('lore export needs a format', 'write lore export --agent-trace [RANGE]');
    const { exportAgentTrace } = await import('../../app/index.js');
    const report = stderrReporter();
    try {
      const r = await exportAgentTrace(placeOf(args), args.range, report);
      report.stop();
      for (const record of r.records) print(JSON.stringify(record));
      process.stderr.write(dim(`${r.records.length} record${r.records.length === 1 ? '' : 's'} of ${r.commits} commit${r.commits === 1 ? '' : 's'} (commits with no recorded request have none)\n`));
    } finally {
      report.stop();
    }
  },
};
