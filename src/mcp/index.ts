// The MCP server's public surface: `lore mcp` (src/cli/commands/mcp.ts) loads it only when it runs,
// so the SDK and zod cost no other command anything.
export { serveMcp, createServer, type McpOptions } from './server.js';
