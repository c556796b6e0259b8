import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/ingest/index.js';
import { secretCorpus } from '../fixtures/secrets/corpus.mjs';

describe('redact: planted secrets', () => {
  const corpus = secretCorpus();

  it('has at least 40 fake secrets of different kinds', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  for (const planted of corpus) {
    it(`removes a ${planted.name}`, () => {
      const r = redact(planted.text);
      expect(r.text).not.toContain(planted.secret);
      // No long piece of it survives either (a rule that stopped early would leave a tail).
      for (const line of planted.secret.split(/\\n|\n/)) {
        if (line.length >= 16) expect(r.text).not.toContain(line.slice(-16));
      }
      expect(r.count).toBeGreaterThanOrEqual(1);
      expect(r.text).toMatch(/\[REDACTED:[a-z0-9-]+\]/);
    });
  }

  it('removes every secret when all are in one text, with contexts intact', () => {
    // A private key cut off before its END line is redacted to the end of the text: keep it out.
    const whole = corpus.filter((c) => c.name !== 'truncated private key');
    const text = whole.map((c) => c.text).join('\n\nand then\n\n');
    const r = redact(text);
    for (const c of whole) expect(r.text).not.toContain(c.secret);
    expect(r.text.split('and then').length).toBe(whole.length);
    expect(r.count).toBeGreaterThanOrEqual(whole.length);
  });

  it('names the provider when it knows it', () => {
    const byName = new Map(corpus.map((c) => [c.name, redact(c.text).kinds]));
    expect(Object.keys(byName.get('anthropic key')!)).toEqual(['anthropic-key']);
    expect(Object.keys(byName.get('openai project key')!)).toEqual(['openai-key']);
    expect(Object.keys(byName.get('github fine-grained token')!)).toEqual(['github-token']);
    expect(byName.get('aws key pair in csv')).toEqual({ 'aws-access-key': 1, 'aws-secret-key': 1 });
    expect(byName.get('aws secret access key')).toEqual({ 'aws-secret-key': 1 });
    expect(Object.keys(byName.get('rsa private key')!)).toEqual(['private-key']);
    expect(Object.keys(byName.get('jwt')!)).toEqual(['jwt']);
    expect(Object.keys(byName.get('postgres url')!)).toEqual(['url-credentials']);
    expect(Object.keys(byName.get('slack webhook')!)).toEqual(['slack-webhook']);
  });

  it('keeps the scheme and host of a URL with credentials', () => {
    expect(redact('see postgres://app:hunter2hunter2@db.internal:5432/app').text).toBe('see postgres://[REDACTED:url-credentials]@db.internal:5432/app');
  });

  it('keeps the name of an assignment and its quotes', () => {
    expect(redact(`DB_PASSWORD='Tr0ub4dor&3x' # prod`).text).toBe(`DB_PASSWORD='[REDACTED:secret-assignment]' # prod`);
    expect(redact('"client_secret": "abc123def456ghi"').text).toBe('"client_secret": "[REDACTED:secret-assignment]"');
  });

  it('redacts the rest of a private key whose END line was cut off', () => {
    const text = ['-----BEGIN ', 'PRIV', 'ATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nmore'].join('');
    expect(redact(`before\n${text}`).text).toBe('before\n[REDACTED:private-key]');
  });

  it('redacts the base64 above an END line whose BEGIN line is elsewhere (a commit subject)', () => {
    const body = 'JpI/eV1QyZB+IdwctLoIHJy1x+MSa14DzxGez8SKzt02KD4JdzDvMAF6xr9KBrJX\nnVXXILaRfpUa1VIhY0Jf14tVmNkCHlcMx7ZRgoLQ80+utyGJ0pmP+SYQXTv7ddKY\n';
    const end = ['-----END PGP PRIV', 'ATE KEY BLOCK-----'].join('');
    expect(redact(`${body}${end}\nafter`).text).toBe('[REDACTED:private-key]\nafter');
    expect(redact(`see this:\n${body}${end}`).text).toBe('see this:\n[REDACTED:private-key]');
    expect(redact(`{"k": "${body.replaceAll('\n', '\\n')}${end}\\n"}`).text).toBe('{"k": "[REDACTED:private-key]\\n"}');
  });

  it('finds the assignment inside a value that is itself an assignment', () => {
    expect(redact("note: DB_PASSWORD='Tr0ub4dorT0Jniv'").text).toBe("note: DB_PASSWORD='[REDACTED:secret-assignment]'");
    expect(redact("env db password: DB_PASSWORD='Tr0ub4dorT0Jniv'").text).toBe("env db password: DB_PASSWORD='[REDACTED:secret-assignment]'");
    // ... while base64 padding at the end of a value is part of the secret.
    expect(redact('SECRET_KEY=abc123def456==\nnext').text).toBe('SECRET_KEY=[REDACTED:secret-assignment]\nnext');
    expect(redact('token: c2VjcmV0dG9rZW4xMjM0NQ==').text).toBe('token: [REDACTED:secret-assignment]');
  });

  it('counts each secret once and is idempotent', () => {
    const text = corpus.map((c) => c.text).join('\n');
    const once = redact(text);
    const twice = redact(once.text);
    expect(twice.text).toBe(once.text);
    expect(twice.count).toBe(0);
  });
});

describe('redact: ordinary text is left alone', () => {
  const keep = [
    'password: string;',
    'token: Token | null',
    'const token = req.headers.authorization;',
    'apiKey: config.apiKey,',
    'password: z.string().min(8),',
    'api_key=os.environ["OPENAI_API_KEY"]',
    'OPENAI_API_KEY=${OPENAI_API_KEY}',
    'export GITHUB_TOKEN=$(gh auth token)',
    'password: ${{ secrets.DB_PASSWORD }}',
    '"max_tokens": 4096,',
    '"input_tokens": 1234567, "output_tokens": 98765',
    'author: "Jane Doe"',
    'auth: true',
    'git push https://user:${TOKEN}@github.com/acme/app',
    'ssh git@github.com:acme/app.git',
    'https://alice@example.com/repo.git',
    'commit 3f786850e387550fdab836ed7e6dc881de23001b',
    'id: 123e4567-e89b-12d3-a456-426614174000',
    '"integrity": "sha512-9L9Ku3ljQqVxLr9tHbKJQd5wL8Y1Vw0uD2oJzCtKb2dDk3lWg0YcbVQHC+EnSjSKvxdwZgVE3YxKC+ir2tz3pA=="',
    'image: node@sha256:3a0f4c4bd7bb1a2c8b7a7a1cfb6b2f0e8a6d0a8c2d8c1e2c3d4e5f60718293a4',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host',
    'class TaskListItemCheckboxComponentFactory extends Base {}',
    'const isTokenExpiredForRefreshWindowInMilliseconds = true;',
    'the task-management-service-deployment-config file',
    'Bearer tokens are sent in the Authorization header.',
    'if (password.length < 8) throw new WeakPasswordError();',
    'self.secret = secret',
    'password = getpass.getpass()',
    'token := os.Getenv("TOKEN")',
    'the sk-learn docs mention sk-learn-extra-models-collection',
  ];
  for (const text of keep) {
    it(`keeps ${JSON.stringify(text.slice(0, 60))}`, () => {
      expect(redact(text)).toEqual({ text, count: 0, kinds: {} });
    });
  }
});

describe('redact: robustness', () => {
  it('never throws, never grows a secret back, and is idempotent on any text', () => {
    const secrets = secretCorpus(7);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 0, max: secrets.length - 1 }), fc.string({ maxLength: 50 }), (noise, i, tail) => {
        const planted = secrets[i]!;
        const text = `${noise}\n${planted.text}\n${tail}`;
        const r = redact(text);
        expect(r.text).not.toContain(planted.secret);
        expect(redact(r.text).text).toBe(r.text);
      }),
      { numRuns: 300 },
    );
  });

  // Each input is built to make a careless pattern backtrack: long runs of what a rule's prefix
  // or body accepts, with the ending it waits for missing.
  const adversarial: [string, string][] = [
    ['one long word', 'a'.repeat(1_000_000)],
    ['one long base64 blob', 'QUJD'.repeat(250_000)],
    ['name characters before a keyword', `${'x_'.repeat(200_000)}password`],
    ['keywords without a value', 'password=token=secret='.repeat(30_000)],
    ['keywords with spaces', 'password '.repeat(100_000)],
    ['schemes without credentials', 'a://'.repeat(200_000)],
    ['a scheme and a colon run', `http://${':'.repeat(500_000)}`],
    ['many BEGIN lines without END', `${['-----BEGIN ', 'PRIV', 'ATE KEY-----\n'].join('')}`.repeat(30_000)],
    ['JWT-like prefixes', 'eyJhbGciOi.'.repeat(80_000)],
    ['token prefixes', 'sk-ghp_AKIAxoxb-npm_'.repeat(40_000)],
    ['url-ish', `https://${'user:'.repeat(100_000)}`],
    ['authorization run', 'Authorization: '.repeat(50_000)],
    ['dashes', '-'.repeat(1_000_000)],
    ['semicolons and Pwd', ';Pwd='.repeat(150_000)],
    ['curl flags', '-u a:'.repeat(150_000)],
    ['aws placeholders', '[REDACTED:aws-access-key],'.repeat(30_000)],
    ['END lines under base64', `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n'.repeat(20_000)}${['-----END PRIV', 'ATE KEY-----\n'].join('').repeat(20_000)}`],
    ['command names without a password flag', 'mysql '.repeat(200_000)],
    ['colon-separated numbers (.pgpass-like)', 'a:1'.repeat(300_000)],
    ['ellipses and truncation marks', '…truncated'.repeat(100_000)],
    ['token prefixes at cut points', 'ghp_abcdef1…'.repeat(90_000)],
    ['URLs cut inside their credentials', 'a://b:c'.repeat(150_000)],
    ['password keywords before quotes', 'password "'.repeat(100_000)],
    ['unclosed quoted assignments', `${'token="'.repeat(100_000)}${'x'.repeat(100_000)}`],
    ['PuTTY headers without a MAC', 'PuTTY-User-Key-File-3: '.repeat(40_000)],
    ['htpasswd flags', 'htpasswd -b '.repeat(80_000)],
    ['base64 lines between END lines', `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n'.repeat(50)}${['-----END PRIV', 'ATE KEY-----\n'].join('')}`.repeat(600)],
  ];
  for (const [name, text] of adversarial) {
    it(`stays linear on ${name} (${(text.length / 1e6).toFixed(1)} MB)`, () => {
      const started = performance.now();
      redact(text);
      const ms = performance.now() - started;
      // 1 MB in well under a second even on a loaded 2-core machine; a quadratic pattern takes minutes.
      expect(ms).toBeLessThan(5000);
    });
  }
});
