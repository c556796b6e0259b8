/**
 * Progress and warnings from the core, typed. The core never prints: it emits, and src/cli renders
 * (progress bars and warnings on stderr) or ignores.
 */
export type LoreEvent =
  | { type: 'progress'; stage: string; done: number; total?: number }
  | { type: 'stage-end'; stage: string }
  | { type: 'warning'; message: string; file?: string; line?: number };

export type Reporter = ((event: LoreEvent) => void) & {
  /** False when nothing shows progress bars: the core then skips work done only to size them. */
  rendersProgress?: boolean;
};

/** A reporter that drops everything: the default when the caller does not care. */
export const silent: Reporter = Object.assign(() => {}, { rendersProgress: false });
