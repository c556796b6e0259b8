import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { configPath } from '../ingest/index.js';
import { hashEmbedder } from './hash-embedder.js';
import { httpEmbedder } from './http-embedder.js';
import type { Embedder } from './types.js';

export interface EmbedConfig {
  url?: string;
  model?: string;
  apiKey?: string;
}

/** The embedding settings: env (LORE_EMBED_URL, LORE_EMBED_MODEL, LORE_EMBED_API_KEY) over the `embed` key of lore's config file (src/ingest/config.ts). */
export function embedConfig(env: NodeJS.ProcessEnv = process.env): EmbedConfig {
  let file: EmbedConfig = {};
  const path = configPath(env);
  if (existsSync(path)) {
    try {
      file = ((JSON.parse(readFileSync(path, 'utf8')) as { embed?: EmbedConfig }).embed ?? {}) as EmbedConfig;
    } catch (err) {
      throw new UsageError(`cannot read ${path}: ${(err as Error).message}`, 'fix the JSON or remove the file');
    }
  }
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
