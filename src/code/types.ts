/** How one file depends on another (the labels of `code_code` relationships). */
export type ImportKind = 'import' | 'type-import' | 're-export' | 'dynamic-import' | 'require';

/** A module specifier found in a file, before resolution. */
export interface ParsedImport {
  specifier: string;
  kind: ImportKind;
  /** 1-based line of the specifier. */
  line: number;
  /** The construct when the kind alone does not say it: 'declare-module', 'reference', 'import-equals'. */
  statement?: string;
}

/** A resolved edge between two repo files, merged over the statements that make it. */
export interface ImportEdge {
  source: string;
  target: string;
  label: ImportKind;
  specifiers: string[];
  lines: number[];
  statement?: string;
}

export interface UnresolvedImport {
  source: string;
  specifier: string;
  line: number;
}
