import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** End-to-end tests spawn dist/cli.js: build it once if `vitest` runs without `npm test`. */
export default function setup(): void {
  if (!existsSync('dist/cli.js') || process.env.LORE_TEST_REBUILD) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
}
