import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../output.js';
import { doctorCommand } from './doctor.js';
import { forgetCommand } from './forget.js';
import { hookCommand } from './hook.js';
import { indexCommand } from './index-cmd.js';
import { ingestCommand } from './ingest.js';
import { initCommand } from './init.js';
import { reindexCommand } from './reindex.js';
import { searchCommand } from './search.js';
import { sessionsCommand } from './sessions.js';
import { showCommand } from './show.js';
import { relatedCommand } from './related.js';
import { watchCommand } from './watch.js';
import { whyCommand } from './why.js';
import { learnCommand, learningsCommand } from './learn.js';
import { syncCommand } from './sync.js';
import { mcpCommand } from './mcp.js';
import { contextCommand } from './context.js';
import { prCommand, statsCommand } from './pr.js';
import { exportCommand } from './export.js';

// One line per command; handlers load their implementation lazily.
export const commands: CommandModule<GlobalArgs, never>[] = [
  whyCommand,
  searchCommand,
  reindexCommand,
  learnCommand,
  learningsCommand,
  relatedCommand,
  prCommand,
  statsCommand,
  watchCommand,
  initCommand,
  indexCommand,
  hookCommand,
  ingestCommand,
  sessionsCommand,
  showCommand,
  forgetCommand,
  syncCommand,
  exportCommand,
  doctorCommand,
  contextCommand,
  mcpCommand,
] as unknown as CommandModule<GlobalArgs, never>[];
