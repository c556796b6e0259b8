import { createRequire } from 'node:module';
import type { ts as TypeScript } from 'ts-morph';

// TypeScript's compiler API (ts-morph's bundled copy), loaded with require(). An ESM `import` of
// ts-morph (what the graph worker's and `lore related`'s ESM chunks did) costs ~100 ms more CPU
// in a fresh process (~280 ms against ~175 ms), about half of it Node's CommonJS export lexer
// reading ts-morph's 1 MB to find its named exports.
export const ts = (createRequire(import.meta.url)('ts-morph') as { ts: typeof TypeScript }).ts;

/** The compiler API's types (`TS.CompilerOptions`, ...): `ts` above is a value. */
export type { TypeScript as TS };
