import { createRequire } from 'node:module';
import type { ts as TypeScript } from 'ts-morph';

// TypeScript's compiler API (ts-morph's bundled copy), loaded with require(). An ESM `import` of
// ts-morph (what the graph worker's and `lore related`'s ESM chunks did) first runs Node's
// CommonJS export lexer over ts-morph, its common package and TypeScript (13 MB) to find named
// exports: ~100 ms of CPU on every process that builds the graph, before any file is read.
export const ts = (createRequire(import.meta.url)('ts-morph') as { ts: typeof TypeScript }).ts;

/** The compiler API's types (`TS.CompilerOptions`, ...): `ts` above is a value. */
export type { TypeScript as TS };
