import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

// Tests never read or write the real home: every worker gets its own HOME, LORE_HOME, XDG dirs
// and the AI tools' own overrides, all under a fresh temp directory.
const root = mkdtempSync(join(tmpdir(), 'lore-test-home-'));
const env = isolatedEnv(root);
Object.assign(process.env, env);

// Property tests explore new random cases on every local run; CI replays one fixed seed so a red
// run is reproducible (FC_SEED=<n> replays any seed a failure printed).
if (process.env.FC_SEED || process.env.CI) fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) });

export function isolatedEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    USERPROFILE: home,
    LORE_HOME: join(home, '.lore'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local/state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    APPDATA: join(home, 'AppData/Roaming'),
    LOCALAPPDATA: join(home, 'AppData/Local'),
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CODEX_HOME: join(home, '.codex'),
    GEMINI_CLI_HOME: home,
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
    NO_COLOR: '1',
  };
}
