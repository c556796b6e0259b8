/**
 * Progress and warnings from the core, typed. The core never prints: it emits, and src/cli renders
 * (progress bars and warnings on stderr) or ignores.
 */
export type LoreEvent =
  | { type: 'progress'; stage: string; done: number; total?: number }
  | { type: 'stage-end'; stage: string }
  | { type: 'warning'; message: string; file?: string; line?: number };

export type Reporter = (event: LoreEvent) => void;

/** A reporter that drops everything: the default when the caller does not care. */
export const silent: Reporter = () => {};
