/**
 * Secret redaction, applied to every text before it reaches the database (chat messages, tool
 * output, file edits, commit messages). Each rule names a kind; a secret is replaced by
 * `[REDACTED:<kind>]`. Rules are listed from most to least specific: where two rules claim the
 * same characters the earlier wins, so a provider token inside an assignment is named after
 * its provider.
 *
 * Speed: this runs on every ingested message. One scan finds where a rule could match (a table
 * of the literals' first characters, then a trie of every rule's literals where one may start);
 * most rules are anchored (their match starts at their literal) and
 * run as sticky regexes at those positions only, so a text costs one scan plus a few short
 * attempts. Safety on hostile input: every repetition is bounded or over a class that cannot
 * overlap what follows it, so no input makes a rule backtrack more than linearly
 * (test/ingest/redact.test.ts feeds megabyte-long adversarial inputs; bench/redact.mjs measures
 * throughput; test/ingest/redact-corpus.test.ts measures the false-positive rate).
 */
export interface Redaction {
  text: string;
  /** Number of secrets replaced. */
  count: number;
  /** Count per kind, e.g. { 'openai-key': 1 }. */
  kinds: Record<string, number>;
}

interface RuleSpec {
  kind: string;
  /** Source of the pattern. Anchored rules must match starting exactly at one of their literals. */
  source: string;
  flags?: string;
  /** Literals (case-sensitive): every match contains one; the rule runs only where one occurs. */
  hints?: string[];
  /** Same, case-insensitive (written lower-case). */
  lowerHints?: string[];
  /** false: the literal is inside the match, so the rule scans the whole text when triggered. */
  anchored?: boolean;
  /** With `keep`, group 1 is kept and the first defined later group is the secret; else the whole match. */
  keep?: boolean;
  /** Last word on a candidate: false leaves it alone (placeholders, code references, ...). */
  accept?: (secret: string, match: string, offset: number, text: string) => boolean;
  /** The secret also takes in the base64 lines just above the match. */
  extendBack?: boolean;
  /** The secret also takes in this many characters before the match (matched by a lookbehind). */
  extendBackBy?: number;
}

interface Rule extends RuleSpec {
  index: number;
  sticky: RegExp;
  global: RegExp;
}

// A token may not continue a longer word on either side.
const L = '(?<![A-Za-z0-9_])';
const R = '(?![A-Za-z0-9_])';

const hasDigit = (s: string): boolean => /\d/.test(s);
const hasLower = (s: string): boolean => /[a-z]/.test(s);
const hasUpper = (s: string): boolean => /[A-Z]/.test(s);

/** Random-looking: letters and digits mixed, and not a repeated or sequential filler. */
function looksRandom(s: string): boolean {
  if (!hasDigit(s) || !(hasLower(s) || hasUpper(s))) return false;
  return new Set(s).size >= 10;
}

/** A value with what keys and tokens have and words lack: a digit, a symbol, or long mixed case. */
function isSecretish(v: string): boolean {
  return /\d/.test(v) || /[^A-Za-z0-9 ._-]/.test(v) || (v.length >= 20 && hasUpper(v) && hasLower(v));
}

