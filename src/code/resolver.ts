import { statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { readOrUndefined } from '../fs.js';
import { ts, type TS } from './typescript.js';
import type { ImportEdge, ParsedImport, UnresolvedImport } from './types.js';
import { readWorkspaces } from './workspaces.js';

/** Options used where no tsconfig/jsconfig governs a file: what a bundler-era project would have. */
const DEFAULT_OPTIONS: TS.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
};

interface ConfigEntry {
  options: TS.CompilerOptions;
  cache: TS.ModuleResolutionCache;
  /** Bare specifiers can only reach repo files through paths/baseUrl (or a workspace package). */
  mapsBareSpecifiers: boolean;
}

export interface ResolveResult {
  edges: ImportEdge[];
  /** Relative specifiers (`./x`, `../y`) of code that point at no repo file. */
  unresolved: UnresolvedImport[];
}

/**
 * Resolves specifiers to repo files the way TypeScript does, with one ModuleResolutionCache per
 * tsconfig: `paths`/`baseUrl` (through `extends`), `.js` specifiers naming `.ts` files, index
 * files, package `exports`/`imports`. Files outside the repo never matter (an edge needs a repo
 * file at both ends), so the host treats third-party node_modules as empty and maps
 * `node_modules/<workspace package>` onto the package's directory: results do not depend on
 * whether dependencies are installed, and resolution touches the disk only for package.json and
 * tsconfig files.
 */
export class ImportResolver {
  private readonly tracked: Set<string>;
  private readonly dirs = new Set<string>(['']);
  private readonly workspaces: Map<string, string>;
  private readonly configs = new Map<string, ConfigEntry>();
  private readonly configOfDir = new Map<string, ConfigEntry>();
  private readonly fileCache = new Map<string, string | undefined>();
  private readonly host: TS.ModuleResolutionHost;

