// Writes lore's man pages (man1/lore.1 and man1/git-lore.1) from the built CLI's own --help, so
// they never drift from it. `git lore --help` is git's: it runs `man git-lore`, which finds the
// page once `npm install -g` / `npm link` has linked package.json's `man` entries into
// <prefix>/share/man (man derives that from <prefix>/bin on PATH).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** roff-safe text: backslashes, hyphens (plain '-' may render as a typographic hyphen), leading dots and quotes. */
function roff(text) {
  return text
    .split('\n')
    .map((l) => l.replaceAll('\\', '\\e').replaceAll('-', '\\-').replace(/^([.'])/, '\\&$1'))
    .join('\n');
}

function page(name, version, help) {
  const invoked = name === 'git-lore' ? 'git lore' : 'lore';
  return `.TH ${name.toUpperCase()} 1 "" "lore ${version}" "lore manual"
.SH NAME
${name} \\- answers "why does this file exist?" from the AI chat sessions and commits that made it
.SH SYNOPSIS
.B ${invoked}
.I command
[\\fIoptions\\fR]
.br
.B ${invoked}
.I command
\\fB\\-h\\fR
.br
.B ${invoked} help
[\\fIcommand\\fR]
.SH DESCRIPTION
lore keeps one local SQLite database of a repository's git history, of the chat sessions of AI
coding tools found on this machine, of the import graph and of learnings, and explains a file from
the terminal: where it came from, the request behind each change, and what depends on it.
Start with \\fB${invoked} init\\fR in a repository, then \\fB${invoked} why\\fR \\fIFILE\\fR[:\\fILINE\\fR].
Installed on the PATH, lore also runs as a git extension: \\fBgit lore\\fR \\fIcommand\\fR.
.SH COMMANDS AND OPTIONS
The output of \\fBlore \\-\\-help\\fR; \\fB${invoked}\\fR \\fIcommand\\fR \\fB\\-h\\fR lists a command's options.
.PP
.nf
${roff(help.trimEnd())}
.fi
.SH ENVIRONMENT
.TP
.B LORE_HOME
directory of the database (lore.db) and the config file; default \\fI$XDG_DATA_HOME/lore\\fR
.TP
.B LORE=0
the git hooks do nothing
.TP
.B LORE_DEBUG=1
the git hooks trace what they do
.TP
.B LORE_EMBED_URL\\fR, \\fBLORE_EMBED_MODEL\\fR, \\fBLORE_EMBED_API_KEY
an OpenAI\\-compatible embedding endpoint for search vectors (default: offline hashed n\\-grams)
.TP
.B NO_COLOR
no colours in the output
.SH EXIT STATUS
0 on success; 1 when \\fBlore doctor\\fR finds a problem; 2 on an error (one line and a hint on stderr).
.SH SEE ALSO
\\fBgit\\fR(1), \\fBgit\\-log\\fR(1), the README and docs/json.md of the lore package
`;
}

/** Writes `<outdir>/man/man1/{lore,git-lore}.1` from `<outdir>/cli.js --help`. */
export function writeManPages(outdir, version) {
  const help = execFileSync(process.execPath, [join(outdir, 'cli.cjs'), '--help'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', COLUMNS: '100' },
  });
  const dir = join(outdir, 'man', 'man1');
  mkdirSync(dir, { recursive: true });
  for (const name of ['lore', 'git-lore']) writeFileSync(join(dir, `${name}.1`), page(name, version, help));
}
