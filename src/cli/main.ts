import yargs from 'yargs';
import { UsageError } from '../errors.js';
import { commands } from './commands/index.js';

declare const __LORE_VERSION__: string;
const version = typeof __LORE_VERSION__ === 'string' ? __LORE_VERSION__ : '0.0.0-dev';

/** Runs the CLI with the full parser (yargs): every command, help, completion, usage errors. */
export async function main(argv: string[]): Promise<void> {
  // `lore help [COMMAND]`: `git lore --help` is git's own (it opens `man git-lore`), so git users
  // reach lore's help as `git lore -h` or `git lore help`.
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
  argv = pathsAfterDashes(argv);
  const cli = yargs(argv)
    .scriptName('lore')
    .usage('$0 <command>\n\nlore answers "why does this file exist?" from the AI chat sessions and commits that made it.')
    .option('db', { type: 'string', describe: 'database file (default $LORE_HOME/lore.db or $XDG_DATA_HOME/lore/lore.db)', global: true })
    .option('C', { type: 'string', describe: 'run as if started in this directory', global: true, requiresArg: true })
    .command(commands)
    .demandCommand(1, 'give a command; `lore why FILE` is the main one')
    .strict()
    .recommendCommands()
    .completion('completion', 'print a shell completion script (bash/zsh): lore completion >> ~/.bashrc')
    .version(version)
    .alias('v', 'version')
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      // yargs's own validation errors (YError: an option missing its value) are usage errors too,
      // on one line: a wrong choice comes as "Invalid values:\n  Argument: ...".
      throw err && err.name !== 'YError' ? err : new UsageError((msg ?? err?.message ?? 'bad command line').replace(/\s*\n\s*/g, ' '));
    });
  await cli.parseAsync();
}

/** Commands whose positionals are paths. */
const PATH_COMMANDS = new Set(['why', 'related', 'learnings', 'ingest']);

/**
 * yargs leaves what follows `--` out of a command's positionals (`lore related -- FILE` would miss
 * FILE): for the commands that take paths, they become positionals, a leading `-` kept from
 * reading as an option by `./` (the same file).
 */
function pathsAfterDashes(argv: string[]): string[] {
  const at = argv.indexOf('--');
  if (at < 0 || !PATH_COMMANDS.has(argv.find((t) => !t.startsWith('-')) ?? '')) return argv;
  return [...argv.slice(0, at), ...argv.slice(at + 1).map((t) => (t.startsWith('-') ? `./${t}` : t))];
}
