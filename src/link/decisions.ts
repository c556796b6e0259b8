import { clip, contentWords, sentences } from './text.js';

// A decision states a choice and either the alternative it rejects or its reason (issue 12; the
// labelled set and its guide: test/fixtures/decisions-labelled.json, measured by
// bench/decisions.mjs). "Instead of" alone is not enough: in real transcripts it mostly
// describes what code returns, what a test mocks or which exception a fix catches.

/** The alternative rejected: "instead of X", "rather than X", a trailing "... instead". */
const ALTERNATIVE = /\binstead of\b|\brather than\b|\binstead\s*[.!]?$|^instead\b|[,;]\s*instead\b/i;

/** "Instead of X, Y" and "do Y instead": the sentence is built around the choice itself. */
const FRAMED = /^instead of\b|\binstead\s*[.!]?$|[,;]\s*instead\b/i;

/** Verbs that name what was chosen (next to an alternative or a reason). */
const CHOICE =
  /\b(?:use[sd]?|using|import(?:s|ed)?|switch(?:es|ed)? to|replace[sd]?|prefer(?:s|red)?|go(?:ing)? with|went with|rely|relying|adopt(?:s|ed)?|design|keep|kept|store[sd]?|set|separated?|split|placed?|load(?:s|ed)?|rename[sd]?|initiali[sz]e[sd]?|default|make[s]?|made)\b/i;

/** Someone saying they chose: the choice is the sentence's point, a reason or alternative still needed. */
const CHOSE = /\b(?:we|i|they)(?:'ve| have)? (?:chose|chosen|decided|picked|opted|settled on|went with|are going with|will go with|'ll go with)\b|\b(?:decided to|decision (?:is|was) to|opted (?:for|to))\b/i;

/** A reason given for a choice. A bare "because" counts only after a verb of choosing. */
const REASON =
  /\b(?:use[sd]?|using|go with|went with|prefer|switch(?:ed)? to|keep|chose|chosen|decided|picked)\b.{1,80}\bbecause\b|\bto avoid\b|\(avoid\b|\bavoid(?:s|ing)? (?:\w+ )?(?:shared|needless|unnecessary|conflicts?|dependenc)|\b(?:for|maintain(?:s|ing)?) consistency\b|\bfor better\b|\bto (?:maintain|preserve|keep) the (?:current|existing)\b|\bwhich (?:preserves|already handles|allows for)\b|\b(?:is|are) (?:generally )?(?:safer|more reliable)\b|\bsafer to\b|\bcorrect approach\b|\b(?:to make|making|which makes)\b.{1,60}\bmore (?:consistent|robust|reliable|readable|efficient|maintainable|flexible)\b|\(no [^)]*needed\)|\btrade-?offs?\b/i;

/** The choice is only "this"/"that": its content is in another sentence. */
const ONLY_THIS = /^(?:this|that|it)(?: (?:approach|way|method|solution|change|modification|pattern))?,? (?:is|was|will|would|should|provides?|allows?|makes?|gives?|ensures?|results?|keeps?|means)\b|\b(?:do|try) (?:that|this|it)\b/i;

/**
 * Sentences that look like a choice but are not one: tests and their fixes, fixes forced by an
 * error or a linter, descriptions of what code returns or prints, options offered without
 * choosing, and restatements of the request.
 */
const NOT_A_CHOICE = [
  /\b(?:tests?|testing|pytest|unittest|mock\w*|assert\w*|test_\w+)\b/i,
  /\b(?:catch(?:es|ing)?|except|exceptions?|errors?|lint\w*|flake8|bugs?|traceback|fail(?:s|ed|ing|ure)?|crash\w*)\b/i,
  /\b(?:returning|returns|prints?(?: out)?|overrides|handles? the case|will show|we pass)\b|\binstead of just\b/i,
  /\b(?:you (?:could|might|can)|we (?:could|might))\b/i,
  /\bI understand\b|\b(?:understand|see) that you\b|\byou(?:'ve| have) (?:asked|shared|requested)\b|\bit seems\b/i,
];

/** True when a sentence states a choice together with its reason or the alternative it rejects. */
export function isDecision(s: string): boolean {
  if (s.length < 20 || s.length > 500 || s.endsWith('?')) return false;
  if (NOT_A_CHOICE.some((re) => re.test(s))) return false;
  const alternative = ALTERNATIVE.test(s);
  const reason = REASON.test(s);
  // "This approach is better because ..., rather than ..." names the choice in its reason.
  if (ONLY_THIS.test(s)) return alternative && reason;
  if (alternative && (reason || FRAMED.test(s) || CHOICE.test(s) || CHOSE.test(s))) return true;
  return reason && (CHOICE.test(s) || CHOSE.test(s) || /^\*\*[^*]+\*\*:?/.test(s) || /\btrade-?offs?\b/i.test(s));
}

/** Sentences of a message that state a decision ("use X instead of Y because ..."). */
export function decisionSentences(text: string): string[] {
  return sentences(text)
    .filter(isDecision)
    .map((s) => clip(s, 300));
}

const codeNames = (s: string): string[] => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.toLowerCase());

/**
 * Whether two decision sentences say the same thing (a plan and its summary, a prompt retried):
 * most content words shared, and each one's code names (in backticks) found in the other, so
 * "use A instead of B" and "use A instead of C" stay apart.
 */
export function isNearDuplicate(a: string, b: string): boolean {
  const wa = contentWords(a);
  const wb = new Set(contentWords(b));
  const shared = wa.filter((w) => wb.has(w)).length;
  if (shared < 3 || shared / Math.min(wa.length, wb.size) < 0.6) return false;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return codeNames(a).every((n) => lb.includes(n)) && codeNames(b).every((n) => la.includes(n));
}
