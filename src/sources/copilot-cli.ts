import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseYaml } from '../yaml.js';
import { readTranscript, type TranscriptFlavor } from './copilot.js';
import { isRecord, recordOf, str } from './file-state.js';
import { patchTargets, type EditTarget } from './patch-text.js';
import type { Cursor, SourceAdapter, SourceEnv, SourceRecord, SourceRoot } from './types.js';
import { isFile, listDir, unique } from './vscode-paths.js';

/**
 * GitHub Copilot CLI (`copilot`), docs/sources.md. Each session is a folder
 * `session-state/<sessionId>/` under `$COPILOT_HOME` or `~/.copilot` (GitHub's "CLI configuration
 * directory" reference), holding `events.jsonl`: the append-only event stream that Copilot Chat's
 * transcripts also use (`session.start{sessionId, context{cwd, gitRoot, branch}}`, `user.message`,
 * `assistant.message{toolRequests}`, `tool.execution_start/complete`), so copilot.ts reads it; this
 * adapter adds where the files are, the CLI's own edit tools and its `workspace.yaml` (cwd) beside it.
 * Releases before the move to `~/.copilot` wrote under `$XDG_STATE_HOME/.copilot/session-state`
 * (copilot-chat `src/extension/chatSessions/copilotcli/node/cliHelpers.ts`).
 */

const TOOL = 'copilot-cli';

export const copilotCli: SourceAdapter = {
  id: TOOL,
  name: 'Copilot CLI',
  envOverrides: ['COPILOT_HOME', 'XDG_STATE_HOME'],
  // The CLI signs commits `Co-authored-by: Copilot <…+Copilot@users.noreply.github.com>`, as Copilot
  // Chat does: copilot.ts's marker credits them to `copilot`, which the linker matches to both.
  commitMarkers: [],
  watchRoots: sessionRoots,
  watchedFiles: /(^|[\\/])events\.jsonl$/,
  async locate(senv) {
    const found: string[] = [];
    for (const { path: root } of sessionRoots(senv)) {
      for (const id of listDir(root)) found.push(join(root, id, 'events.jsonl'));
    }
    return unique(found.filter(isFile));
  },
  matches(path) {
    const parts = path.split(/[\\/]+/);
    return parts.at(-1) === 'events.jsonl' && parts.at(-3) === 'session-state';
  },
  read(file, from) {
    return readEvents(file, from);
  },
};

/** `session-state/` under `$COPILOT_HOME` (else `~/.copilot`) and, for older releases, `$XDG_STATE_HOME/.copilot`; the same on every OS. */
function sessionRoots(senv: SourceEnv): SourceRoot[] {
  const homes = [senv.env.COPILOT_HOME || join(senv.home, '.copilot')];
  if (senv.env.XDG_STATE_HOME) homes.push(join(senv.env.XDG_STATE_HOME, '.copilot'));
  return unique(homes.map((h) => join(h, 'session-state'))).map((path) => ({ path, depth: 2 }));
}

async function* readEvents(file: string, from: Cursor | undefined): AsyncGenerator<SourceRecord> {
  if (!isFile(file)) {
    yield { kind: 'skip', reason: `${file}: not a readable file` };
    return;
  }
  // Resuming, the shared reader names no session; the adapter contract wants one first in every read.
  const resumed = from && from.offset > 0 && isRecord(from.state) ? from.state : undefined;
  const id = str(resumed?.sessionId);
  if (id) yield { kind: 'session', session: { id: `${TOOL}:${id}`, source: TOOL, ...(str(resumed?.cwd) ? { cwd: str(resumed?.cwd) } : {}) } };
  yield* readTranscript(file, from, CLI_EVENTS);
}

const CLI_EVENTS: TranscriptFlavor = {
  tool: TOOL,
  nativeId: (file) => basename(dirname(file)),
  cwd: workspaceCwd,
  edits: cliEdits,
};

/** `cwd:` of the session folder's `workspace.yaml`, for a stream whose `session.start` names none. */
function workspaceCwd(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dirname(file), 'workspace.yaml'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = parseYaml(text);
    return isRecord(doc) ? str(doc.cwd) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The CLI's file tools: `create {path, file_text}`, `edit {path, old_str, new_str}` (older:
 * `str_replace`, and `str_replace_editor` with a `command`), and for GPT models `apply_patch`, whose
 * input is the bare patch text rather than JSON (git-ai `presets/github_copilot/cli.rs`
 * `classify_cli_tool` lists the same names).
 */
function cliEdits(tool: string, rawArgs: unknown): EditTarget[] {
  const args = recordOf(rawArgs);
  if (tool === 'apply_patch' || tool === 'git_apply_patch') {
    const patch = str(args.input) ?? str(args.patch) ?? (typeof rawArgs === 'string' && rawArgs.includes('*** Begin Patch') ? rawArgs : undefined);
    return patch ? patchTargets(patch) : [];
  }
  const path = str(args.path);
  if (!path) return [];
  const command = tool === 'str_replace_editor' ? str(args.command) : tool;
  switch (command) {
    case 'create':
    case 'write':
      return [{ path, newText: str(args.file_text) ?? str(args.content) }];
    case 'edit':
    case 'str_replace':
      return [{ path, oldText: str(args.old_str), newText: str(args.new_str) }];
    case 'insert':
      return [{ path, newText: str(args.new_str) }];
    default:
      return [];
  }
}
