import { crypto } from '../builtins.js';

/**
 * The kinds of `relationships` rows (DESIGN.md §2): exactly those the seed schema's CHECK allows,
 * which test/db/relationships.test.ts holds them to. SQL names a kind through sqlType(), so a
 * misspelt kind fails to compile instead of silently matching no row.
 */
export const RELATIONSHIP_TYPES = ['code_code', 'intent_implementation', 'code_decision', 'decision_prior_art'] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** A relationship type as an SQL string literal. */
export function sqlType(type: RelationshipType): string {
  return `'${type}'`;
}

const hash = (...parts: string[]): string => crypto().createHash('sha1').update(parts.join('\0')).digest('hex').slice(0, 24);

/** Deterministic relationship id: re-running the link stage never duplicates a link. */
export function relationshipId(type: RelationshipType, project: string, source: string, target: string): string {
  return `${type}:${hash(project, source, target)}`;
}
