import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** A CommonJS bundle loaded by requireCached; saveCache() stores V8's code for the next run. */
export interface CachedModule<T> {
  exports: T;
  /** Writes the code cache when there was none (or V8 refused it); call it once the work is done. */
  saveCache(): void;
}

type CommonJsWrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

// V8 trusts a code cache whose header matches (version, flags, source length) without checking the
// rest: a damaged one can crash the process, one made for another source of the same length runs
// that source's code. So a checksum of the cache and of the file's size and mtime goes in front.
// A CRC-32 (node:zlib) is enough against damage, which is all it guards against (whoever can
// write the cache can run code as the user anyway), and node:crypto would cost more to load than
// the rest of the check (docs/start-up.md); the bundle's content hash is in the file's name.
const DIGEST_BYTES = 4;
/**
 * How many caches (`*.v8`) a folder keeps: lore makes one per command it bundles (why, index), lore
 * build and Node version, so two installs used in turn keep theirs (with room to spare).
 */
const KEEP = 8;

/**
 * Runs a CommonJS file as `require` would (but without `import()`, which a script needs an
 * experimental vm option for), and hands V8 the code it compiled on an earlier run
 * (Node 20 has no module.enableCompileCache), so `lore why` and `lore index` skip compiling their
 * code again (docs/start-up.md).
 * The cache is only a hint: a missing, unreadable, damaged or foreign (other V8, other flags) one
 * is ignored and rewritten, one that cannot be written is skipped. Name `cacheFile` (`*.v8`) after
 * the file's content: the cache is also refused when the file's mtime changed, but installs by npm
 * give every file the same mtime. Writing one removes all but the newest few in its folder.
 */
export function requireCached<T>(file: string, cacheFile: string): CachedModule<T> {
  const { size, mtimeMs } = statSync(file);
  const stamp = `${size}:${mtimeMs}`;
  const cachedData = readCache(cacheFile, stamp);
  // Node's own CommonJS wrapper, on the source's first line so line numbers in stacks stay right.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as T };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, createRequire(file), module, file, dirname(file));
  const isCached = cachedData !== undefined && !script.cachedDataRejected;
  const saveCache = (): void => {
    // Made after the run, the cache also holds the functions the run compiled, not just the top level.
    if (!isCached) writeCache(cacheFile, stamp, script.createCachedData());
  };
  return { exports: module.exports, saveCache };
}

/** The checksum in front of a cache: CRC-32 of the stamp, then of the cache's bytes (big-endian). */
export function cacheDigest(stamp: string, data: Buffer): Buffer {
  const { crc32 } = process.getBuiltinModule('node:zlib');
  const out = Buffer.alloc(DIGEST_BYTES);
  out.writeUInt32BE(crc32(data, crc32(stamp)));
  return out;
}

function readCache(cacheFile: string, stamp: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const data = bytes.subarray(DIGEST_BYTES);
  return data.length > 0 && cacheDigest(stamp, data).equals(bytes.subarray(0, DIGEST_BYTES)) ? data : undefined;
}

function writeCache(cacheFile: string, stamp: string, data: Buffer): void {
  // Written aside and renamed: two runs at once never read half of the other's file.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(partial, Buffer.concat([cacheDigest(stamp, data), data]));
    renameSync(partial, cacheFile);
    pruneCaches(dirname(cacheFile));
  } catch {
    // Not writable (read-only, full, a file where the folder should be): the next run compiles again.
    try {
      rmSync(partial, { force: true });
    } catch {
      // nothing was written
    }
  }
}

/** Removes all but the newest KEEP caches: each rebuild of lore (and each Node upgrade) makes another. */
function pruneCaches(dir: string): void {
  const caches = readdirSync(dir)
    .filter((f) => f.endsWith('.v8'))
    .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of caches.slice(KEEP)) rmSync(old.path, { force: true });
}