  constructor(
    private readonly root: string,
    trackedFiles: readonly string[],
  ) {
    this.tracked = new Set(trackedFiles);
    for (const file of trackedFiles) {
      for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1)) {
        const dir = file.slice(0, i);
        if (this.dirs.has(dir)) break;
        this.dirs.add(dir);
      }
    }
    this.workspaces = readWorkspaces(root, trackedFiles);
    this.host = {
      fileExists: (p) => this.exists(p, 'file'),
      directoryExists: (p) => this.exists(p, 'dir'),
      readFile: (p) => this.read(p),
      realpath: (p) => this.toRepoPath(p) ?? p,
      getCurrentDirectory: () => root,
      useCaseSensitiveFileNames: true,
    };
  }

  /** The edges and dangling relative specifiers of `source` (repo-relative), given its imports. */
  resolveFile(source: string, imports: readonly ParsedImport[], edges: Map<string, ImportEdge>, unresolved: UnresolvedImport[]): void {
    const containing = join(this.root, source);
    const config = this.configFor(posix.dirname(source));
    let mode: TS.ResolutionMode | undefined;
    for (const imp of imports) {
      let target: string | undefined;
      if (imp.statement === 'reference') {
        target = this.trackedRel(posix.normalize(posix.join(posix.dirname(source), imp.specifier)));
      } else {
        if (this.isOutOfReach(imp.specifier, config)) continue;
        mode ??= this.impliedMode(containing, config);
        const usage = imp.kind === 'require' || imp.statement === 'import-equals' ? ts.ModuleKind.CommonJS : imp.kind === 'dynamic-import' ? ts.ModuleKind.ESNext : mode;
        target = this.resolveName(imp.specifier, containing, config, usage);
        // Bundlers (Vite, webpack) take `./x?raw`, `./y.svg?url`: the file is the part before `?`.
        const query = imp.specifier.indexOf('?');
        if (target === undefined && query > 0) target = this.resolveName(imp.specifier.slice(0, query), containing, config, usage);
      }
      if (target === undefined || target === source) {
        if (target === undefined && imp.specifier.startsWith('.') && /(?:^|\/)[^./]*$|\.[cm]?[jt]sx?$/.test(imp.specifier)) {
          unresolved.push({ source, specifier: imp.specifier, line: imp.line });
        }
        continue;
      }
      const key = `${source}\0${target}\0${imp.kind}`;
      const edge = edges.get(key);
      if (edge) {
        if (!edge.specifiers.includes(imp.specifier)) edge.specifiers.push(imp.specifier);
        edge.lines.push(imp.line);
      } else {
        edges.set(key, { source, target, label: imp.kind, specifiers: [imp.specifier], lines: [imp.line], ...(imp.statement ? { statement: imp.statement } : {}) });
      }
    }
  }

  private resolveName(specifier: string, containing: string, config: ConfigEntry, usage: TS.ResolutionMode): string | undefined {
    const r = ts.resolveModuleName(specifier, containing, config.options, this.host, config.cache, undefined, usage);
    const file = r.resolvedModule?.resolvedFileName;
    return file ? this.trackedRel(this.toRepoPath(file) ?? '') : undefined;
  }

  /** Node built-ins and third-party packages: skipped before asking TypeScript. */
  private isOutOfReach(specifier: string, config: ConfigEntry): boolean {
    const c = specifier[0];
    if (c === '.' || c === '/' || c === '#') return false;
    if (specifier.startsWith('node:')) return true;
    if (config.mapsBareSpecifiers) return false;
    const name = specifier.startsWith('@') ? specifier.split('/', 2).join('/') : specifier.split('/', 1)[0]!;
    return !this.workspaces.has(name);
  }

  private impliedMode(containing: string, config: ConfigEntry): TS.ResolutionMode {
    // Only node16/nodenext resolution tells ESM from CommonJS importers (package `exports` conditions).
    const { moduleResolution, module } = config.options;
    const nodeNext = (k: TS.ModuleResolutionKind) => k === ts.ModuleResolutionKind.Node16 || k === ts.ModuleResolutionKind.NodeNext;
    const isNodeNext = moduleResolution !== undefined ? nodeNext(moduleResolution) : module !== undefined && module >= ts.ModuleKind.Node16 && module <= ts.ModuleKind.NodeNext;
    if (!isNodeNext) return undefined;
    return ts.getImpliedNodeFormatForFile(containing, config.cache.getPackageJsonInfoCache(), this.host, config.options);
  }

  /** The tsconfig.json (or jsconfig.json) nearest above a repo-relative directory. */
  private configFor(dir: string): ConfigEntry {
    const cached = this.configOfDir.get(dir);
    if (cached) return cached;
    let entry: ConfigEntry | undefined;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const file = dir === '' ? name : `${dir}/${name}`;
      if (this.tracked.has(file)) {
        entry = this.loadConfig(file);
        break;
      }
    }
    entry ??= dir === '' ? this.entryFor(DEFAULT_OPTIONS) : this.configFor(posix.dirname(dir) === '.' ? '' : posix.dirname(dir));
    this.configOfDir.set(dir, entry);
    return entry;
  }

  private loadConfig(file: string): ConfigEntry {
    const known = this.configs.get(file);
    if (known) return known;
    const parsed = this.parseConfig(file);
    let options = parsed?.options;
    // A solution-style tsconfig (`"files": []` and `references`) has no options of its own: use a
    // referenced project's, preferring one that maps specifiers (paths/baseUrl).
    const raw = parsed?.raw as { files?: unknown[]; include?: unknown } | undefined;
    if (parsed?.projectReferences?.length && Array.isArray(raw?.files) && raw.files.length === 0 && raw.include === undefined) {
      const refs = parsed.projectReferences
        .map((ref) => this.relOf(ref.path.endsWith('.json') ? ref.path : join(ref.path, 'tsconfig.json')))
        .map((rel) => (rel !== undefined && this.tracked.has(rel) ? this.parseConfig(rel) : undefined))
        .filter((p): p is TS.ParsedCommandLine => p !== undefined);
      options = (refs.find((r) => r.options.paths || r.options.baseUrl) ?? refs[0])?.options ?? options;
    }
    // A tsconfig's options stand alone: TypeScript derives what they leave out (moduleResolution from
    // module, ...). Only a file no tsconfig governs gets the defaults.
    const entry = this.entryFor(options ? stripEmpty(options) : DEFAULT_OPTIONS);
    this.configs.set(file, entry);
    return entry;
  }

  private parseConfig(file: string): TS.ParsedCommandLine | undefined {
    const abs = join(this.root, file);
    const parseHost: TS.ParseConfigHost = {
      useCaseSensitiveFileNames: true,
      // Only the options matter here: never enumerate the project's files.
      readDirectory: () => [],
      fileExists: (p) => this.diskPath(p) !== undefined,
      readFile: (p) => {
        const real = this.diskPath(p);
        return real === undefined ? undefined : readOrUndefined(real);
      },
    };
    const json = ts.readConfigFile(abs, (p) => parseHost.readFile(p));
    if (json.error || !json.config) return undefined;
    return ts.parseJsonConfigFileContent(json.config, parseHost, dirname(abs), undefined, abs);
  }

  private entryFor(raw: TS.CompilerOptions): ConfigEntry {
    const options: TS.CompilerOptions = { ...raw, allowJs: true, resolveJsonModule: true, noEmit: true };
    const cache = ts.createModuleResolutionCache(this.root, (f) => f, options);
    return { options, cache, mapsBareSpecifiers: options.paths !== undefined || options.baseUrl !== undefined };
  }

  /** A path on disk for the config parser: workspace packages mapped, third-party packages real. */
  private diskPath(p: string): string | undefined {
    const mapped = this.mapWorkspace(p) ?? p;
    try {
      return statSync(mapped).isFile() ? mapped : undefined;
    } catch {
      return undefined;
    }
  }

  private exists(p: string, kind: 'file' | 'dir'): boolean {
    if (p.length > 1 && p.endsWith('/')) p = p.replace(/\/+$/, ''); // TypeScript asks for `./` as `dir/`
    const repo = this.toRepoPath(p);
    if (repo === undefined) return false;
    const rel = this.relOf(repo);
    if (rel === undefined) return false;
    if (kind === 'file') return this.tracked.has(rel);
    return this.dirs.has(rel) || (this.workspaces.size > 0 && /(?:^|\/)node_modules(?:\/@[^/]+)?$/.test(rel));
  }

  private read(p: string): string | undefined {
    const repo = this.toRepoPath(p);
    if (repo === undefined) return undefined;
    if (this.fileCache.has(repo)) return this.fileCache.get(repo);
    const text = readOrUndefined(repo);
    this.fileCache.set(repo, text);
    return text;
  }

  /**
   * The absolute path inside the repository that `p` stands for: itself, or for
   * `…/node_modules/<workspace package>/rest` the package's own directory. Undefined for anything
   * else under node_modules or outside the repository.
   */
  private toRepoPath(p: string): string | undefined {
    const mapped = this.mapWorkspace(p);
    if (mapped) return mapped;
    if (p !== this.root && !p.startsWith(this.root + '/')) return undefined;
    if (p.includes('/node_modules/')) return /\/node_modules(?:\/@[^/]+)?$/.test(p) ? p : undefined;
    return p;
  }

  private mapWorkspace(p: string): string | undefined {
    if (this.workspaces.size === 0) return undefined;
    const at = p.lastIndexOf('/node_modules/');
    if (at < 0) return undefined;
    const rest = p.slice(at + '/node_modules/'.length);
    const parts = rest.split('/');
    const name = rest.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const dir = this.workspaces.get(name);
    if (dir === undefined) return undefined;
    const tail = rest.slice(name.length);
    return join(this.root, dir) + tail;
  }

  private relOf(abs: string): string | undefined {
    if (abs === this.root) return '';
    return abs.startsWith(this.root + '/') ? abs.slice(this.root.length + 1) : undefined;
  }

  private trackedRel(absOrRel: string): string | undefined {
    const rel = absOrRel.startsWith('/') ? this.relOf(absOrRel) : absOrRel;
    return rel !== undefined && this.tracked.has(rel) ? rel : undefined;
  }
}

function stripEmpty(options: TS.CompilerOptions): TS.CompilerOptions {
  const out: TS.CompilerOptions = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
  return out;
}
