import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashEmbedder, hashVector, httpEmbedder, resolveEmbedder } from '../../src/embed/index.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('hash embedder', () => {
  it('makes deterministic unit vectors of the configured width', async () => {
    const [a, b] = await hashEmbedder(128).embed(['prepared statements', 'prepared statements']);
    expect(a!.length).toBe(128);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
  });

  it('scores shared words and word pieces above unrelated text', () => {
    const q = hashVector('database migration', 256);
    expect(dot(q, hashVector('migrations are forward-only in the database', 256))).toBeGreaterThan(0.3);
    expect(dot(q, hashVector('Lorem ipsum dolor sit amet', 256))).toBeLessThan(0.2);
    expect(dot(hashVector('openDb', 256), hashVector('open the db', 256))).toBeGreaterThan(0.4);
  });
});

describe('http embedder', () => {
  it('posts to /v1/embeddings and returns normalized vectors in input order', async () => {
    const calls: { url: string; body: unknown }[] = [];
    const fakeFetch = (async (url: string, init: { body: string }) => {
      calls.push({ url, body: JSON.parse(init.body) });
      return new Response(JSON.stringify({ data: [{ index: 1, embedding: [0, 2] }, { index: 0, embedding: [3, 4] }] }), { status: 200 });
    }) as unknown as typeof fetch;
    const e = httpEmbedder({ url: 'http://localhost:11434/', model: 'nomic-embed-text', fetch: fakeFetch });
    const [a, b] = await e.embed(['x', 'y']);
    expect(calls).toEqual([{ url: 'http://localhost:11434/v1/embeddings', body: { model: 'nomic-embed-text', input: ['x', 'y'] } }]);
    expect(Array.from(a!)).toEqual([expect.closeTo(0.6, 5), expect.closeTo(0.8, 5)]);
    expect(Array.from(b!)).toEqual([0, 1]);
    expect(e.id).toBe('openai:nomic-embed-text@http://localhost:11434/');
    expect(e.dims).toBe(2);
  });

  it('reports a failing server as a lore error', async () => {
    const e = httpEmbedder({ url: 'http://x', model: 'm', fetch: (async () => new Response('no', { status: 500 })) as unknown as typeof fetch });
    await expect(e.embed(['x'])).rejects.toThrow(/embedding service at http:\/\/x\/v1\/embeddings failed: HTTP 500/);
  });
});

describe('resolveEmbedder', () => {
  it('uses the offline hash embedder unless an endpoint is configured', () => {
    expect(resolveEmbedder({ HOME: '/nonexistent' }).id).toBe('hash-ngram-v1/256');
    expect(resolveEmbedder({ HOME: '/nonexistent', LORE_EMBED_URL: 'http://h:1', LORE_EMBED_MODEL: 'm' }).id).toBe('openai:m@http://h:1');
    expect(() => resolveEmbedder({ HOME: '/nonexistent', LORE_EMBED_URL: 'http://h:1' })).toThrow(/needs both a URL and a model/);
  });

  it("reads the endpoint from the config file's embed key, the environment winning per setting", () => {
    const home = mkdtempSync(join(tmpdir(), 'lore-embed-'));
    writeFileSync(join(home, 'config.json'), JSON.stringify({ embed: { url: 'http://file:1', model: 'from-file' } }));
    expect(resolveEmbedder({ LORE_HOME: home }).id).toBe('openai:from-file@http://file:1');
    expect(resolveEmbedder({ LORE_HOME: home, LORE_EMBED_MODEL: 'from-env' }).id).toBe('openai:from-env@http://file:1');
    writeFileSync(join(home, 'config.json'), '{ not json');
    expect(() => resolveEmbedder({ LORE_HOME: home })).toThrow(/cannot read .*config\.json/);
    rmSync(home, { recursive: true, force: true });
  });
});
