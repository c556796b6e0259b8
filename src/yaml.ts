import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

// The YAML parser, loaded on first use: few runs read a YAML file (learning docs, a pnpm
// workspace), and it is the largest module the stages before every `lore why` would load.
const load = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;

export function parseYaml(text: string, options?: Yaml.ParseOptions): unknown {
  yaml ??= load('yaml') as typeof Yaml;
  return yaml.parse(text, options);
}
