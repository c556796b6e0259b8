import { describe, expect, it } from 'vitest';
import { codeCacheDir } from '../../src/config/cache-dir.js';
import { configPath, resolveDbPath } from '../../src/config/index.js';

describe('resolveDbPath', () => {
  it('is --db, else $LORE_HOME/lore.db, else $XDG_DATA_HOME/lore/lore.db, else ~/.local/share/lore/lore.db', () => {
    expect(resolveDbPath({ LORE_HOME: '/l', HOME: '/home/u' }, '/x/my.db')).toBe('/x/my.db');
    expect(resolveDbPath({ LORE_HOME: '/l', XDG_DATA_HOME: '/d', HOME: '/home/u' })).toBe('/l/lore.db');
    expect(resolveDbPath({ XDG_DATA_HOME: '/d', HOME: '/home/u' })).toBe('/d/lore/lore.db');
    expect(resolveDbPath({ HOME: '/home/u' })).toBe('/home/u/.local/share/lore/lore.db');
  });
});

describe('configPath', () => {
  it('is $LORE_HOME/config.json, else $XDG_CONFIG_HOME/lore/config.json, else ~/.config/lore/config.json', () => {
    expect(configPath({ LORE_HOME: '/l', XDG_CONFIG_HOME: '/c', HOME: '/home/u' })).toBe('/l/config.json');
    expect(configPath({ XDG_CONFIG_HOME: '/c', HOME: '/home/u' })).toBe('/c/lore/config.json');
    expect(configPath({ HOME: '/home/u' })).toBe('/home/u/.config/lore/config.json');
  });
});

describe('codeCacheDir', () => {
  it('is $XDG_CACHE_HOME/lore when that is absolute, else ~/.cache/lore', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/lore');
    expect(codeCacheDir({ XDG_CACHE_HOME: '', HOME: '/home/u' })).toBe('/home/u/.cache/lore');
    // Relative: ignored (the XDG spec), or the cache would land in the repository lore runs in.
    expect(codeCacheDir({ XDG_CACHE_HOME: 'cache', HOME: '/home/u' })).toBe('/home/u/.cache/lore');
  });
});
