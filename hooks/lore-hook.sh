# lore-managed hook: the body of lore's post-commit, post-merge and post-rewrite shims, which
# source it from their own directory with node= and worker= set: this file is the same in every
# repository, the shims say which lore runs. `lore hook uninstall` removes it with them.
# It records the event in a queue file and starts lore's worker detached: O(1), never blocks or
# fails the git command. LORE=0 skips lore; LORE_DEBUG=1 traces. A hook that was here before
# lore runs first, unchanged, as <name>.lore-chained. Only a repository lore was set up in
# (<common git dir>/lore/enabled) is recorded: a hooks directory may serve every repository
# on the machine (a global core.hooksPath).
# Sourced, not run: $0 and "$@" are the shim's, and `exit` ends the hook.
status=0
# Every fork counts here (the committer waits for this script): parameter expansion, not
# basename or dirname.
hook=${0##*/}
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
chained="$here/$hook.lore-chained"
# A hook that finds its work by the name it runs under (husky 9's `.husky/_/h` runs
# `.husky/$(basename $0)`; husky 4 too) must see the name git ran, not <name>.lore-chained: a sh
# script is sourced by a fresh sh whose $0 is that name. Any other runs as it is.
lore_chain() {
  lore_first=
  IFS= read -r lore_first 2>/dev/null <"$chained"
  case $lore_first in
    '#!/bin/sh') /bin/sh -c '. "$0.lore-chained"' "$here/$hook" "$@" ;;
    '#!/usr/bin/env sh') sh -c '. "$0.lore-chained"' "$here/$hook" "$@" ;;
    *) "$chained" "$@" ;;
  esac
}
if [ "$hook" = post-rewrite ]; then
  # git writes "old new" lines on stdin; both the chained hook and the queue need them.
  input=$(cat)
  if [ -x "$chained" ]; then
    printf '%s\n' "$input" | lore_chain "$@" || status=$?
  fi
elif [ -x "$chained" ]; then
  lore_chain "$@" || status=$?
fi
[ "${LORE-}" = "0" ] && exit $status
[ -n "${LORE_DEBUG-}" ] && set -x
# lore uninstalled or moved: stay silent.
[ -f "${worker-}" ] && [ -x "${node-}" ] || exit $status
case $hook in
  post-commit | post-merge)
    # One git call for all three; split on the newlines (the git dir may contain spaces).
    out=$(git rev-parse HEAD --absolute-git-dir --git-common-dir 2>/dev/null) || exit $status
    sha=${out%%
*}
    rest=${out#*
}
    dir=${rest%%
*}
    common=${rest#*
}
    [ -n "$sha" ] && [ "$rest" != "$out" ] && [ "$common" != "$rest" ] || exit $status
    [ -f "$common/lore/enabled" ] || exit $status
    { [ -d "$dir/lore" ] || mkdir -p "$dir/lore" 2>/dev/null; } && printf '%s %s\n' "${hook#post-}" "$sha" >> "$dir/lore/queue" 2>/dev/null
    ;;
  post-rewrite)
    # $1 says what rewrote the commits: amend or rebase.
    kind=${1-rebase}
    out=$(git rev-parse --absolute-git-dir --git-common-dir 2>/dev/null) || exit $status
    dir=${out%%
*}
    common=${out#*
}
    [ "$common" != "$out" ] && [ -f "$common/lore/enabled" ] || exit $status
    [ -d "$dir/lore" ] || mkdir -p "$dir/lore" 2>/dev/null || exit $status
    printf '%s\n' "$input" | while read -r old new _; do
      [ -n "$new" ] && printf 'rewrite %s %s %s\n' "$old" "$new" "$kind"
    done >> "$dir/lore/queue" 2>/dev/null
    ;;
  *) exit $status ;;
esac
# Detached (own session, no terminal, no inherited pipes), so git returns at once and Ctrl-C
# in the terminal does not reach it. One fork: no subshell around it.
if command -v setsid >/dev/null 2>&1; then
  setsid "$node" "$worker" "$PWD" </dev/null >/dev/null 2>&1 &
else
  "$node" "$worker" "$PWD" </dev/null >/dev/null 2>&1 &
fi
exit $status
