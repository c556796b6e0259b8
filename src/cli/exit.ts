import { DamagedDatabaseError, LoreError, StorageError } from '../errors.js';
import { terminalSafe } from './output.js';
import { sourceStack } from './source-stack.js';

/**
 * The only place that turns errors into exit codes: a user's error is one line and a hint on
 * stderr, exit 2; anything else is a bug, reported with its stack, also exit 2.
 */
export async function reportError(err: unknown): Promise<number> {
  if (String((err as { code?: unknown })?.code ?? '').startsWith('SQLITE_')) {
    // Loaded here, on failure only: the fast path's start-up never pays for it.
    const { noteFailure } = await import('../app/index.js');
    const damage = noteFailure(err);
    if (damage !== undefined) err = new DamagedDatabaseError(undefined, damage);
  }
  err = StorageError.from(err) ?? err;
  if (err instanceof LoreError) {
    process.stderr.write(`lore: ${terminalSafe(err.message)}\n${err.hint ? `hint: ${terminalSafe(err.hint)}\n` : ''}`);
    return 2;
  }
  const e = err as Error;
  process.stderr.write(`lore: unexpected error: ${e?.stack ? sourceStack(e.stack) : String(err)}\nplease report this at the lore issue tracker with the command you ran\n`);
  return 2;
}
