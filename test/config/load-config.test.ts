import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isExcluded, loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

function home(config?: string): { LORE_HOME: string; HOME: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lore-config-'));
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), config);
  return { LORE_HOME: dir, HOME: '/home/u' };
}

describe('loadConfig', () => {
  it('gives the defaults when there is no file', () => {
    expect(loadConfig(home())).toEqual({ excludeProjects: [], embed: {} });
  });

  it('expands ~ and makes excluded projects absolute, and keeps only the non-empty embed settings', () => {
    const env = home(JSON.stringify({ excludeProjects: ['~/clients/acme', '/srv/x/../secret'], embed: { url: 'http://h:1', model: '', apiKey: 'k' } }));
    expect(loadConfig(env)).toEqual({ excludeProjects: ['/home/u/clients/acme', '/srv/secret'], embed: { url: 'http://h:1', apiKey: 'k' } });
  });

  it('reports each mistake in the file as a ConfigError naming the file', () => {
    for (const [text, reason] of [
      ['{ not json', /not valid JSON/],
      ['[]', /expected a JSON object/],
      ['{"excludeProjects": "/a"}', /"excludeProjects" must be a list/],
      ['{"embed": "http://h"}', /"embed" must be an object/],
      ['{"embed": {"url": 1}}', /"embed.url" must be a string/],
    ] as const) {
      const env = home(text);
      const err = (() => {
        try {
          loadConfig(env);
        } catch (e) {
          return e;
        }
      })();
      expect(err, text).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).code).toBe('E_CONFIG');
      expect((err as Error).message).toContain(join(env.LORE_HOME, 'config.json'));
      expect((err as Error).message).toMatch(reason);
    }
  });
});

describe('isExcluded', () => {
  it('matches a listed directory and what lies under it, by project or by cwd', () => {
    const config = { excludeProjects: ['/srv/secret'], embed: {} };
    expect(isExcluded(config, '/srv/secret')).toBe(true);
    expect(isExcluded(config, '/srv/secret/sub')).toBe(true);
    expect(isExcluded(config, '/srv/secretive')).toBe(false);
    expect(isExcluded(config, '', '/srv/secret/x')).toBe(true);
  });
});
