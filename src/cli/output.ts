import type { Argv } from 'yargs';

export interface OutputArgs {
  json?: boolean;
}

export interface GlobalArgs {
  db?: string;
  C?: string;
}

/** Adds --json to a command. */
export function withJson<T>(y: Argv<T>): Argv<T & OutputArgs> {
  return y.option('json', { type: 'boolean', describe: 'machine-readable output (documented in docs/json.md)' });
}

const useColor = (): boolean => !process.env.NO_COLOR && process.stdout.isTTY === true && process.env.TERM !== 'dumb';

const wrap = (code: string) => (text: string) => (useColor() ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = wrap('1');
export const dim = wrap('2');
export const yellow = wrap('33');
export const cyan = wrap('36');
export const green = wrap('32');
export const red = wrap('31');

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function print(text = ''): void {
  process.stdout.write(terminalSafe(text, useColor()) + '\n');
}

/**
 * Text from the database (file names, commit subjects, chat messages) can hold terminal control
 * sequences: a file named `a\x1b]0;title\x07.ts` or a subject with `\x1b[2J` would retitle or
 * clear the user's terminal. Every C0/C1 control character but newline and tab is shown escaped
 * (`\x1b`, `\r`); with colours on, lore's own colour codes (SGR) are kept.
 */
export function terminalSafe(text: string, allowColor = false): string {
  return text.replace(/\x1b\[[0-9;]*m|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => {
    if (c.length > 1) return allowColor ? c : c.replace('\x1b', '\\x1b');
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** YYYY-MM-DD from an ISO date. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * A session as `lore why` and `lore pr` print it: `claude-code:4f70b41d-…` → `4f70b41d`, a prefix
 * `lore show` takes.
 */
export function shortSession(id: string): string {
  const native = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  // Aider's `<history file hash>-<offset>`: every session of one history starts alike, so only
  // the whole id tells them apart (and `lore show` takes it).
  if (/^[0-9a-f]{12}-\d+$/.test(native)) return native;
  return native.length > 12 ? native.slice(0, 8) : native;
}
