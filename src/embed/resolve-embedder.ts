import { UsageError } from '../errors.js';
import { loadConfig, type EmbedSettings } from '../config/index.js';
import { hashEmbedder } from './hash-embedder.js';
import { httpEmbedder } from './http-embedder.js';
import type { Embedder } from './types.js';

/** The embedding settings: env (LORE_EMBED_URL, LORE_EMBED_MODEL, LORE_EMBED_API_KEY) over the `embed` key of lore's config file. */
export function embedConfig(env: NodeJS.ProcessEnv = process.env): EmbedSettings {
  const file = loadConfig(env).embed;
  const url = env.LORE_EMBED_URL || file.url;
  const model = env.LORE_EMBED_MODEL || file.model;
  const apiKey = env.LORE_EMBED_API_KEY || file.apiKey;
  return { ...(url ? { url } : {}), ...(model ? { model } : {}), ...(apiKey ? { apiKey } : {}) };
}

/** The configured embedder: an OpenAI-compatible endpoint when one is set, else the offline hash embedder. */
export function resolveEmbedder(env: NodeJS.ProcessEnv = process.env): Embedder {
  const c = embedConfig(env);
  if (c.url || c.model) {
    if (!c.url || !c.model) throw new UsageError('an embedding endpoint needs both a URL and a model', 'set LORE_EMBED_URL and LORE_EMBED_MODEL (or both keys under "embed" in the config file)');
    return httpEmbedder({ url: c.url, model: c.model, ...(c.apiKey ? { apiKey: c.apiKey } : {}) });
  }
  return hashEmbedder();
}
