import { random as rng } from '../../bench/lib/random.mjs';

export { rng };
/**
 * A corpus of realistic fake secrets, built at test time from parts and a seeded generator, so
 * the repository holds no string a secret scanner would flag and no run depends on chance.
 * None of these is a real credential.
 */


const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface PlantedSecret {
  /** What it imitates. */
  name: string;
  /** The sensitive part: it must never be stored. */
  secret: string;
  /** The secret in the context a user or a tool would write it in. */
  text: string;
}

/** At least 40 fake secrets of different kinds, each in a realistic line of context. */
export function secretCorpus(seed = 42): PlantedSecret[] {
  const r = rng(seed);
  const pick = (alphabet: string, n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
    // Make sure mixed-class alphabets really mix (a run of letters only would be unrealistic).
    if (alphabet === ALNUM && !/\d/.test(s)) s = s.slice(0, -1) + '7';
    return s;
  };
  const j = (...parts: string[]) => parts.join('');
  const b64body = (lines: number) => Array.from({ length: lines }, () => pick(B64, 64)).join('\n');
  const keyBlock = (label: string, body: string) => j('-----BEGIN ', label, ' PRIV', 'ATE KEY-----\n', body, '\n-----END ', label, ' PRIV', 'ATE KEY-----');

  const out: PlantedSecret[] = [];
  const add = (name: string, secret: string, text: (s: string) => string) => out.push({ name, secret, text: text(secret) });

  add('openai legacy key', j('s', 'k-', pick(ALNUM, 48)), (s) => `export OPENAI_API_KEY=${s}`);
  add('openai project key', j('s', 'k-', 'proj-', pick(B64URL, 64), pick(ALNUM, 40)), (s) => `client = OpenAI(api_key="${s}")`);
  add('openai service account key', j('s', 'k-', 'svcacct-', pick(ALNUM, 60)), (s) => `the key is ${s} — use it for the batch job`);
  add('anthropic key', j('s', 'k-', 'ant-', 'api03-', pick(B64URL, 93), 'AA'), (s) => `ANTHROPIC_API_KEY="${s}"`);
  add('github classic token', j('gh', 'p_', pick(ALNUM, 36)), (s) => `git remote set-url origin https://${s}@github.com/acme/app.git`);
  add('github oauth token', j('gh', 'o_', pick(ALNUM, 36)), (s) => `{"token": "${s}", "scopes": ["repo"]}`);
  add('github app token', j('gh', 's_', pick(ALNUM, 36)), (s) => `GH_INSTALLATION=${s} gh api /repos`);
  add('github fine-grained token', j('github', '_pat_', pick(ALNUM, 22), '_', pick(ALNUM, 59)), (s) => `Use this PAT: ${s}`);
  add('gitlab token', j('gl', 'pat-', pick(B64URL.replace('_', ''), 20)), (s) => `curl --header "PRIVATE-TOKEN: ${s}" https://gitlab.example.com/api/v4/projects`);
  add('aws access key id', j('AK', 'IA', pick(UPPER_NUM, 16)), (s) => `aws_access_key_id = ${s}`);
  add('aws secret access key', pick(B64, 40), (s) => `aws_secret_access_key = ${s}`);
  add('aws secret in json', pick(B64, 40), (s) => `{"AccessKeyId": "x", "SecretAccessKey": "${s}", "SessionToken": "y"}`);
  add('aws key pair in csv', pick(B64, 40), (s) => `Access key ID,Secret access key\n${j('AK', 'IA', pick(UPPER_NUM, 16))},${s}`);
  add('google api key', j('AI', 'za', pick(B64URL, 35)), (s) => `const MAPS_KEY = '${s}';`);
  add('google oauth client secret', j('GOC', 'SPX-', pick(B64URL, 28)), (s) => `"client_secret":"${s}"`);
  add('slack bot token', j('xo', 'xb-', pick('0123456789', 12), '-', pick('0123456789', 13), '-', pick(ALNUM, 24)), (s) => `SLACK_BOT_TOKEN=${s}`);
  add('slack webhook', j('https://hooks.', 'slack.com/services/T', pick(UPPER_NUM, 8), '/B', pick(UPPER_NUM, 10), '/', pick(ALNUM, 24)), (s) => `post alerts to ${s} please`);
  add('discord webhook', j('https://discord.com/api/', 'webhooks/', pick('0123456789', 18), '/', pick(B64URL, 68)), (s) => `webhook: ${s}`);
  add('stripe secret key', j('sk', '_live_', pick(ALNUM, 24)), (s) => `Stripe::api_key = "${s}"`);
  add('stripe restricted key', j('rk', '_live_', pick(ALNUM, 24)), (s) => `stripe.setKey(${JSON.stringify(s)})`);
  add('npm token', j('np', 'm_', pick(ALNUM, 36)), (s) => `//registry.npmjs.org/:_authToken=${s}`);
  add('pypi token', j('py', 'pi-AgEIcHlwaS5vcmc', pick(B64URL, 70)), (s) => `[pypi]\n  username = __token__\n  password = ${s}`);
  add('hugging face token', j('h', 'f_', pick(LETTERS, 34)), (s) => `huggingface-cli login --token ${s}`);
  add('twilio api key', j('S', 'K', pick(HEX, 32)), (s) => `twilio api:core:keys SID ${s}`);
  add('twilio auth token', pick(HEX, 32), (s) => `TWILIO_AUTH_TOKEN=${s}`);
  add('sendgrid key', j('S', 'G.', pick(B64URL, 22), '.', pick(B64URL, 43)), (s) => `sendgrid.setApiKey('${s}')`);
  add('azure storage key', j(pick(B64, 86), '=='), (s) => `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${s};EndpointSuffix=core.windows.net`);
  add('azure client secret', j(pick(ALNUM, 3), '8Q', '~', pick(ALNUM, 34)), (s) => `AZURE_CLIENT_SECRET: ${s}`);
  add('rsa private key', b64body(8), (s) => keyBlock('RSA', s));
  add('openssh private key', b64body(6), (s) => `cat ~/.ssh/id_ed25519\n${keyBlock('OPENSSH', s)}\n`);
  add('ec private key in json', b64body(3).replaceAll('\n', '\\n'), (s) => `{"private_key": "${keyBlock('EC', s).replaceAll('\n', '\\n')}"}`);
  add('pgp private key', b64body(5), (s) => j('-----BEGIN PGP PRIV', 'ATE KEY BLOCK-----\n\n', s, '\n-----END PGP PRIV', 'ATE KEY BLOCK-----'));
  add('truncated private key', b64body(4), (s) => `${j('-----BEGIN ', 'PRIV', 'ATE KEY-----\n')}${s}\n[output truncated]`);
  add(
    'jwt',
    j('ey', 'J', pick(B64URL, 30), '.', 'ey', 'J', pick(B64URL, 60), '.', pick(B64URL, 43)),
    (s) => `{"access_token":"${s}","token_type":"Bearer"}`,
  );
  add('bearer token', pick(ALNUM, 40), (s) => `curl -H "Authorization: Bearer ${s}" https://api.example.com/v1/me`);
  add('basic auth header', Buffer.from(`deploy:${pick(ALNUM, 16)}`).toString('base64'), (s) => `Authorization: Basic ${s}`);
  add('url credentials', pick(ALNUM, 18), (s) => `git clone https://deploy:${s}@git.example.com/acme/app.git`);
  add('postgres url', pick(ALNUM, 20), (s) => `DATABASE_URL=postgres://app:${s}@db.internal:5432/app?sslmode=require`);
  add('mongodb srv url', pick(ALNUM, 20), (s) => `mongoose.connect("mongodb+srv://admin:${s}@cluster0.ab1cd.mongodb.net/test")`);
  add('redis url without user', pick(ALNUM, 24), (s) => `REDIS_URL=redis://:${s}@cache:6379/0`);
  add('mysql url', pick(ALNUM, 14), (s) => `mysql://root:${s}@localhost:3306/shop`);
  add('sql server connection string', j(pick(ALNUM, 12), '!x'), (s) => `Server=tcp:acme.database.windows.net,1433;Database=shop;User ID=sa;Password=${s};Encrypt=true`);
  add('env secret key', pick(ALNUM, 50), (s) => `SECRET_KEY=${s}\nDEBUG=false`);
  add('env db password', j('Tr0ub4dor', pick(ALNUM, 6)), (s) => `DB_PASSWORD='${s}'`);
  add('yaml password', j(pick(ALNUM, 10), '#9'), (s) => `database:\n  user: app\n  password: ${s}\n`);
  add('json client secret', pick(B64URL, 40), (s) => `{"client_id": "web", "client_secret": "${s}"}`);
  add('digitalocean token', j('do', 'p_v1_', pick(HEX, 64)), (s) => `doctl auth init -t ${s}`);
  add('vault token', j('hv', 's.', pick(B64URL, 90)), (s) => `VAULT_TOKEN=${s} vault kv get secret/app`);
  add('databricks token', j('da', 'pi', pick(HEX, 32)), (s) => `databricks configure --token ${s}`);
  add('telegram bot token', j(pick('123456789', 10), ':AA', pick(B64URL, 33)), (s) => `bot = Bot("${s}")`);
  add('curl basic auth', pick(ALNUM, 16), (s) => `curl -u admin:${s} https://jenkins.example.com/api/json`);
  add('password flag', j(pick(ALNUM, 12), '$'), (s) => `mysqldump --password ${s} shop > dump.sql`);
  return out;
}

/** Distinct kinds in the corpus (for the report). */
export function corpusSize(): number {
  return secretCorpus().length;
}
