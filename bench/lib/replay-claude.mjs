// Builds Claude Code transcripts of any size by replaying the real fixtures with fresh ids
// (session ids, uuids, message ids, tool-use ids), so every copy is a distinct session.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REAL_FIXTURES } from '../../test/fixtures/paths.mjs';

export const FIXTURES = join(REAL_FIXTURES, 'claude-code');

/** Every real Claude Code fixture (main sessions only: subagent files replay as part of none). */
export function fixtureFiles(dir = FIXTURES) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...fixtureFiles(p));
    else if (e.name.endsWith('.jsonl') && !e.name.startsWith('agent-')) out.push(p);
  }
  return out.sort();
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const NATIVE = /\b(msg_[A-Za-z0-9_]+|toolu_[A-Za-z0-9_]+|req_[A-Za-z0-9]+)/g;

function freshUuid(seed, old) {
  const h = createHash('sha1').update(`${seed}:${old}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One fixture's text with every id replaced, deterministically for a given `seed`. */
export function replay(text, seed) {
  return text.replace(UUID, (m) => freshUuid(seed, m)).replace(NATIVE, (m) => `${m}_${seed}`);
}

/** Lines of the fixtures replayed until `bytes` is reached, as whole transcripts of fresh sessions. */
export function* replayedTranscripts(bytes, files = fixtureFiles()) {
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  let total = 0;
  for (let copy = 0; total < bytes; copy++) {
    const text = replay(texts[copy % texts.length], `r${copy}`);
    total += Buffer.byteLength(text);
    yield { name: `replay-${copy}.jsonl`, text };
  }
}

export function sizeOf(files) {
  return files.reduce((n, f) => n + statSync(f).size, 0);
}
