/**
 * One interface for every embedding model. `id` names the model and its parameters: vectors made
 * by different ids are never mixed (the id is stored with the vectors; see src/db/vectors.ts).
 */
export interface Embedder {
  /** e.g. 'hash-ngram-v1/256' or 'openai:nomic-embed-text@http://localhost:11434'. */
  readonly id: string;
  /** Vector width; 0 until a remote model has answered once. */
  readonly dims: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}
