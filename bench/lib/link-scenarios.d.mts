// Types for link-scenarios.mjs (used by test/link/scenarios.test.ts).
export type Pair = [string, string];
export interface Env {
  CLAUDE_CONFIG_DIR?: string;
  CODEX_HOME?: string;
  [k: string]: string | undefined;
}
export function makeRepo(prefix?: string): string;
export function git(dir: string, args: string[], env?: Record<string, string>): string;
export function commitAt(dir: string, files: Record<string, string | null>, message: string, date: string): string;
export function handScenario(env: Env): {
  dir: string;
  rebase(): { before: string; after: string };
  files: string[];
  prompts: Record<'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7', string>;
  expected: Pair[];
};
export function generatedScenario(env: Env, options?: { seed?: number; requests?: number; fileCount?: number }): { dir: string; files: string[]; expected: Pair[] };
export function pairsFromWhy(why: unknown, file: string): Pair[];
export function score(expected: Pair[], found: Pair[]): { expected: number; found: number; correct: number; precision: number; recall: number; missing: Pair[]; wrong: Pair[] };
