import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CliResult } from './cli.js';

/**
 * A Claude Code transcript written line by line, shaped like the real ones: each line's
 * parentUuid is the uuid of the line before, a second apart from `start`.
 */
export function claudeTranscript(cwd: string, sessionId: string, start: string) {
  const lines: string[] = [];
  let parent: string | null = null;
  const push = (obj: Record<string, unknown>): void => {
    const n = lines.length + 1;
    const uuid = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const timestamp = new Date(Date.parse(start) + n * 1000).toISOString();
    lines.push(JSON.stringify({ parentUuid: parent, isSidechain: false, userType: 'external', cwd, sessionId, version: '2.0.64', uuid, timestamp, ...obj }));
    parent = uuid;
  };
  return {
    /** A line of any type; `obj` is merged over the common fields. */
    push,
    user: (content: unknown): void => push({ type: 'user', message: { role: 'user', content } }),
    assistant: (content: unknown[], id: string): void => push({ type: 'assistant', message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content } }),
    /** The file's text. */
    text: (): string => lines.join('\n') + '\n',
  };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every byte lore wrote (its home: database, WAL, logs; the repository's .git/lore) or printed, as latin1 text by place. */
export function writtenAndPrinted(loreHome: string, repo: string, outputs: CliResult[]): [string, string][] {
  return [
    ...[...filesUnder(loreHome), ...filesUnder(join(repo, '.git', 'lore'))].map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
    ...outputs.map((o, i): [string, string] => [`output of command ${i}`, Buffer.from(o.stdout + o.stderr, 'utf8').toString('latin1')]),
  ];
}

/** `<name> in <place>` for every needle of every planted secret found in `places` (as UTF-8 bytes). */
export function leaksIn<T extends { name: string }>(places: [string, string][], planted: T[], needles: (c: T) => string[]): string[] {
  const found: string[] = [];
  for (const c of planted) {
    for (const needle of needles(c)) {
      const bytes = Buffer.from(needle, 'utf8').toString('latin1');
      for (const [where, text] of places) if (text.includes(bytes)) found.push(`${c.name} in ${where}`);
    }
  }
  return found;
}
