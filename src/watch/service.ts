import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { adapters } from '../sources/index.js';

export interface ServiceOptions {
  platform: NodeJS.Platform;
  home: string;
  env: NodeJS.ProcessEnv;
  /** The node binary and the lore CLI script to run. */
  nodePath: string;
  cliPath: string;
  /** --db given on the command line, if any. */
  dbPath?: string;
}

export interface ServiceResult {
  kind: 'systemd' | 'launchd';
  path: string;
  /** What was written (empty after an uninstall). */
  content: string;
  /** The commands the user runs to start or stop it (lore never runs them). */
  next: string[];
  existed: boolean;
}

const UNIT = 'lore-watch.service';
const LABEL = 'dev.lore.watch';

function servicePath(o: ServiceOptions): { kind: 'systemd' | 'launchd'; path: string } {
  if (o.platform === 'linux') return { kind: 'systemd', path: join(o.env.XDG_CONFIG_HOME || join(o.home, '.config'), 'systemd', 'user', UNIT) };
  if (o.platform === 'darwin') return { kind: 'launchd', path: join(o.home, 'Library', 'LaunchAgents', `${LABEL}.plist`) };
  throw new UsageError(`a login service is not supported on ${o.platform}`, 'run `lore watch` from your terminal or a scheduled task instead');
}

/** Writes a user service that runs `lore watch --quiet` at login (systemd user unit or launchd agent). */
export function installService(o: ServiceOptions): ServiceResult {
  const { kind, path } = servicePath(o);
  const args = [o.nodePath, o.cliPath, 'watch', '--quiet', ...(o.dbPath ? ['--db', o.dbPath] : [])];
  const env = serviceEnv(o.env).map((k) => [k, o.env[k]!] as const);
  const content = kind === 'systemd' ? systemdUnit(args, env) : launchdPlist(args, env, o.home);
  const existed = existsSync(path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode: 0o644 });
  const next =
    kind === 'systemd'
      ? ['systemctl --user daemon-reload', `systemctl --user enable --now ${UNIT}`, `journalctl --user -u ${UNIT} -f   # its log`]
      : [`launchctl load -w ${path}`];
  return { kind, path, content, next, existed };
}

/** Removes the service file written by installService. */
export function uninstallService(o: ServiceOptions): ServiceResult {
  const { kind, path } = servicePath(o);
  const existed = existsSync(path);
  const next = kind === 'systemd' ? [`systemctl --user disable --now ${UNIT}   # first, if it is running`, 'systemctl --user daemon-reload'] : [`launchctl unload -w ${path}   # first, if it is loaded`];
  rmSync(path, { force: true });
  return { kind, path, content: '', next, existed };
}

/**
 * The variables the service keeps from the shell it was installed from: lore's own, and each
 * tool's folder overrides, so the service watches the folders the user's shell would.
 */
function serviceEnv(env: NodeJS.ProcessEnv): string[] {
  const names = ['LORE_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', ...adapters.flatMap((a) => a.envOverrides), 'LORE_EMBED_URL', 'LORE_EMBED_MODEL'];
  return [...new Set(names)].filter((k) => env[k]);
}

function systemdUnit(args: string[], env: (readonly [string, string])[]): string {
  const quote = (a: string) => (/[\s"'\\]/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a);
  return [
    '# Written by `lore watch --install-service`; remove with `lore watch --uninstall-service`.',
    '[Unit]',
    'Description=lore watch: keep the lore database current with AI chats and commits',
    '',
    '[Service]',
    `ExecStart=${args.map(quote).join(' ')}`,
    ...env.map(([k, v]) => `Environment=${quote(`${k}=${v}`)}`),
    'Restart=on-failure',
    'RestartSec=10',
    'Nice=10',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function launchdPlist(args: string[], env: (readonly [string, string])[], home: string): string {
  const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const log = join(home, 'Library', 'Logs', 'lore-watch.log');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `lore watch --install-service`; remove with `lore watch --uninstall-service`. -->',
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key><string>${LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args.map((a) => `    <string>${x(a)}</string>`),
    '  </array>',
    ...(env.length ? ['  <key>EnvironmentVariables</key>', '  <dict>', ...env.map(([k, v]) => `    <key>${x(k)}</key><string>${x(v)}</string>`), '  </dict>'] : []),
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
    '  <key>ProcessType</key><string>Background</string>',
    `  <key>StandardOutPath</key><string>${x(log)}</string>`,
    `  <key>StandardErrorPath</key><string>${x(log)}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
