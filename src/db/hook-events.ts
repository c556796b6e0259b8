import type { Db } from './open.js';

export interface HookEvent {
  id: number;
  kind: 'commit' | 'merge' | 'rewrite';
  payload: string;
}

/**
 * Moves events read from the hook queue file into hook_events and advances the file offset, in
 * one transaction: each queued line becomes exactly one row, even if the worker dies midway.
 * With `expectedOffset` (the offset the events were read from), it does nothing and returns
 * false when another process moved the offset meanwhile: two catch-ups reading the queue at
 * once (a query beside the hook worker) must not both take the same lines.
 */
export function acceptHookEvents(db: Db, projectPath: string, events: Omit<HookEvent, 'id'>[], newOffset: number, expectedOffset?: number): boolean {
  const insert = db.prepare('INSERT INTO hook_events (project_path, kind, payload, queued_at) VALUES (?, ?, ?, unixepoch())');
  return db.transaction(() => {
    if (expectedOffset !== undefined && queueOffset(db, projectPath) !== expectedOffset) return false;
    for (const e of events) insert.run(projectPath, e.kind, e.payload);
    db.prepare(
      `INSERT INTO repos (project_path, queue_offset) VALUES (?, ?)
       ON CONFLICT(project_path) DO UPDATE SET queue_offset = excluded.queue_offset`,
    ).run(projectPath, newOffset);
    return true;
  }).immediate();
}

export function queueOffset(db: Db, projectPath: string): number {
  const row = db.prepare('SELECT queue_offset FROM repos WHERE project_path = ?').get(projectPath) as { queue_offset: number } | undefined;
  return row?.queue_offset ?? 0;
}

export function pendingHookEvents(db: Db, projectPath: string): HookEvent[] {
  return db.prepare('SELECT id, kind, payload FROM hook_events WHERE project_path = ? AND processed_at IS NULL ORDER BY id').all(projectPath) as HookEvent[];
}

export function markHookEventsProcessed(db: Db, ids: number[]): void {
  const stmt = db.prepare("UPDATE hook_events SET processed_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE id = ?");
  db.transaction(() => {
    for (const id of ids) stmt.run(id);
  }).immediate();
}

export function countPendingHookEvents(db: Db, projectPath?: string): number {
  const row = projectPath
    ? db.prepare('SELECT count(*) AS n FROM hook_events WHERE processed_at IS NULL AND project_path = ?').get(projectPath)
    : db.prepare('SELECT count(*) AS n FROM hook_events WHERE processed_at IS NULL').get();
  return (row as { n: number }).n;
}
