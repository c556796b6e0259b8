import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RELATIONSHIP_TYPES } from '../../src/db/index.js';
import { SEED_SCHEMA } from '../fixtures/paths.mjs';
import { tempDb } from '../helpers/temp-db.js';

describe('RELATIONSHIP_TYPES', () => {
  it('are exactly the types the seed schema allows', () => {
    const check = /type TEXT NOT NULL CHECK \(type IN \(([^)]*)\)\)/.exec(readFileSync(SEED_SCHEMA, 'utf8'));
    const allowed = [...check![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect([...RELATIONSHIP_TYPES].sort()).toEqual(allowed.sort());
  });

  it('are each accepted by a migrated database, and nothing else is', () => {
    const { db } = tempDb();
    const insert = db.prepare("INSERT INTO relationships (id, type, source_path, target_path, metadata) VALUES (?, ?, 'a', 'b', '{}')");
    for (const type of RELATIONSHIP_TYPES) insert.run(type, type);
    expect(() => insert.run('other', 'code_other')).toThrow(/CHECK constraint failed/);
    db.close();
  });
});
