import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The MCP SDK and zod are for `lore mcp` alone (docs/start-up.md): no other command loads them.
describe('the MCP server in the build', () => {
  const dist = resolve('dist');
  const chunks = readdirSync(join(dist, 'chunks')).filter((f) => f.endsWith('.js'));
  const sdk = chunks.filter((f) => readFileSync(join(dist, 'chunks', f), 'utf8').includes('McpServer'));

  it('lives in one chunk that only a dynamic import() reaches', () => {
    expect(sdk).toHaveLength(1);
    const name = sdk[0]!;
    for (const f of [...chunks.map((c) => join('chunks', c)), 'cli.cjs', 'main.js', 'exit.js']) {
      const code = readFileSync(join(dist, f), 'utf8');
      const refs = [...code.matchAll(new RegExp(`(import\\(|from |import )["']\\./(?:chunks/)?${name.replace('.', '\\.')}["']`, 'g'))].map((m) => m[1]);
      expect(refs.filter((r) => r !== 'import('), f).toEqual([]);
    }
  });

  it('is not in the bundle `lore why` and `lore index` run from', () => {
    const fast = readFileSync(join(dist, 'fast.cjs'), 'utf8');
    expect(fast).not.toContain('McpServer');
    expect(fast).not.toContain('modelcontextprotocol');
  });
});
