import { aider } from './aider.js';
import { amp } from './amp.js';
import { claudeCode } from './claude-code.js';
import { cline } from './cline.js';
import { codex } from './codex.js';
import { continueDev } from './continue.js';
import { copilot } from './copilot.js';
import { copilotCli } from './copilot-cli.js';
import { crush } from './crush.js';
import { cursor } from './cursor.js';
import { gemini } from './gemini.js';
import { opencode } from './opencode.js';
import type { SourceAdapter, SourceId } from './types.js';

// One line per adapter. Adapters are small and import nothing heavy, so all load eagerly.
export const adapters: SourceAdapter[] = [
  aider,
  amp,
  claudeCode,
  cline,
  codex,
  continueDev,
  copilot,
  copilotCli,
  crush,
  cursor,
  gemini,
  opencode,
];

export function adapterById(id: SourceId | string): SourceAdapter | undefined {
  return adapters.find((a) => a.id === id);
}
