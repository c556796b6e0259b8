import { createRequire } from 'node:module';
import type { ts as TypeScript } from 'ts-morph';

// TypeScript's compiler API (ts-morph's bundled copy), loaded with require(): an ESM `import` of
// ts-morph makes Node's CommonJS export lexer read all of ts-morph to find its named exports,
// which costs a fresh process noticeable CPU (docs/performance.md).
export const ts = (createRequire(import.meta.url)('ts-morph') as { ts: typeof TypeScript }).ts;

/** The compiler API's types (`TS.CompilerOptions`, ...): `ts` above is a value. */
export type { TypeScript as TS };
