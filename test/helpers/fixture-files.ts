import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { REAL_FIXTURES } from '../fixtures/paths.mjs';

// The fixture folders keep the tools' own names; only these differ from the adapter's id.
const FOLDER: Record<string, string> = { copilot: 'copilot-vscode' };

/** Every file under the real fixtures of the tool adapter `id` reads (none when it has no folder). */
export function toolFixtures(id: string): string[] {
  return filesUnder(join(REAL_FIXTURES, FOLDER[id] ?? id));
}

/**
 * A writable copy of the real fixture `file` holding `content`, in a temp folder that keeps its
 * name, the folders above it and its sibling files (some adapters read them).
 */
export function fixtureCopy(file: string, content: Buffer | string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'lore-fixture-')), relative(REAL_FIXTURES, file), '..');
  mkdirSync(dir, { recursive: true });
  for (const sibling of readdirSync(join(file, '..'))) {
    const from = join(file, '..', sibling);
    if (statSync(from).isFile() && from !== file) copyFileSync(from, join(dir, sibling));
  }
  const path = join(dir, basename(file));
  writeFileSync(path, content);
  return path;
}

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) filesUnder(path, out);
    else out.push(path);
  }
  return out;
}
