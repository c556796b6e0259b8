import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitRepo } from '../helpers/git-repo.js';

// Every command that reads the config file (ingest: excludeProjects; search and index: the
// embedding endpoint) reports a broken one the same way: one line naming the file, a hint, exit 2.
describe('a broken config file', () => {
  it('stops ingest, search and index with one line and a hint', () => {
    const home = realpathSync(mkdtempSync(join(tmpdir(), 'lore-config-home-')));
    const env = { LORE_HOME: join(home, 'lore'), CLAUDE_CONFIG_DIR: join(home, 'claude') };
    mkdirSync(env.LORE_HOME);
    const config = join(env.LORE_HOME, 'config.json');
    const repo = gitRepo({ 'a.ts': 'export const a = 1;\n' });
    const hint = 'hint: fix or remove the file; README.md "Privacy" and "Search" show its format\n';
    for (const [text, reason] of [
      ['{ not json', 'it is not valid JSON'],
      ['{"excludeProjects": "/srv"}', '"excludeProjects" must be a list of directory paths'],
      ['{"embed": {"url": 8080}}', '"embed.url" must be a string'],
    ]) {
      writeFileSync(config, text!);
      for (const args of [['ingest', '-q'], ['search', 'anything'], ['index', '-q']]) {
        const r = runCli(args, { cwd: repo, env });
        expect({ args, text, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
          args,
          text,
          code: 2,
          stdout: '',
          stderr: `lore: cannot read the config file ${config}: ${reason}\n${hint}`,
        });
      }
    }
  });
});
