import { clip, sentences } from './text.js';

// Phrases that state a choice. A bare "because" explains, it does not decide: it counts only
// next to a verb of choosing ("use X because", "went with X because").
const DECISION = [
  /\binstead of\b/i,
  /\brather than\b/i,
  /\b(?:we|i|they)(?:'ve| have)? (?:chose|chosen|decided|picked|opted|settled on|went with|are going with|will go with|'ll go with)\b/i,
  /\b(?:decided to|decision (?:is|was) to|opted (?:for|to))\b/i,
  /\btrade-?offs?\b/i,
  /\b(?:use|using|go with|went with|prefer|switch(?:ed)? to|keep)\b.{1,80}\bbecause\b/i,
];

/** Sentences of a message that state a decision ("use X instead of Y because ..."). */
export function decisionSentences(text: string): string[] {
  const out: string[] = [];
  for (const s of sentences(text)) {
    if (s.length < 20 || s.length > 500 || s.endsWith('?')) continue;
    if (DECISION.some((re) => re.test(s))) out.push(clip(s, 300));
  }
  return out;
}
