import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commit, git } from './git-repo.js';
import { isolatedEnv } from './isolate-env.js';

// Teammates for `lore sync` and what they share: a bare remote and clones of it, each with its own
// HOME, LORE_HOME and AI tools' folders (isolatedEnv).

export interface Teammate {
  name: string;
  /** The clone's work tree. */
  dir: string;
  env: Record<string, string>;
  /** This teammate's Claude Code folder (CLAUDE_CONFIG_DIR). */
  claudeDir: string;
}

const tmp = (prefix: string): string => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

/** A bare remote holding one commit, and nothing of lore's. */
export function bareRemote(): string {
  const seed = tmp('lore-team-seed-');
  git(seed, ['init', '-q', '-b', 'main']);
  git(seed, ['config', 'user.email', 'seed@example.com']);
  git(seed, ['config', 'user.name', 'Seed']);
  commit(seed, { 'README.md': '# app\n' }, 'initial commit');
  const bare = join(tmp('lore-team-remote-'), 'app.git');
  git(seed, ['clone', '-q', '--bare', seed, bare]);
  return bare;
}

/** `name`'s clone of `bare`, in a home of its own. */
export function teammate(name: string, bare: string): Teammate {
  const home = tmp(`lore-team-${name}-`);
  const env = isolatedEnv(home);
  const dir = join(home, 'app');
  git(home, ['clone', '-q', bare, dir]);
  git(dir, ['config', 'user.email', `${name}@example.com`]);
  git(dir, ['config', 'user.name', name]);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  return { name, dir, env, claudeDir: env.CLAUDE_CONFIG_DIR! };
}
