import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cline } from '../../src/sources/cline.js';
import { copilot } from '../../src/sources/copilot.js';
import { cursor } from '../../src/sources/cursor.js';
import { opencode } from '../../src/sources/opencode.js';
import { isTranscriptFile, transcriptRoots } from '../../src/watch/index.js';
import { envFor } from './adapter-harness.js';

const home = '/home/u';

describe('watch roots of the IDE-family adapters', () => {
  it('names the dirs each tool writes to, on every OS layout', () => {
    const linux = envFor(home, 'linux');
    expect(cline.watchRoots!(linux)).toContainEqual({ path: join(home, '.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks'), depth: 2 });
    expect(cline.watchRoots!(linux)).toContainEqual({ path: join(home, '.cline/data/tasks'), depth: 2 });
    expect(cursor.watchRoots!(envFor(home, 'darwin'))).toContainEqual({ path: join(home, 'Library/Application Support/Cursor/User/globalStorage'), depth: 1 });
    expect(cursor.watchRoots!(envFor(home, 'linux', { CURSOR_CONFIG_DIR: '/cfg' }))).toContainEqual({ path: '/cfg/chats', depth: 3 });
    expect(copilot.watchRoots!(envFor(home, 'win32', { APPDATA: 'C:/Users/u/AppData/Roaming' }))).toContainEqual({ path: join('C:/Users/u/AppData/Roaming', 'Code - Insiders/User/workspaceStorage'), depth: 4 });
    expect(opencode.watchRoots!(envFor(home, 'linux', { OPENCODE_DATA_DIR: '/oc' }))).toContainEqual({ path: '/oc', depth: 4 });
  });

  it('are watched by lore watch', () => {
    const roots = transcriptRoots({}, home, 'linux');
    expect(roots).toContainEqual({ source: 'cline', path: join(home, '.config/Cursor/User/globalStorage/rooveterinaryinc.roo-cline/tasks'), depth: 2 });
    expect(roots).toContainEqual({ source: 'cursor', path: join(home, '.config/Cursor/User/workspaceStorage'), depth: 2 });
    expect(roots).toContainEqual({ source: 'copilot', path: join(home, '.config/VSCodium/User/workspaceStorage'), depth: 4 });
  });

  it("watch the files the adapters read, a SQLite store's WAL too, never its shared memory", () => {
    for (const name of ['s.jsonl', 's.json', '.aider.chat.history.md', 'opencode.db', 'state.vscdb', 'opencode.db-wal', 'state.vscdb-wal', 'rollout-x.jsonl.zst']) expect(isTranscriptFile(join(home, name))).toBe(true);
    for (const name of ['state.vscdb-shm', 'opencode.db-shm', 'opencode.db-journal', 'notes.txt', 's.jsonl.tmp']) expect(isTranscriptFile(join(home, name))).toBe(false);
  });

  it('leave VS Code state stores to other adapters: only Cursor state.vscdb files are Cursor files', () => {
    expect(cursor.matches(join(home, '.config/Cursor/User/globalStorage/state.vscdb'))).toBe(true);
    expect(cursor.matches(join(home, '.config/Code/User/globalStorage/state.vscdb'))).toBe(false);
  });
});
