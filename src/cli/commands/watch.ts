import { realpathSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import type { WatchEvent } from '../../app/index.js';
import { homeOf } from '../../config/index.js';
import { placeOf } from '../context.js';
import { dim, print, type GlobalArgs } from '../output.js';

interface WatchArgs extends GlobalArgs {
  quiet?: boolean;
  verbose?: boolean;
  'install-service'?: boolean;
  'uninstall-service'?: boolean;
  debounce: number;
  poll: number;
}

export const watchCommand: CommandModule<GlobalArgs, WatchArgs> = {
  command: 'watch',
  describe: "Follow every AI tool's transcripts and every known repository, live (foreground; Ctrl-C stops)",
  builder: (y) =>
    y
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing but errors' })
      .option('verbose', { type: 'boolean', describe: 'log every file event and every batch' })
      .option('install-service', { type: 'boolean', describe: 'write a login service (systemd user unit / launchd agent) that runs lore watch, and print it' })
      .option('uninstall-service', { type: 'boolean', describe: 'remove the login service' })
      .option('debounce', { type: 'number', default: 150, hidden: true, describe: 'ms of quiet before a batch runs' })
      .option('poll', { type: 'number', default: 2000, hidden: true, describe: 'ms between looks for new roots and repositories' })
      .conflicts('install-service', 'uninstall-service') as never,
  handler: async (args) => {
    if (args['install-service'] || args['uninstall-service']) return service(args);
    const { startWatching } = await import('../../app/index.js');
    const render = renderer(args);
    const watcher = await startWatching(placeOf(args), { home: homeOf(), onEvent: render, debounceMs: args.debounce, pollMs: args.poll });
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          process.exit(130); // a second Ctrl-C: the user does not want to wait for the batch
        }
        stopping = true;
        render({ type: 'stopping', signal });
        void watcher.stop().then(resolve);
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
    render({ type: 'stopped' });
  },
};

type Rendered = WatchEvent | { type: 'stopping'; signal: string } | { type: 'stopped' };

/** Status line on a TTY, plain timestamped log lines otherwise; errors always on stderr. */
function renderer(args: WatchArgs): (e: Rendered) => void {
  const tty = process.stdout.isTTY === true && !args.verbose;
  const state = { roots: 0, waiting: 0, repos: 0, last: 'catching up', backlog: 0, messages: 0, commits: 0 };
  const line = (text: string) => {
    if (args.quiet) return;
    if (tty) process.stdout.write(`\r\x1b[K${text}`);
    else print(`${new Date().toISOString()} ${text}`);
  };
  const status = () =>
    line(
      `${dim('lore watch')}  ${state.roots} transcript root${state.roots === 1 ? '' : 's'}${state.waiting ? dim(` (+${state.waiting} awaited)`) : ''}, ${state.repos} repo${state.repos === 1 ? '' : 's'}  ·  last: ${state.last}  ·  backlog ${state.backlog}`,
    );
  return (e) => {
    switch (e.type) {
      case 'ready':
        Object.assign(state, { roots: e.roots.length, waiting: e.waiting.length, repos: e.repos.length });
        if (tty) status();
        else line(`watching ${e.roots.length} transcript root(s), ${e.repos.length} repositor${e.repos.length === 1 ? 'y' : 'ies'}; waiting for ${e.waiting.length} more root(s)`);
        return;
      case 'root-added':
        state.roots++;
        state.waiting--;
        if (tty) status();
        else line(`now watching ${e.path} (${e.source})`);
        return;
      case 'repo-added':
        state.repos++;
        if (tty) status();
        else line(`now watching repository ${e.root}`);
        return;
      case 'change':
        if (args.verbose) line(`${e.what} changed: ${e.path}`);
        return;
      case 'batch': {
        state.backlog = e.backlog;
        const parts = [
          e.messages && `+${e.messages} message${e.messages === 1 ? '' : 's'}`,
          e.commits && `+${e.commits} commit${e.commits === 1 ? '' : 's'}`,
          e.parsed && `${e.parsed} file${e.parsed === 1 ? '' : 's'} re-parsed for the import graph`,
          e.vectors && `+${e.vectors} vector${e.vectors === 1 ? '' : 's'}`,
        ].filter(Boolean);
        if (parts.length) state.last = `${parts.join(', ')} at ${e.at.slice(11, 19)}`;
        if (tty) status();
        else if (parts.length || args.verbose) line(`${parts.length ? parts.join(', ') : 'nothing new'} (${e.ms} ms; ${e.files} file(s), ${e.repos} repo(s); backlog ${e.backlog})`);
        return;
      }
      case 'error':
        if (tty) process.stdout.write('\r\x1b[K');
        process.stderr.write(`lore: watch: ${e.message}\n`);
        if (tty) status();
        return;
      case 'stopping':
        if (tty && !args.quiet) process.stdout.write('\n');
        line(`${e.signal}: stopping after the current batch`);
        if (tty && !args.quiet) process.stdout.write('\n');
        return;
      case 'stopped':
        if (!tty) line('stopped');
        return;
    }
  };
}

async function service(args: WatchArgs): Promise<void> {
  const { installWatchService, uninstallWatchService } = await import('../../app/index.js');
  const options = {
    platform: process.platform,
    home: homeOf(),
    env: process.env,
    nodePath: process.execPath,
    cliPath: realpathSync(process.argv[1]!),
    ...(args.db ? { dbPath: args.db } : {}),
  };
  if (args['install-service']) {
    const r = await installWatchService(options);
    print(`${r.existed ? 'replaced' : 'wrote'} ${r.path}:`);
    print();
    print(r.content);
    print('start it (lore does not run these for you):');
    for (const c of r.next) print(`  ${c}`);
  } else {
    const r = await uninstallWatchService(options);
    print(r.existed ? `removed ${r.path}` : `no service file at ${r.path}; nothing to remove`);
    if (r.existed) for (const c of r.next) print(`  ${c}`);
  }
}
