/** Extensions the import graph parses (TypeScript's and JavaScript's module files, and declarations). */
const CODE_EXTENSIONS = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
/** Files whose content changes how every specifier resolves. */
const CONFIG_NAMES = /(?:^|\/)(?:tsconfig[^/]*\.json|jsconfig[^/]*\.json|package\.json|pnpm-workspace\.yaml)$/;

const inNodeModules = (path: string): boolean => path.startsWith('node_modules/') || path.includes('/node_modules/');

/** A tracked file the import graph parses: TS/JS, outside node_modules. */
export function isCodeFile(path: string): boolean {
  return CODE_EXTENSIONS.test(path) && !inNodeModules(path);
}

/** A tracked file that steers module resolution: tsconfig/jsconfig, package.json, pnpm-workspace.yaml. */
export function isResolutionConfig(path: string): boolean {
  return CONFIG_NAMES.test(path) && !inNodeModules(path);
}

/** A tracked file whose change can move the import graph: a code file or a resolution config. */
export function isGraphInput(path: string): boolean {
  return isCodeFile(path) || isResolutionConfig(path);
}
