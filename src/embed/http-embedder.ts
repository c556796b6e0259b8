import { EmbeddingServiceError } from '../errors.js';
import type { Embedder } from './types.js';

export interface HttpEmbedderOptions {
  /** Base URL of an OpenAI-compatible server, e.g. http://localhost:11434 (Ollama); `/v1/embeddings` is appended unless present. */
  url: string;
  model: string;
  apiKey?: string;
  fetch?: typeof globalThis.fetch;
}

/**
 * Calls an OpenAI-compatible `/v1/embeddings` endpoint. Only used when the user configured one
 * (LORE_EMBED_URL + LORE_EMBED_MODEL, or the config file); it is lore's only network access.
 */
export function httpEmbedder(options: HttpEmbedderOptions): Embedder {
  const endpoint = /\/embeddings\/?$/.test(options.url) ? options.url : `${options.url.replace(/\/+$/, '')}/v1/embeddings`;
  const doFetch = options.fetch ?? globalThis.fetch;
  let dims = 0;
  return {
    id: `openai:${options.model}@${options.url}`,
    get dims() {
      return dims;
    },
    embed: async (texts) => {
      if (texts.length === 0) return [];
      let res: Response;
      try {
        res = await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
          body: JSON.stringify({ model: options.model, input: texts.map((t) => t.slice(0, 8000)) }),
        });
      } catch (err) {
        throw new EmbeddingServiceError(endpoint, (err as Error).message);
      }
      if (!res.ok) throw new EmbeddingServiceError(endpoint, `HTTP ${res.status}`);
      const body = (await res.json()) as { data?: { index?: number; embedding: number[] }[] };
      if (!Array.isArray(body.data) || body.data.length !== texts.length) throw new EmbeddingServiceError(endpoint, 'unexpected response shape');
      const sorted = [...body.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      const out = sorted.map((d) => normalize(Float32Array.from(d.embedding)));
      dims = out[0]!.length;
      return out;
    },
  };
}

function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  if (n > 0) {
    const inv = 1 / Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}
