import type { CommandModule } from 'yargs';
import { placeOf } from '../context.js';
import type { GlobalArgs } from '../output.js';

declare const __LORE_VERSION__: string;

const CLIENTS = ['claude', 'cursor', 'codex', 'gemini'] as const;
type Client = (typeof CLIENTS)[number];

interface McpArgs extends GlobalArgs {
  'print-config'?: Client;
}

export const mcpCommand: CommandModule<GlobalArgs, McpArgs> = {
  command: 'mcp',
  describe: 'Serve this repository to AI agents over the Model Context Protocol (stdio): why, search, related, learnings, sessions, show_session, record_learning',
  builder: (y) =>
    y.option('print-config', {
      type: 'string',
      choices: CLIENTS,
      describe: "print what an MCP client needs to start `lore mcp` (lore edits no client's configuration)",
    }) as never,
  handler: async (args) => {
    if (args['print-config']) {
      process.stdout.write(clientConfig(args['print-config']));
      return;
    }
    // Loaded here only: the SDK and zod cost no other command anything.
    const { serveMcp } = await import('../../mcp/index.js');
    // LORE_MCP_WAIT_MS: how long a tool call waits for the catch-up it starts (default 1000).
    const wait = Number.parseInt(process.env.LORE_MCP_WAIT_MS ?? '', 10);
    await serveMcp({
      place: placeOf(args),
      version: typeof __LORE_VERSION__ === 'string' ? __LORE_VERSION__ : '0.0.0-dev',
      ...(Number.isInteger(wait) && wait >= 0 ? { budgetMs: wait } : {}),
    });
  },
};

/**
 * What each client needs to run `lore mcp`, from each client's documentation. Every client starts
 * the server in the project it works on, except Cursor, which is told the folder (`-C`).
 */
export function clientConfig(client: Client): string {
  const json = (servers: object): string => `${JSON.stringify(servers, null, 2)}\n`;
  switch (client) {
    case 'claude':
      return [
        '# Claude Code starts MCP servers in the project it runs in; lore serves that repository.',
        '# For every project (drop --scope user to add it to this project only; --scope project writes .mcp.json):',
        'claude mcp add --scope user lore -- lore mcp',
        '',
      ].join('\n');
    case 'cursor':
      // Cursor fills in ${workspaceFolder}; lore also falls back to the roots the client names.
      return json({ mcpServers: { lore: { command: 'lore', args: ['mcp', '-C', '${workspaceFolder}'] } } });
    case 'codex':
      return [
        '# Codex: run `codex mcp add lore -- lore mcp`, or add this to ~/.codex/config.toml',
        '# (Codex starts MCP servers in the directory it runs in; lore serves that repository):',
        '[mcp_servers.lore]',
        'command = "lore"',
        'args = ["mcp"]',
        '',
      ].join('\n');
    case 'gemini':
      // `gemini mcp add --scope user lore lore mcp` writes the same entry.
      return json({ mcpServers: { lore: { command: 'lore', args: ['mcp'] } } });
  }
}
