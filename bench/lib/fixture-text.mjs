// Finds a sentence of a real fixture by its text: the line it starts on, and whether it is still
// there. Works on Markdown (Aider) and on JSON/JSONL transcripts alike: for JSON, the text of a
// line is its string literals, unescaped. Whitespace is collapsed on both sides, so a sentence
// that wraps lines (Markdown) or had list markers and line breaks removed is still found.
import { readFileSync } from 'node:fs';

const norm = (s) => s.replace(/\s+/g, ' ').trim();

function lineText(line, json) {
  if (!json) return line;
  const parts = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    try {
      parts.push(JSON.parse(`"${m[1]}"`));
    } catch {
      parts.push(m[1]);
    }
  }
  return parts.join(' ');
}

/** How many lines a sentence may span in a Markdown file. */
const WINDOW = 8;

function texts(path) {
  const json = /\.jsonl?$/.test(path);
  return readFileSync(path, 'utf8').split('\n').map((l) => norm(lineText(l, json)));
}

/** 1-based line where `sentence` starts in `path`, or null. */
export function findSentence(path, sentence) {
  const lines = texts(path);
  const want = norm(sentence);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(want)) return i + 1;
    if (lines[i].includes(want.slice(0, 20)) && lines.slice(i, i + WINDOW).join(' ').includes(want)) return i + 1;
  }
  return null;
}

/** True when `sentence` is in `path` starting at `line` (allowing a wrap over a few lines). */
export function sentenceAt(path, line, sentence) {
  const lines = texts(path);
  return lines.slice(line - 1, line - 1 + WINDOW).join(' ').includes(norm(sentence));
}
