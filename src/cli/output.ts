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
  process.stdout.write(text + '\n');
}

/** YYYY-MM-DD from an ISO date. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}
