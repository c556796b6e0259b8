import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { LoreEvent, Reporter } from '../events.js';
import { terminalSafe } from './output.js';

// The progress bar library, loaded when a bar is first drawn: most commands never draw one, and
// it loads node:readline (with fs/promises) as it loads, on every start (docs/start-up.md).
const load = createRequire(import.meta.url);
let cliProgress: typeof CliProgress | undefined;

/**
 * Renders core events on stderr: warnings always (one line each), a progress bar only on a TTY
 * and only for work that takes more than a moment (after `delayMs`, for a stage still in progress).
 */
export function stderrReporter(options: { quiet?: boolean; delayMs?: number } = {}): Reporter & { stop(): void } {
  const isTty = process.stderr.isTTY === true && !process.env.CI;
  const delayMs = options.delayMs ?? 400;
  const started = Date.now();
  const reported = new Set<string>(); // stages that reported progress already
  let bar: CliProgress.SingleBar | undefined;
  let stage = '';
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const reporter = (event: LoreEvent): void => {
    if (event.type === 'warning') {
      if (options.quiet) return;
      if (bar) bar.stop();
      const where = event.file ? ` (${event.file}${event.line ? `:${event.line}` : ''})` : '';
      process.stderr.write(`lore: warning: ${terminalSafe(`${event.message}${where}`)}\n`);
      return;
    }
    if (event.type === 'stage-end') {
      reported.delete(event.stage);
      if (event.stage === stage) stop();
      return;
    }
    if (!isTty || options.quiet || event.total === undefined) return;
    // A bar once the command has run for the delay, for a stage in progress: not on a stage's
    // first report, nor when it is done, so quick work and one-step stages (0/1, then 1/1) never
    // flash one.
    const isFirst = !reported.has(event.stage);
    reported.add(event.stage);
    if (!bar && (Date.now() - started < delayMs || isFirst || event.done >= event.total)) return;
    if (!bar || stage !== event.stage) {
      stop();
      stage = event.stage;
      cliProgress ??= load('cli-progress') as typeof CliProgress;
      bar = new cliProgress.SingleBar(
        { format: `${event.stage.padEnd(9)} {bar} {value}/{total} {eta_formatted}`, stream: process.stderr, clearOnComplete: true, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(event.total, event.done);
    } else {
      bar.setTotal(event.total);
      bar.update(event.done);
    }
  };
  return Object.assign(reporter, { stop, rendersProgress: isTty && !options.quiet });
}
