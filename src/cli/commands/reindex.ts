import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { placeOf } from '../context.js';
import { print, printJson, withJson, type GlobalArgs, type OutputArgs } from '../output.js';
import { stderrReporter } from '../progress.js';

type ReindexArgs = GlobalArgs & OutputArgs & { vectors?: boolean };

export const reindexCommand: CommandModule<GlobalArgs, ReindexArgs> = {
  command: 'reindex',
  describe: 'Rebuild derived indexes: --vectors recomputes every search vector (after a change of embedding model)',
  builder: (y) => withJson(y).option('vectors', { type: 'boolean', describe: 'drop and recompute all embedding vectors with the configured model' }) as never,
  handler: async (args) => {
    if (!args.vectors) throw new UsageError('say what to rebuild', 'lore reindex --vectors');
    const { reindex } = await import('../../app/index.js');
    const report = stderrReporter();
    try {
      const r = await reindex(placeOf(args), report);
      report.stop();
      if (args.json) printJson({ vectors: r.embedded, model: r.model });
      else print(`recomputed ${r.embedded} vector${r.embedded === 1 ? '' : 's'} with ${r.model}`);
    } finally {
      report.stop();
    }
  },
};
