import { createRequire } from 'node:module';
import type * as SimpleGitModule from 'simple-git';
import { LoreError } from '../errors.js';
import { git, gitRaw } from './run.js';
import { childProcess } from '../builtins.js';

/**
 * Git notes as lore shares them: read and written as whole trees (one process each way, whatever
 * the number of commits), and moved between clones with simple-git, whose errors say what the
 * remote answered.
 */

export class RemoteError extends LoreError {
  constructor(remote: string, reason: string) {
    super(`cannot reach the remote ${remote}: ${reason}`, 'E_REMOTE', 'check `git remote -v` and that `git fetch` works here; nothing was changed');
  }
}

/** The commit a ref points at, or null when it does not exist. */
export async function resolveRef(root: string, ref: string): Promise<string | null> {
  const r = await gitRaw(root, ['rev-parse', '--verify', '-q', `${ref}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Every note of `ref` as commit sha → text (an absent ref has none). */
export async function readNotes(root: string, ref: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!(await resolveRef(root, ref))) return out;
  const tree = await git(root, ['ls-tree', '-r', '-z', ref]);
  const blobs: { sha: string; oid: string }[] = [];
  for (const entry of tree.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(entry);
    // Fan-out directories (`ab/cdef…`) are part of the annotated commit's name.
    const sha = m?.[2]!.replace(/\//g, '');
    if (m && sha && /^[0-9a-f]{40}$/.test(sha)) blobs.push({ sha, oid: m[1]! });
  }
  if (blobs.length === 0) return out;
  const data = await catFileBatch(root, blobs.map((b) => b.oid));
  blobs.forEach((b, i) => out.set(b.sha, data[i] ?? ''));
  return out;
}

function catFileBatch(root: string, oids: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = childProcess().execFile('git', ['cat-file', '--batch'], { cwd: root, encoding: 'buffer', maxBuffer: 1 << 30 }, (err, stdout) => {
      if (err) return reject(err);
      const texts: string[] = [];
      let at = 0;
      for (let i = 0; i < oids.length; i++) {
        const nl = stdout.indexOf(10, at);
        const header = stdout.subarray(at, nl).toString('utf8').split(' ');
        const size = Number(header[2]);
        if (header[1] !== 'blob' || !Number.isFinite(size)) {
          texts.push('');
          at = nl + 1;
          continue;
        }
        texts.push(stdout.subarray(nl + 1, nl + 1 + size).toString('utf8'));
        at = nl + 1 + size + 1;
      }
      resolve(texts);
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(`${oids.join('\n')}\n`);
  });
}

/**
 * Replaces the notes of `ref` with `notes` in one new commit whose parents are `parents` (the
 * current tip first; a merged remote tip second, so the push is a fast-forward for the remote).
 * Written with fast-import as plain paths: `git notes` and fast-import's `N` refuse commits this
 * clone does not have, which a teammate's notes may name.
 */
export async function writeNotes(root: string, ref: string, notes: Map<string, string>, parents: string[], message: string): Promise<string> {
  const who = await committer(root);
  const chunks: string[] = [];
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  chunks.push(`commit ${ref}\n`, `committer ${who} ${Math.floor(Date.now() / 1000)} +0000\n`, data(message));
  if (parents[0]) chunks.push(`from ${parents[0]}\n`);
  for (const p of parents.slice(1)) chunks.push(`merge ${p}\n`);
  chunks.push('deleteall\n');
  for (const sha of [...notes.keys()].sort()) chunks.push(`M 100644 inline ${sha}\n`, data(notes.get(sha)!));
  chunks.push('\n');
  await git(root, ['fast-import', '--quiet'], chunks.join(''));
  return (await resolveRef(root, ref))!;
}

async function committer(root: string): Promise<string> {
  const name = (await gitRaw(root, ['config', 'user.name'])).stdout.trim() || 'lore';
  const email = (await gitRaw(root, ['config', 'user.email'])).stdout.trim() || 'lore@localhost';
  return `${name.replace(/[<>\n]/g, '')} <${email.replace(/[<>\n]/g, '')}>`;
}

/** Who shares from this clone: git's user.email (else user.name, else "unknown"). */
export async function sharerOf(root: string): Promise<string> {
  const email = (await gitRaw(root, ['config', 'user.email'])).stdout.trim();
  if (email) return email;
  return (await gitRaw(root, ['config', 'user.name'])).stdout.trim() || 'unknown';
}

/** Moves the ref back (or deletes it when it did not exist): a failed sync leaves things as they were. */
export async function restoreRef(root: string, ref: string, sha: string | null): Promise<void> {
  if (sha) await git(root, ['update-ref', ref, sha]);
  else await gitRaw(root, ['update-ref', '-d', ref]);
}

export async function isAncestor(root: string, ancestor: string, of: string): Promise<boolean> {
  return (await gitRaw(root, ['merge-base', '--is-ancestor', ancestor, of])).code === 0;
}

// The user's own environment, unchanged: a remote may ask for credentials as `git push` would
// (and simple-git refuses an env() holding EDITOR and the like).
// simple-git is loaded on first use: only sharing talks to remotes, and loading it (and the
// modules it requires) would cost every `lore why` (docs/start-up.md).
const load = createRequire(import.meta.url);
let simpleGitModule: typeof SimpleGitModule | undefined;
function remoteGit(root: string): SimpleGitModule.SimpleGit {
  simpleGitModule ??= load('simple-git') as typeof SimpleGitModule;
  return simpleGitModule.simpleGit({ baseDir: root });
}

const firstLine = (err: unknown): string => {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n').map((l) => l.replace(/^(fatal|error): /, '').trim()).filter(Boolean);
  return lines.find((l) => !/^hint:/.test(l)) ?? 'git failed';
};

/** The remote's sha of `ref`, null when it has no such ref; RemoteError when it cannot be reached. */
export async function remoteRef(root: string, remote: string, ref: string): Promise<string | null> {
  let out: string;
  try {
    out = await remoteGit(root).listRemote([remote, ref]);
  } catch (err) {
    throw new RemoteError(remote, firstLine(err));
  }
  const line = out.split('\n').find((l) => l.endsWith(`\t${ref}`));
  return line ? line.split('\t')[0]! : null;
}

/** Fetches the remote's `ref` into `into` (forced: a tracking ref follows the remote). */
export async function fetchRef(root: string, remote: string, ref: string, into: string): Promise<void> {
  try {
    await remoteGit(root).raw(['fetch', '--no-tags', '--no-write-fetch-head', remote, `+${ref}:${into}`]);
  } catch (err) {
    throw new RemoteError(remote, firstLine(err));
  }
}

/** Pushes `ref` without force: 'rejected' when someone pushed first. */
export async function pushRef(root: string, remote: string, ref: string): Promise<'pushed' | 'rejected'> {
  try {
    await remoteGit(root).raw(['push', '--no-verify', remote, `${ref}:${ref}`]);
    return 'pushed';
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // Someone pushed first: git's own check, or the remote's ref moved while the push ran.
    if (/\[rejected\]|non-fast-forward|fetch first/.test(text) || (/\[remote rejected\]/.test(text) && /cannot lock ref|failed to update ref/.test(text))) return 'rejected';
    throw new RemoteError(remote, firstLine(err));
  }
}

export interface InstallResult {
  remote: string;
  added: string[];
}

/**
 * Sets up `git fetch`/`git push` to carry lore's notes (only when the user asks): the fetch
 * refspec into the tracking ref, a push refspec, and notes.rewriteRef so git copies the notes of
 * an amended or rebased commit. A remote with no push refspec pushes the current branch by
 * default; once one is configured it pushes only those, so `HEAD` is added beside it.
 */
export async function installNoteRefspecs(root: string, remote: string, ref: string, tracking: string): Promise<InstallResult> {
  const g = remoteGit(root);
  const all = async (key: string): Promise<string[]> => (await gitRaw(root, ['config', '--get-all', key])).stdout.split('\n').filter(Boolean);
  if ((await all(`remote.${remote}.url`)).length === 0) throw new RemoteError(remote, `no remote named ${remote} (git remote add ${remote} URL)`);
  const added: string[] = [];
  const add = async (key: string, value: string): Promise<void> => {
    if ((await all(key)).includes(value)) return;
    await g.addConfig(key, value, true);
    added.push(`${key} ${value}`);
  };
  await add(`remote.${remote}.fetch`, `+${ref}:${tracking}`);
  const pushes = await all(`remote.${remote}.push`);
  if (pushes.length === 0) await add(`remote.${remote}.push`, 'HEAD');
  await add(`remote.${remote}.push`, `${ref}:${ref}`);
  await add('notes.rewriteRef', ref);
  return { remote, added };
}
