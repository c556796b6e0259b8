// The cost of the three ways an agent asks lore (issue 15), each against a baseline measured in the
// same run, interleaved:
// - `lore context --hook claude`, the PreToolUse hook an agent runs before every edit: the whole
//   process, the hook's JSON on stdin, on the busiest file of the generated 10,000-commit
//   repository (bench/backfill.mjs's). Target < 150 ms. Baselines: `node -e ''` (the floor of any
//   Node hook) and `git log -1` (the cheapest git call a shell hook would make).
// - a `why` call to a running `lore mcp`, over stdio with the SDK's client, vs `lore why` as a
//   process, and the server's start (spawn to initialized) vs `node -e ''`.
// A real repository too: LORE_BENCH_REPO=<checkout> LORE_BENCH_CONTEXT_FILE=<path> (its own
// LORE_HOME is indexed first, unless LORE_BENCH_LORE_HOME names one already indexed).
// LORE_BENCH_BEFORE=<another build's cli.js>: the hook of that build too, in the same rounds.
// Run: npm run build && node bench/agent-hooks.mjs
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cachedRepo } from './lib/gen-repo.mjs';
import { CLI, header, median, ms, result, timed, waitForWorker } from './lib/measure.mjs';

const N = Number(process.env.LORE_BENCH_BACKFILL ?? 10_000);
const RUNS = Number(process.env.LORE_BENCH_RUNS ?? 21);

// CPU time (user + sys) of the children this process waited for (Linux /proc, 10 ms ticks): it
// hardly moves with the machine's load, where wall time does.
const childCpu = () => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
};

/** RUNS interleaved rounds of each command; medians of wall and CPU time per command. */
function interleaved(commands) {
  const wall = commands.map(() => []);
  const cpu = commands.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    commands.forEach((c, j) => {
      const c0 = childCpu();
      wall[j].push(timed(c.cmd, c.args, c.options).ms);
      cpu[j].push(childCpu() - c0);
    });
  }
  return commands.map((c, j) => ({ label: c.label, wall: median(wall[j]), cpu: median(cpu[j]) }));
}

async function measure(dir, file, env, where) {
  const input = JSON.stringify({ session_id: 'bench', cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: join(dir, file), old_string: 'a', new_string: 'b' } });
  const sample = timed(process.execPath, [CLI, 'context', '--hook', 'claude'], { cwd: dir, env, input, keepOutput: true }).stdout;
  const context = sample ? JSON.parse(sample).hookSpecificOutput.additionalContext : '';
  console.log(`  ${where}: ${file}; the hook hands the model ${context.length} characters`);
  const before = process.env.LORE_BENCH_BEFORE && resolve(process.env.LORE_BENCH_BEFORE);
  if (before) timed(process.execPath, [before, 'context', '--hook', 'claude'], { cwd: dir, env, input }); // its code cache
  const [hook, node, gitLog, old] = interleaved([
    { label: 'lore context --hook claude', cmd: process.execPath, args: [CLI, 'context', '--hook', 'claude'], options: { cwd: dir, env, input } },
    { label: "node -e ''", cmd: process.execPath, args: ['-e', ''], options: { cwd: dir } },
    { label: 'git log -1', cmd: 'git', args: ['log', '-1'], options: { cwd: dir } },
    ...(before ? [{ label: 'the same, LORE_BENCH_BEFORE', cmd: process.execPath, args: [before, 'context', '--hook', 'claude'], options: { cwd: dir, env, input } }] : []),
  ]);
  for (const r of [hook, node, gitLog, ...(old ? [old] : [])]) console.log(`  ${r.label.padEnd(28)} wall ${ms(r.wall)}, CPU ${ms(r.cpu)}`);
  if (old) result({ bench: 'agent-hooks', what: `context hook per edit (${where}; before: ${before})`, lore: old.wall, baseline: node.wall, baselineLabel: "node -e ''", target: '< 150 ms', maxRatio: Infinity, maxAddedMs: 150 - node.wall });
  result({ bench: 'agent-hooks', what: `context hook per edit (${where})`, lore: hook.wall, baseline: node.wall, baselineLabel: "node -e ''", target: '< 150 ms', maxRatio: Infinity, maxAddedMs: 150 - node.wall });
  result({ bench: 'agent-hooks', what: `context hook vs git log -1 (${where})`, lore: hook.wall, baseline: gitLog.wall, baselineLabel: 'git log -1', target: '(information)', maxRatio: Infinity });

  // lore mcp: the server's start, then `why` per call on a running server vs `lore why` as a process.
  const starts = [];
  const calls = [];
  let client;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: dir, env, stderr: 'ignore' });
    client = new Client({ name: 'bench', version: '1' });
    await client.connect(transport);
    starts.push(performance.now() - t0);
    if (i < 4) await client.close();
  }
  await client.callTool({ name: 'why', arguments: { file } }); // its first catch-up
  const cli = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await client.callTool({ name: 'why', arguments: { file } });
    calls.push(performance.now() - t0);
    if (r.isError) throw new Error(r.content[0].text);
    cli.push(timed(process.execPath, [CLI, 'why', file], { cwd: dir, env }).ms);
  }
  await client.close();
  const floor = median(Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '']).ms));
  console.log(`  lore mcp start (spawn to initialized) ${ms(median(starts))}; node -e '' ${ms(floor)}`);
  result({ bench: 'agent-hooks', what: `MCP why call on a running server (${where})`, lore: median(calls), baseline: median(cli), baselineLabel: 'lore why (process)', target: '(information)', maxRatio: Infinity });
}

const { dir, file } = await cachedRepo(resolve('.bench-tmp'), N);
header(`agent hooks: ${file} in ${dir}, median of ${RUNS}, interleaved`);
const home = mkdtempSync(resolve('.bench-tmp/agent-hooks-home-'));
const env = { ...process.env, LORE_HOME: home, XDG_CACHE_HOME: `${home}/cache` };
timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: dir, env });
await waitForWorker(`${dir}/.git`, { appearMs: 0 });
await measure(dir, file, env, 'generated repository');
rmSync(home, { recursive: true, force: true });

const real = process.env.LORE_BENCH_REPO;
if (real) {
  const realFile = process.env.LORE_BENCH_CONTEXT_FILE ?? 'README.md';
  const given = process.env.LORE_BENCH_LORE_HOME;
  const realHome = given ?? mkdtempSync(resolve('.bench-tmp/agent-hooks-home-'));
  const realEnv = { ...process.env, LORE_HOME: realHome, XDG_CACHE_HOME: `${realHome}/cache` };
  if (!given) {
    timed(process.execPath, [CLI, 'index', '--wait', '-q'], { cwd: real, env: realEnv });
    await waitForWorker(`${real}/.git`, { appearMs: 0, timeoutMs: 600_000 });
  }
  await measure(real, realFile, realEnv, `real repository ${real}`);
  if (!given) rmSync(realHome, { recursive: true, force: true });
}
