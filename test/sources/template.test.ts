import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { template } from '../../src/sources/_template.js';
import { envFor, readAll, tempDir } from './adapter-harness.js';

// The template is copied to start a new adapter: this keeps it compiling and working.
describe('the adapter template', () => {
  it('finds its files under its root and the override, and reads them from where it stopped', async () => {
    const home = tempDir();
    const dir = join(home, '.example', 'sessions');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 's1.jsonl');
    writeFileSync(file, '{"role":"user","text":"add a flag","ts":"2026-01-01T00:00:00Z"}\nnot json\n{"role":"assistant","text":"done"}\n{"role":"user","te');
    expect(await template.locate(envFor(home, 'linux'))).toEqual([file]);
    expect(await template.locate(envFor(home, 'linux', { EXAMPLE_HOME: join(home, 'elsewhere') }))).toEqual([]);
    expect(template.matches(file)).toBe(true);

    const first = await readAll(template, file);
    expect([...first.messages.values()].map((m) => [m.id, m.role, m.kind, m.content])).toEqual([
      ['example:s1:L1', 'user', 'prompt', 'add a flag'],
      ['example:s1:L3', 'assistant', 'text', 'done'],
    ]);
    expect(first.skips).toEqual([{ line: 2, reason: 'invalid JSON' }]);

    appendFileSync(file, 'xt":"and a test"}\n');
    const next = await readAll(template, file, first.cursor);
    expect([...next.sessions.keys()]).toEqual(['example:s1']);
    expect([...next.messages.values()].map((m) => [m.id, m.content])).toEqual([['example:s1:L4', 'and a test']]);
  });
});
