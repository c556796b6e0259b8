/**
 * Secret redaction, applied to every text before it reaches the database. Each rule names a kind;
 * a match is replaced by `[REDACTED:<kind>]`. Rules are ordered from most to least specific.
 */
export interface Redaction {
  text: string;
  /** Number of secrets replaced. */
  count: number;
  /** Count per kind, e.g. { 'openai-key': 1 }. */
  kinds: Record<string, number>;
}

interface Rule {
  kind: string;
  pattern: RegExp;
  /** Which capture group holds the secret (the rest of the match is kept). 0 = whole match. */
  group?: number;
}

const RULES: Rule[] = [
  { kind: 'private-key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'anthropic-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'openai-key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'stripe-key', pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // scheme://user:password@host — keep the scheme and host, drop the credentials.
  { kind: 'url-credentials', pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]+:[^\s@/]+)@/gi, group: 2 },
  // KEY=value where the name says it is secret (.env files, shell exports, config snippets).
  {
    kind: 'secret-assignment',
    pattern: /\b((?:export\s+)?[A-Za-z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Za-z0-9_]*\s*[:=]\s*["']?)([^\s"']{6,})/gi,
    group: 2,
  },
];

/** Replaces every secret in `text`; returns the safe text and what was replaced. */
export function redact(text: string): Redaction {
  let out = text;
  let count = 0;
  const kinds: Record<string, number> = {};
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match: string, ...groups: unknown[]) => {
      const secret = rule.group ? (groups[rule.group - 1] as string) : match;
      if (secret.startsWith('[REDACTED:')) return match;
      count++;
      kinds[rule.kind] = (kinds[rule.kind] ?? 0) + 1;
      const placeholder = `[REDACTED:${rule.kind}]`;
      return rule.group ? match.replace(secret, placeholder) : placeholder;
    });
  }
  return { text: out, count, kinds };
}
