import type { Place } from '../app/index.js';
import type { GlobalArgs } from './output.js';

/** Where a command runs, from the options every command takes (`-C DIR`, `--db FILE`). */
export function placeOf(args: GlobalArgs): Place {
  return { cwd: args.C ?? process.cwd(), ...(args.db ? { db: args.db } : {}), env: process.env };
}
