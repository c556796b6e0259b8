import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installService } from '../../src/watch/index.js';
import { tempDir } from '../sources/adapter-harness.js';

describe('installService', () => {
  it("carries lore's variables and every adapter's folder overrides into the unit, and nothing else", () => {
    const home = tempDir('lore-service-');
    const env = { LORE_HOME: '/l', CLAUDE_CONFIG_DIR: '/claude', CURSOR_CONFIG_DIR: '/cursor', CONTINUE_GLOBAL_DIR: '/continue', OPENCODE_DATA_DIR: '/oc', LORE_EMBED_MODEL: 'm', PATH: '/bin', SECRET_TOKEN: 'x' };
    const r = installService({ platform: 'linux', home, env, nodePath: '/usr/bin/node', cliPath: '/lore/cli.js' });
    expect(r.path).toBe(join(home, '.config', 'systemd', 'user', 'lore-watch.service'));
    const lines = readFileSync(r.path, 'utf8').split('\n').filter((l) => l.startsWith('Environment='));
    expect(lines).toEqual([
      'Environment=LORE_HOME=/l',
      'Environment=CLAUDE_CONFIG_DIR=/claude',
      'Environment=CONTINUE_GLOBAL_DIR=/continue',
      'Environment=CURSOR_CONFIG_DIR=/cursor',
      'Environment=OPENCODE_DATA_DIR=/oc',
      'Environment=LORE_EMBED_MODEL=m',
    ]);
  });
});