/** Values that name a secret rather than hold one: env references, templates, masks, placeholders. */
function isReference(v: string): boolean {
  return (
    /^(?:\$|%|<|\{\{|\$\{|#\{|@|!|&|\*)/.test(v) ||
    /^(?:process\.env|os\.environ|os\.getenv|env\.|ENV\[|getenv|secrets\.|vars\.|import\.meta)/i.test(v) ||
    // Masked displays (`...9doi`, `****abcd`, `sk-...`).
    /^(?:[.*\u2022]{3}|x{4})|\.\.\.|\*{3}/.test(v) ||
    /^(?:password|passwd|pass|pwd|secret|token|api[_-]?key|key|user|value|string)$/i.test(v) ||
    /redacted/i.test(v) ||
    // A placeholder inside the value: `provider=<key>`, `"{api_key}"`, `sk-...`.
    /<[A-Za-z_ -]{1,30}>|^\{[A-Za-z_][\w.]{0,40}\}$/.test(v) ||
    /^(?:x{3,}|-+|_+|null|none|nil|undefined|true|false|empty|changeme|your[_-].*|my[_-]?(?:secret|password|token|key)|example.*|placeholder|dummy|todo|tbd)$/i.test(v)
  );
}

/**
 * An unquoted value that reads as code, not as a secret: `string`, `req.body.password`,
 * `PasswordHash;`, `config.token,` (an identifier, or an identifier chain).
 */
function isCodeIdentifier(v: string): boolean {
  return /^[A-Za-z_$][A-Za-z_$]*(?:\.[A-Za-z_$][A-Za-z_$]*)*[;,)?!]*$/.test(v) || /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+[;,)?!]*$/.test(v);
}

/** The whole name an assignment assigns to: the name characters before the keyword, and the keyword. */
function nameAt(text: string, offset: number, match: string): string {
  let start = offset;
  while (start > 0 && offset - start < 80 && /[A-Za-z0-9_.-]/.test(text[start - 1]!)) start--;
  const keyword = /^[A-Za-z0-9_.-]*/.exec(match)?.[0] ?? '';
  return text.slice(start, offset) + keyword;
}

// Which names count as secret: the keyword ends the name, and some keywords need a qualifier.
function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  if (/key$/.test(n)) return /(?:api|access|private|secret|signing|encryption|master|account|client|auth|license|app|subscription)[_.-]?key$/.test(n);
  if (/pwd$/.test(n)) return /[_.-]pwd$/.test(n);
  // SSHPASS, MYSQL_PASS: an environment name; `compass`, `bypass` are words.
  if (/pass$/.test(n)) return /[_.-]pass$/.test(n) || /^[A-Z0-9_]*PASS$/.test(name);
  // A personal access token (AZURE_DEVOPS_EXT_PAT, GITHUB_PAT); `path`, `pattern` do not end so.
  if (/pat$/.test(n)) return /(?:^|[_.-])pat$/.test(n);
  return true;
}

function acceptAssignment(secret: string, match: string, offset: number, text: string): boolean {
  const name = nameAt(text, offset, match);
  if (!isSecretName(name) || isReference(secret)) return false;
  // `==` is a comparison or a version pin (`tiktoken==0.7.0`), not an assignment.
  if (secret.startsWith('=')) return false;
  // A dependency's version range (`"registry-auth-token": "npm:^5.0.1"`).
  if (/^(?:npm:|workspace:)?[~^>=<v]{0,2}\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?$/.test(secret)) return false;
  // `auth` alone names many things (`auth: true`): only credential-looking values.
  if (/auth$/i.test(name) && !(secret.length >= 8 && /[\d=:]/.test(secret))) return false;
  // `pat` in code is a pattern; only a token-looking value is a personal access token.
  if (/pat$/i.test(name) && !/^[A-Z0-9_]+$/.test(name) && !looksRandom(secret)) return false;
  const end = offset + match.length;
  if (match.endsWith(`${secret}"`) || match.endsWith(`${secret}'`)) {
    // A string-literal union (`type RequestCredentials = "include" | "omit"`) or prose.
    if (/^[ \t]*\|/.test(text.slice(end, end + 8)) || secret.split(' ').length > 3 || secret.length < 4) return false;
    // Passwords are often plain words; keys and tokens are not (`apiKey: 'ollama'` names a mode).
    return /(?:pass|pwd|passwd|passphrase)["']?$/i.test(name) || /^[A-Z0-9_]+$/.test(name) || isSecretish(secret);
  }
  if (secret.length < 4) return false;
  // `password: DB_PASSWORD='x'`: the value is another assignment, matched on its own. (A value
  // stops at '='; a run of '=' followed by more text is an assignment, at the end it is padding.)
  if (/^[A-Za-z_][\w.-]*=+$/.test(secret) && /["'\w$]/.test(text[offset + match.length] ?? '')) return false;
  // NAME=value in a .env file or a shell: anything but a reference is the secret itself.
  if (/^[A-Z0-9_]+$/.test(name) && /=[ \t]*$/.test(match.slice(0, match.length - secret.length))) return true;
  if (isCodeIdentifier(secret)) return false;
  return !/^(?:\d{1,5}|0x[0-9a-f]+|\d+\.\d+(?:\.\d+)*)$/i.test(secret);
}

/** `user:password` of a URL: a password, not a port (`host:8080/a@b`), a path or a reference. */
function acceptUrlPassword(credentials: string): boolean {
  const password = credentials.slice(credentials.indexOf(':') + 1);
  return !isReference(password) && !/^\d{1,5}(?:\/|$)/.test(password) && !/^[^/]*\/\//.test(password);
}

// Provider tokens with a recognizable prefix: [kind, pattern, literals the match starts with, check].
const PREFIXED: [string, string, string[], ((s: string) => boolean)?][] = [
  ['anthropic-key', `${L}sk-ant-[A-Za-z0-9_-]{20,}`, ['sk-ant-']],
  ['openai-key', `${L}sk-(?:proj-|svcacct-|admin-|None-|or-v1-)?[A-Za-z0-9_-]{20,}`, ['sk-'], looksRandom],
  ['github-token', `${L}(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})`, ['gh', 'github_pat_']],
  ['gitlab-token', `${L}(?:gl(?:pat|dt|rt|ptt|soat|ft|cbt|imt|oas|ffct|wt|cdt|agent)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,})`, ['gl', 'GR1348941']],
  ['aws-access-key', `${L}(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}${R}`, ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T']],
  ['google-api-key', `${L}AIza[0-9A-Za-z_-]{35}`, ['AIza']],
  ['google-oauth', `${L}(?:GOCSPX-[A-Za-z0-9_-]{28}|ya29\\.[0-9A-Za-z_-]{30,}|1//0[0-9A-Za-z_-]{40,})`, ['GOCSPX-', 'ya29.', '1//0']],
  ['slack-token', `${L}(?:xox[abposre]-[A-Za-z0-9-]{10,}|xoxe\\.xox[bp]-[A-Za-z0-9-]{20,}|xapp-\\d-[A-Za-z0-9-]{20,})`, ['xox', 'xapp-']],
  ['slack-webhook', `https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}`, ['https://hooks.slack.com']],
  ['discord-webhook', `https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d+/[A-Za-z0-9_-]{20,}`, ['https://discord', 'https://ptb.discord', 'https://canary.discord']],
  ['stripe-key', `${L}(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})`, ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'whsec_']],
  ['npm-token', `${L}npm_[A-Za-z0-9]{36}${R}`, ['npm_']],
  ['pypi-token', `${L}pypi-AgE[A-Za-z0-9_-]{50,}`, ['pypi-AgE']],
  ['huggingface-token', `${L}(?:hf_|api_org_)[A-Za-z0-9]{30,}${R}`, ['hf_', 'api_org_'], (s) => hasUpper(s) && hasLower(s)],
  ['twilio-key', `${L}SK[0-9a-f]{32}${R}`, ['SK'], hasDigit],
  ['sendgrid-key', `${L}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}`, ['SG.']],
  ['digitalocean-token', `${L}do[por]_v1_[a-f0-9]{64}`, ['dop_v1_', 'doo_v1_', 'dor_v1_']],
  ['databricks-token', `${L}dapi[a-f0-9]{32}`, ['dapi'], hasDigit],
  ['linear-key', `${L}lin_api_[A-Za-z0-9]{40}`, ['lin_api_']],
  ['supabase-token', `${L}sbp_[a-f0-9]{40}`, ['sbp_']],
  ['shopify-token', `${L}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}`, ['shp']],
  ['groq-key', `${L}gsk_[A-Za-z0-9]{48,}`, ['gsk_']],
  ['replicate-token', `${L}r8_[A-Za-z0-9]{37}`, ['r8_']],
  ['xai-key', `${L}xai-[A-Za-z0-9]{70,}`, ['xai-']],
  ['perplexity-key', `${L}pplx-[A-Za-z0-9]{40,}`, ['pplx-']],
  ['postman-key', `${L}PMAK-[a-f0-9]{24}-[a-f0-9]{34}`, ['PMAK-']],
  ['sentry-token', `${L}(?:sntrys_|sntryu_)[A-Za-z0-9+/=_-]{40,}`, ['sntry']],
  ['grafana-token', `${L}(?:glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}|glc_[A-Za-z0-9+/=_-]{32,})`, ['gl']],
  ['newrelic-key', `${L}NRAK-[A-Z0-9]{27}`, ['NRAK-']],
  ['vault-token', `${L}hv[sb]\\.[A-Za-z0-9_-]{24,}`, ['hvs.', 'hvb.']],
  ['age-secret-key', `AGE-SECRET-KEY-1[0-9A-Z]{58}`, ['AGE-SECRET-KEY-']],
  ['docker-token', `${L}dckr_pat_[A-Za-z0-9_-]{27,}`, ['dckr_pat_']],
  ['square-token', `${L}sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}`, ['sq0']],
  // Shapes from gitleaks' default rules (MIT, github.com/gitleaks/gitleaks, config/gitleaks.toml).
  ['atlassian-token', `${L}AT(?:ATT|CTT)3[A-Za-z0-9_=-]{150,}`, ['ATATT3', 'ATCTT3']],
  ['mailgun-key', `${L}(?:key|pubkey)-[a-f0-9]{32}${R}`, ['key-', 'pubkey-'], hasDigit],
  ['aws-session-token', `${L}(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{100,}`, ['IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzE']],
  ['onepassword-token', `${L}(?:ops_eyJ[A-Za-z0-9+/]{100,}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}${R})`, ['ops_eyJ', 'A3-']],
  ['doppler-token', `${L}dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9_-]{40,}`, ['dp.']],
  ['pulumi-token', `${L}pul-[a-f0-9]{40}${R}`, ['pul-']],
  ['terraform-token', `${L}[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9=_-]{60,}`, ['.atlasv1.']],
  ['flyio-token', `${L}(?:fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})`, ['fo1_', 'fm1', 'fm2']],
  ['heroku-key', `${L}HRKU-AA[A-Za-z0-9_-]{58}`, ['HRKU-']],
  ['notion-token', `${L}(?:ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43}${R})`, ['ntn_', 'secret_'], (s) => hasDigit(s) && hasUpper(s)],
  ['airtable-token', `${L}pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}${R}`, ['pat']],
  ['planetscale-token', `${L}pscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,64}`, ['pscale_']],
  ['figma-token', `${L}figd_[A-Za-z0-9_-]{40}`, ['figd_']],
  ['mapbox-token', `${L}sk\\.eyJ[A-Za-z0-9_-]{40,}\\.[A-Za-z0-9_-]{20,}`, ['sk.eyJ']],
  ['typeform-token', `${L}tfp_[A-Za-z0-9_.=-]{59}`, ['tfp_']],
  ['clojars-token', `${L}CLOJARS_[a-z0-9]{60}${R}`, ['CLOJARS_']],
  ['dynatrace-token', `${L}dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}`, ['dt0c01.']],
  ['easypost-key', `${L}EZ[AT]K[A-Za-z0-9]{54}`, ['EZAK', 'EZTK']],
  ['adobe-secret', `${L}p8e-[A-Za-z0-9]{32}${R}`, ['p8e-'], hasDigit],
  ['alibaba-key', `${L}LTAI[A-Za-z0-9]{20}${R}`, ['LTAI'], hasDigit],
  ['contentful-token', `${L}CFPAT-[A-Za-z0-9_-]{43}`, ['CFPAT-']],
  ['prefect-key', `${L}pnu_[A-Za-z0-9]{36}${R}`, ['pnu_']],
  ['readme-key', `${L}rdme_[a-z0-9]{70}${R}`, ['rdme_']],
  ['rubygems-key', `${L}rubygems_[a-f0-9]{48}${R}`, ['rubygems_']],
  ['brevo-key', `${L}xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}`, ['xkeysib-']],
  ['shippo-token', `${L}shippo_(?:live|test)_[a-f0-9]{40}`, ['shippo_']],
  ['nuget-key', `${L}oy2[a-z0-9]{43}${R}`, ['oy2'], hasDigit],
  ['sourcegraph-token', `${L}sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}${R}`, ['sgp_']],
  ['harness-token', `${L}(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}${R}`, ['pat.', 'sat.']],
  ['infracost-key', `${L}ico-[A-Za-z0-9]{32}${R}`, ['ico-'], hasDigit],
  ['openshift-token', `${L}sha256~[A-Za-z0-9_-]{43}${R}`, ['sha256~']],
  ['netlify-token', `${L}nf[pcbo]_[A-Za-z0-9]{36}${R}`, ['nfp_', 'nfc_', 'nfb_', 'nfo_'], hasDigit],
  ['neon-key', `${L}napi_[a-z0-9]{64}${R}`, ['napi_']],
  ['langsmith-key', `${L}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}`, ['lsv2_']],
  ['tavily-key', `${L}tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}${R}`, ['tvly-']],
  ['resend-key', `${L}re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}${R}`, ['re_'], looksRandom],
  ['pinecone-key', `${L}pcsk_[A-Za-z0-9]{5,8}_[A-Za-z0-9]{60,}`, ['pcsk_']],
  ['render-key', `${L}rnd_[A-Za-z0-9]{32}${R}`, ['rnd_'], looksRandom],
  ['duffel-token', `${L}duffel_(?:test|live)_[A-Za-z0-9_=-]{43}`, ['duffel_']],
  ['scalingo-token', `${L}tk-us-[A-Za-z0-9_-]{48}`, ['tk-us-']],
  ['frameio-token', `${L}fio-u-[A-Za-z0-9_=-]{64}`, ['fio-u-']],
];

const assignmentKeywords = 'secret|password|passwd|passphrase|pass|token|key|credentials?|pwd|auth|pat';

// Prefixes distinctive enough that a few characters after them are a secret's remains.
const FRAGMENT_PREFIXES = [
  'sk-ant-', 'sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-or-v1-', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_',
  'glpat-', 'glrt-', 'gldt-', 'glptt-', 'AKIA', 'ASIA', 'AIza', 'GOCSPX-', 'ya29.', 'xoxb-', 'xoxp-', 'xoxa-', 'xoxe-',
  'xapp-', 'sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'whsec_', 'npm_', 'pypi-AgE', 'hf_', 'SG.', 'dop_v1_',
  'lin_api_', 'sbp_', 'shpat_', 'shpss_', 'gsk_', 'xai-', 'pplx-', 'PMAK-', 'sntrys_', 'glsa_', 'NRAK-', 'hvs.',
  'AGE-SECRET-KEY-', 'dckr_pat_', 'ATATT3', 'ops_eyJ', 'dp.pt.', 'HRKU-', 'ntn_', 'figd_', 'CFPAT-', 'xkeysib-',
  'lsv2_', 'tvly-', 'pcsk_', 'dapi', 'IQoJb3JpZ2luX2Vj',
];

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A password that follows `prefix` on a command line: quoted or up to the next space. */
function commandRule(prefix: string, hints: string[]): RuleSpec {
  return {
    kind: 'command-password',
    source: `((?<![A-Za-z0-9_-])${prefix})(?:'([^'\\n]{1,200})'|"([^"\\n]{1,200})"|([^\\s'"]{1,200}))`,
    hints,
    keep: true,
    accept: (s) => !isReference(s),
  };
}

const SPECS: RuleSpec[] = [
  {
    kind: 'private-key',
    // To the END line, or to the end of the text when it was cut off.
    source: '-----BEGIN[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?(?:-----END[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----|$)',
    hints: ['-----BEGIN'],
  },
  {
    // The tail of a key whose BEGIN line is elsewhere (a commit subject, an earlier chunk of
    // output, `tail key.pem`): from the END line back over the base64 lines above it.
    kind: 'private-key',
    source: '-----END[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----',
    hints: ['-----END'],
    extendBack: true,
  },
  ...PREFIXED.map(([kind, source, hints, check]): RuleSpec => ({ kind, source, hints, ...(check ? { accept: (s: string) => check(s) } : {}) })),
  { kind: 'azure-client-secret', source: `${L}[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}`, hints: ['Q~'], anchored: false },
  { kind: 'telegram-bot-token', source: `${L}\\d{8,10}:AA[A-Za-z0-9_-]{33}${R}`, hints: [':AA'], anchored: false },
  {
    // Anchored at its suffix: the hex before it is looked for behind (a scan for 32 hex digits anywhere costs every text).
    kind: 'mailchimp-key',
    source: `(?<=${L}[0-9a-f]{32})-us\\d{1,2}${R}`,
    hints: ['-us'],
    extendBackBy: 32,
  },
  { kind: 'jwt', source: `${L}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*`, hints: ['eyJ'] },
  {
    // An AWS secret access key right after its key id: CSV exports, `aws configure` echoes.
    kind: 'aws-secret-key',
    source: '((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}[\\s,;:|"\'=]{1,20})([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])',
    hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    keep: true,
  },
  {
    kind: 'aws-secret-key',
    // `aws configure set aws_secret_access_key VALUE` separates the two with a space.
    source: '((?<![A-Za-z0-9])aws_?secret_?(?:access_?)?key["\']?(?:\\s{0,4}[:=]\\s{0,4}["\']?|[ \\t]{1,4}))([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])',
    flags: 'i',
    lowerHints: ['aws'],
    keep: true,
  },
  {
    // scheme://user:password@host: keep the scheme and host, drop the credentials.
    kind: 'url-credentials',
    // The password may hold '/' (unencoded); a port followed by a path (`host:8080/a@b`) is no password.
    source: '(?<=(?<![A-Za-z0-9_])[a-z][a-z0-9+.-]{1,30})(:\\/\\/)([^\\s:@/?#]{0,200}:[^\\s@?#"\'<>]{1,200})@',
    flags: 'i',
    hints: ['://'],
    keep: true,
    accept: acceptUrlPassword,
  },
  {
    // Key=value connection strings: ADO.NET / ODBC / Azure (`...;Password=...;`, `AccountKey=...`).
    kind: 'connection-string',
    source: '((?:(?<![A-Za-z0-9_])(?:AccountKey|SharedAccessKey|SharedAccessSignature)|;\\s?(?:Password|Pwd))\\s?=\\s?)([^;"\'\\s]{4,})',
    flags: 'i',
    lowerHints: ['accountkey', 'sharedaccess', ';password', '; password', ';pwd', '; pwd'],
    keep: true,
    accept: (s) => !isReference(s),
  },
  {
    // Azure SAS and signed URLs carry the signature as a query parameter.
    kind: 'url-signature',
    source: '([?&](?:sig|X-Amz-Signature|X-Goog-Signature|Signature)=)([A-Za-z0-9%/+=_-]{20,})',
    hints: ['sig=', 'Signature='],
    anchored: false,
    keep: true,
  },
  {
    kind: 'auth-header',
    source: '((?<![A-Za-z0-9_])authorization["\']?\\s{0,4}[:=]\\s{0,4}["\']?(?:(?:bearer|basic|token|bot|digest|apikey|sso-key|ssws|api-token)\\s{1,4})?)([A-Za-z0-9._~+/=:-]{8,})',
    flags: 'i',
    lowerHints: ['authorization'],
    keep: true,
    accept: (s) => !isReference(s) && !isCodeIdentifier(s),
  },
  {
    kind: 'auth-header',
    source: '((?<![A-Za-z0-9_])(?:Bearer|Basic)\\s{1,4})([A-Za-z0-9._~+/-]{16,}=*)',
    hints: ['Bearer', 'Basic'],
    keep: true,
    accept: (s) => looksRandom(s),
  },
  {
    // curl -u user:password, and .netrc `login x password y` (its lines may carry a diff's +/-).
    kind: 'basic-auth',
    source: '((?:(?<![A-Za-z0-9_-])(?:-u\\s{0,4}|--user[\\s=]{1,4})["\']?[^\\s:"\'-][^\\s:"\']{0,99}:|(?<![A-Za-z0-9_])login\\s{1,4}\\S{1,100}\\s{1,4}(?:[+-][ \\t]{0,4})?password\\s{1,4}))([^\\s"\']{4,200})',
    hints: ['-u', '--user', 'login'],
    keep: true,
    accept: (s) => !isReference(s),
  },
  {
    // A PuTTY key file: the whole block (its public lines say whose key it is, its private lines are the key).
    kind: 'private-key',
    source: 'PuTTY-User-Key-File-\\d: [\\s\\S]*?(?:Private-(?:MAC|Hash): [0-9a-fA-F]+|$)',
    hints: ['PuTTY-User-Key-File-'],
  },
  {
    // kubeconfig: a base64 PEM key inline.
    kind: 'private-key',
    source: '(client-key-data["\']?[ \\t]{0,4}:[ \\t]{0,4}["\']?)([A-Za-z0-9+/=]{16,})',
    hints: ['client-key-data'],
    keep: true,
  },
  // Passwords given on a command line, each tool its own flag.
  commandRule(`(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mysqlsh|mariadb(?:-dump|-admin)?)${R}[^\\n|;&]{0,300}?[ \\t]-p`, ['mysql', 'mariadb']),
  commandRule('sshpass[ \\t]{1,4}(?:-v[ \\t]{1,4})?-p[ \\t]{0,4}', ['sshpass']),
  commandRule(`(?:docker|podman|nerdctl|buildah|skopeo|oras|crane)[ \\t]{1,4}(?:[a-z]{1,10}[ \\t]{1,4})?login${R}[^\\n|;&]{0,300}?[ \\t](?:-p|--password)(?:=|[ \\t]{1,4})`, ['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'oras', 'crane']),
  commandRule(`(?:redis-cli|valkey-cli|keydb-cli)${R}[^\\n|;&]{0,300}?[ \\t](?:-a|--pass)[ \\t]{1,4}`, ['redis-cli', 'valkey-cli', 'keydb-cli']),
  commandRule(`-(?:passin|passout|pass|password|kpass)[ \\t]{1,4}pass:`, ['-pass', '-kpass']),
  commandRule(`openssl[ \\t]{1,4}(?:enc|aes[\\w-]{0,20}|des[\\w-]{0,20}|bf[\\w-]{0,20}|camellia[\\w-]{0,20})${R}[^\\n|;&]{0,300}?[ \\t]-k[ \\t]{1,4}`, ['openssl']),
  commandRule('gh[ \\t]{1,4}secret[ \\t]{1,4}set[^\\n|;&]{0,300}?[ \\t](?:-b|--body)(?:=|[ \\t]{1,4})', ['gh']),
  {
    // htpasswd -b FILE USER PASSWORD (the flag may be grouped: -bc, -nbB).
    ...commandRule('htpasswd(?:[ \\t]{1,4}-[A-Za-z]{1,6}){1,4}[ \\t]{1,4}[^\\s-]\\S{0,200}(?:[ \\t]{1,4}[^\\s-]\\S{0,100})?[ \\t]{1,4}', ['htpasswd']),
    accept: (s, match) => /^htpasswd(?:\s+-[A-Za-z]+)*?\s+-[A-Za-z]*b/.test(match) && !isReference(s),
  },
  {
    // A .pgpass line: host:port:database:user:password (the password runs to the end of the line);
    // also after other words on its line (a prompt quoting one, in brackets) or a diff's +/-.
    kind: 'pgpass',
    source: '(?<=(?<![A-Za-z0-9._*\\[\\]:-])[A-Za-z0-9._*\\[\\]-]{1,253})(:(?:\\d{1,5}|\\*):[^\\s:]{1,63}:[^\\s:]{1,63}:)(\\S{4,200})(?=\\r?$)',
    flags: 'm',
    // Postgres ports (and the wildcard): any colon before a digit would trigger on every timestamp.
    hints: [':*:', ':5432:', ':5433:', ':5434:', ':5435:', ':6432:'],
    keep: true,
    accept: (s, match, offset, text) => {
      const host = /[A-Za-z0-9._*[\]-]*$/.exec(text.slice(Math.max(0, offset - 253), offset))![0];
      const [, , database, user] = match.split(':');
      // Times and line:column positions are colon-separated numbers too.
      return !/^\d+$/.test(host) && !/^\d+$/.test(database!) && !/^\d+$/.test(user!) && !/^\d+$/.test(s) && !isReference(s);
    },
  },
  {
    // A quoted password or passphrase in prose or a command: `the passphrase is "..."`.
    kind: 'quoted-password',
    source: '((?<![A-Za-z0-9_])(?:password|passphrase|passwd|pass phrase)(?:[ \\t]{1,4}(?:is|was|of|=|:|to|as|set to))?[ \\t]{1,4})(?:"([^"\\n]{4,100})"|\'([^\'\\n]{4,100})\'|\u201c([^\u201d\\n]{4,100})\u201d|`([^`\\n]{4,100})`)',
    flags: 'i',
    lowerHints: ['pass'],
    keep: true,
    accept: (s) => !isReference(s) && !isCodeIdentifier(s) && s.split(' ').length <= 8 && !/\b(?:must|should|characters?|required|invalid|enter|please|your|the user|field|cannot|can't|incorrect|wrong|match|reset|forgot)\b/i.test(s) && !/[{}()<>%$]/.test(s),
  },
  {
    // --password xyz, --api-key xyz (the `=` form is an assignment below). Anchored at the keyword;
    // the flag's dashes are looked for behind it.
    kind: 'secret-flag',
    source: '(?<=(?<![A-Za-z0-9_])--?(?:[a-z0-9]{1,20}-){0,4})((?:password|passwd|token|secret|key|apikey)\\s{1,4}["\']?)([^\\s"\'-][^\\s"\']{5,300})',
    flags: 'i',
    lowerHints: ['pass', 'token', 'secret', 'key', 'apikey'],
    keep: true,
    // An all-capitals value is a documented placeholder (`--api-key PROVIDER=KEY`).
    accept: (s, match, offset, text) => isSecretName(nameAt(text, offset, match).replaceAll('-', '_')) && !isReference(s) && !isCodeIdentifier(s) && !/^[A-Z][A-Z_=]*[`.,;:)]*$/.test(s),
  },
  {
    // NAME=value / name: value / "name": "value" where the name ends with a secret-ish word.
    // Anchored at the keyword, so long words cannot make it backtrack; the name is checked after.
    kind: 'secret-assignment',
    source: `((?:${assignmentKeywords})["']?\\s{0,4}(?::=|=>|[:=])[ \\t]{0,4})(?:"([^"\\r\\n]{1,2000})"|'([^'\\r\\n]{1,2000})'|([^\\s"'\`,;&<>(){}\\[\\]=]{1,2000}=*))`,
    flags: 'i',
    lowerHints: ['secret', 'pass', 'token', 'key', 'cred', 'pwd', 'auth'],
    // `pat` in any case would stop at every `path`: only the capitals of an environment name.
    hints: ['PAT'],
    keep: true,
    accept: acceptAssignment,
  },
  {
    // A token cut short (a tool-call summary a reader kept to N characters, a tool's own
    // truncation): what is left of it still starts with its provider's prefix, and is as secret
    // as the whole.
    kind: 'secret-fragment',
    source: `${L}(?:${FRAGMENT_PREFIXES.map(escapeRegex).join('|')})[A-Za-z0-9_/+=-]{6,400}(?=$|\u2026|\\.\\.\\.|\\r?\\n?\\[[^\\]\\n]{0,40}truncat)`,
    hints: FRAGMENT_PREFIXES,
    accept: (s) => /\d/.test(s.slice(4)) || (hasUpper(s.slice(4)) && hasLower(s.slice(4))),
  },
  {
    // A URL cut inside its password, or an assignment cut inside its quoted value.
    kind: 'secret-fragment',
    source: '(?<=(?<![A-Za-z0-9_])[a-z][a-z0-9+.-]{1,30})(:\\/\\/)([^\\s:@/?#]{1,200}:[^\\s@?#"\'<>\u2026]{1,200})(?=$|\u2026)',
    flags: 'i',
    hints: ['://'],
    keep: true,
    accept: acceptUrlPassword,
  },
  {
    kind: 'secret-fragment',
    source: `((?:${assignmentKeywords})["']?\\s{0,4}(?::=|=>|[:=])[ \\t]{0,4}["'])([^"'\\r\\n\u2026]{4,2000})(?=$|\u2026)`,
    flags: 'i',
    lowerHints: ['secret', 'pass', 'token', 'key', 'cred', 'pwd', 'auth'],
    keep: true,
    accept: acceptAssignment,
  },
  {
    // The other half: the random tail of a token right after a truncation mark.
    kind: 'secret-fragment',
    source: '((?:\u2026(?:[^\\n\u2026]{0,60}truncated[^\\n\u2026]{0,20}\u2026)?|truncated[^\\n\\]]{0,40}\\])\\]?[ \\t]?\\r?\\n?)([A-Za-z0-9_/+=-]{16,})',
    hints: ['\u2026', 'truncated'],
    keep: true,
    accept: (s) => looksRandom(s) && hasUpper(s) && hasLower(s),
  },
];

/**
 * The compiled rules and the scan's tables, built on the first text to redact: a command that
 * stores nothing new (`lore why` on an indexed repository) never pays for them.
 */
interface Compiled {
  rules: Rule[];
  /** Literals the scan's table cannot hold (the ellipsis): found with indexOf. */
  wideLiterals: string[];
  trigger: RegExp;
  pairs: Uint8Array;
  triples: Uint8Array;
  /** The rules a found literal can start: those with a literal it begins (the trie stops at the shortest). */
  rulesFor: Map<string, Rule[]>;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const rules: Rule[] = SPECS.map((spec, index) => ({
    ...spec,
    index,
    sticky: new RegExp(spec.source, `${spec.flags ?? ''}y`),
    global: new RegExp(spec.source, `${spec.flags ?? ''}g`),
  }));
  const allLiterals = [...new Set(rules.flatMap((r) => r.hints ?? []))];
  // The scan's table covers ASCII literals of two characters or more; any other (the ellipsis) is
  // found with indexOf.
  const literals = allLiterals.filter(isScanned);
  const caselessLiterals = [...new Set(rules.flatMap((r) => r.lowerHints ?? []))];
  // Every literal of the scan is ASCII and at least two characters long. A regex of 180 alternatives costs a
  // dispatch at every position of every text; a lookup of the two or three characters there rules
  // out all but about one position in a hundred first. pairs: a literal is these two characters;
  // triples (a bit set): a literal starts with these three.
  const pairs = new Uint8Array(1 << 14);
  const triples = new Uint8Array(1 << 18);
  for (const [words, caseless] of [[literals, false], [caselessLiterals, true]] as const) {
    for (const word of words) {
      // (A case-insensitive literal has no indexOf to fall back on.)
      if (!isScanned(word)) throw new Error(`redact: a case-insensitive literal must be ASCII of two characters or more: ${word}`);
      for (const start of spellings(word.slice(0, 3), caseless)) {
        const pair = (start.charCodeAt(0) << 7) | start.charCodeAt(1);
        if (start.length === 2) pairs[pair] = 1;
        else {
          const triple = (pair << 7) | start.charCodeAt(2);
          triples[triple >> 3]! |= 1 << (triple & 7);
        }
      }
    }
  }
  return {
    rules,
    wideLiterals: allLiterals.filter((w) => !isScanned(w)),
    // Case-insensitive keywords are spelled with [aA] classes, so one regex serves both kinds.
    // Sticky: it is tried only where the characters of a literal's start are (`mayStartLiteral`).
    trigger: new RegExp(`${trieSource(literals, false)}|${trieSource(caselessLiterals, true)}`, 'y'),
    pairs,
    triples,
    rulesFor: new Map(),
  };
}

const isScanned = (w: string): boolean => w.length >= 2 && /^[\u0000-\u007f]+$/.test(w);

/** A regex alternation of `words` shaped as a trie, so the engine tests one branch per character. */
function trieSource(words: string[], caseless: boolean): string {
  type Node = Map<string, Node>;
  const root: Node = new Map();
  for (const w of words) {
    let node = root;
    for (const ch of caseless ? w.toLowerCase() : w) node = node.get(ch) ?? node.set(ch, new Map()).get(ch)!;
    node.set('', new Map());
  }
  const atom = (ch: string): string => {
    const escaped = ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    return caseless && ch.toUpperCase() !== ch ? `[${ch}${ch.toUpperCase()}]` : escaped;
  };
  const emit = (node: Node): string => {
    // A complete word ends here: its shortest form is enough to know which rules to try.
    if (node.has('')) return '';
    const alts = [...node].map(([ch, child]) => atom(ch) + emit(child));
    return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  };
  return emit(root);
}

/** `start` as written, or in every mix of cases. */
function spellings(start: string, caseless: boolean): string[] {
  let out = [''];
  for (const ch of start) {
    const cases = caseless ? [...new Set([ch.toLowerCase(), ch.toUpperCase()])] : [ch];
    out = out.flatMap((prefix) => cases.map((c) => prefix + c));
  }
  return out;
}

/** Whether a literal may start with the character codes c0 c1 c2 (c2 is 0 past the end). */
function mayStartLiteral(pairs: Uint8Array, triples: Uint8Array, c0: number, c1: number, c2: number): boolean {
  if ((c0 | c1) >= 128) return false;
  const pair = (c0 << 7) | c1;
  if (pairs[pair] === 1) return true;
  if (c2 >= 128) return false;
  const triple = (pair << 7) | c2;
  return (triples[triple >> 3]! & (1 << (triple & 7))) !== 0;
}

function rulesForWord(c: Compiled, word: string): Rule[] {
  let rules = c.rulesFor.get(word);
  if (!rules) {
    const lower = word.toLowerCase();
    rules = c.rules.filter((r) => r.hints?.some((h) => h.startsWith(word)) || r.lowerHints?.some((h) => h.startsWith(lower)));
    if (c.rulesFor.size < 10_000) c.rulesFor.set(word, rules);
  }
  return rules;
}

/** A secret found in a text: `text.slice(start, end)` is replaced by `[REDACTED:<kind>]`. */
export interface SecretSpan {
  start: number;
  end: number;
  kind: string;
}

interface Span extends SecretSpan {
  rule: number;
}

/** Where the secrets in `text` are: sorted, never overlapping. */
export function findSecrets(text: string): SecretSpan[] {
  const c = (compiled ??= compile());
  const { pairs, triples, trigger } = c;
  // Where each rule may start (anchored rules), and which unanchored rules to scan with.
  let starts: Map<Rule, number[]> | undefined;
  // Every position, not only past a match: literals may overlap.
  const n = text.length;
  let c1 = n > 0 ? text.charCodeAt(0) : 0;
  let c2 = n > 1 ? text.charCodeAt(1) : 0;
  for (let at = 0; at + 1 < n; at++) {
    const c0 = c1;
    c1 = c2;
    c2 = at + 2 < n ? text.charCodeAt(at + 2) : 0;
    if (!mayStartLiteral(pairs, triples, c0, c1, c2)) continue;
    trigger.lastIndex = at;
    const m = trigger.exec(text);
    if (!m) continue;
    starts ??= new Map();
    for (const rule of rulesForWord(c, m[0])) {
      const list = starts.get(rule);
      if (list) list.push(at);
      else starts.set(rule, [at]);
    }
  }
  for (const word of c.wideLiterals) {
    const at = text.indexOf(word);
    if (at === -1) continue;
    starts ??= new Map();
    for (const rule of rulesForWord(c, word)) {
      const list = starts.get(rule) ?? [];
      for (let i = at; i !== -1; i = text.indexOf(word, i + 1)) list.push(i);
      // In order: the anchored loop below skips positions inside an earlier match.
      starts.set(rule, list.sort((a, b) => a - b));
    }
  }
  if (!starts) return [];

  // Spans claimed so far, sorted by start and never overlapping.
  let spans: Span[] = [];
  for (const rule of c.rules) {
    const positions = starts.get(rule);
    if (!positions) continue;
    const found: Span[] = [];
    if (rule.anchored === false) {
      rule.global.lastIndex = 0;
      for (let m = rule.global.exec(text); m; m = rule.global.exec(text)) {
        const span = candidate(rule, m, text);
        if (span && (found.length === 0 || found[found.length - 1]!.end <= span.start)) found.push(span);
        if (m[0].length === 0) rule.global.lastIndex++;
      }
    } else {
      let after = 0;
      for (const at of positions) {
        if (at < after) continue;
        rule.sticky.lastIndex = at;
        const m = rule.sticky.exec(text);
        const span = m && candidate(rule, m, text);
        if (span && (found.length === 0 || found[found.length - 1]!.end <= span.start)) {
          found.push(span);
          after = at + m[0].length;
        }
      }
    }
    if (found.length > 0) spans = merge(spans, found);
  }
  return spans;
}

/** Replaces every secret in `text`; returns the safe text and what was replaced. */
export function redact(text: string): Redaction {
  const spans = findSecrets(text);
  if (spans.length === 0) return { text, count: 0, kinds: {} };
  const kinds: Record<string, number> = {};
  let out = '';
  let last = 0;
  for (const s of spans) {
    out += text.slice(last, s.start) + `[REDACTED:${s.kind}]`;
    last = s.end;
    kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
  }
  out += text.slice(last);
  return { text: out, count: spans.length, kinds };
}

/** The secret of a match, as a span, when the rule accepts it. */
function candidate(rule: Rule, m: RegExpExecArray, text: string): Span | undefined {
  let start = m.index;
  let secret = m[0];
  if (rule.keep) {
    const group = m.slice(2).findIndex((g) => g !== undefined);
    if (group === -1) return undefined;
    secret = m[group + 2]!;
    // The secret group follows group 1 (and an opening quote, for quoted values).
    start = m.index + m[0].indexOf(secret, m[1]!.length);
  }
  if (secret === '' || secret.startsWith('[REDACTED:')) return undefined;
  if (rule.accept && !rule.accept(secret, m[0], m.index, text)) return undefined;
  const end = start + secret.length;
  if (rule.extendBack) start = base64LinesAbove(text, start);
  if (rule.extendBackBy) start -= rule.extendBackBy;
  return { start, end, kind: rule.kind, rule: rule.index };
}

/**
 * Where the run of base64 lines (and blank or `Header: value` lines, as in PGP armour) that ends
 * at `at` starts. Lines end with a newline or with a literal `\n` (a key inside a JSON string).
 * Bounded: a key is a few kilobytes.
 */
function base64LinesAbove(text: string, at: number): number {
  let start = at;
  const limit = Math.max(0, at - 20_000);
  for (;;) {
    // The line that ends just before `start`.
    let end = start;
    if (text.slice(end - 2, end) === '\\n') end -= 2;
    else if (text[end - 1] === '\n') end -= text[end - 2] === '\r' ? 2 : 1;
    else if (end !== at) break;
    let lineStart = end;
    while (lineStart > limit && /[A-Za-z0-9+/=]/.test(text[lineStart - 1]!) && text.slice(lineStart - 2, lineStart) !== '\\n') lineStart--;
    const line = text.slice(lineStart, end);
    const boundary = lineStart === 0 || /[\s"'`:=]/.test(text[lineStart - 1]!) || text.slice(lineStart - 2, lineStart) === '\\n';
    const atNewline = lineStart === 0 || text[lineStart - 1] === '\n' || text.slice(lineStart - 2, lineStart) === '\\n';
    if (!boundary || (lineStart <= limit && lineStart !== 0) || !(line.length >= 16 || (line === '' && end < start && atNewline))) break;
    if (line === '' && end === start) break;
    start = lineStart;
  }
  return start;
}

/** Adds a later rule's spans to the claimed ones, dropping any that overlap a claimed span (earlier rules win). */
function merge(claimed: Span[], found: Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let lastEnd = 0;
  for (const f of found) {
    while (i < claimed.length && claimed[i]!.start < f.start) {
      out.push(claimed[i]!);
      lastEnd = Math.max(lastEnd, claimed[i]!.end);
      i++;
    }
    const next = claimed[i];
    if (f.start >= lastEnd && (!next || f.end <= next.start)) {
      out.push(f);
      lastEnd = f.end;
    }
  }
  while (i < claimed.length) out.push(claimed[i++]!);
  return out;
}
