# lore-managed hook: the body of lore's post-commit, post-merge and post-rewrite shims, which
# source it from their own directory with node= and worker= set: this file is the same in every
# repository, the shims say which lore runs. `lore hook uninstall` removes it with them.
# It records the event in a queue file and starts lore's worker detached: O(1), never blocks or
# fails the git command. LORE=0 skips lore; LORE_DEBUG=1 traces. A hook that was here before
# lore runs first, unchanged, as <name>.lore-chained.
# Sourced, not run: $0 and "$@" are the shim's, and `exit` ends the hook.
status=0
# Every fork counts here (the committer waits for this script): parameter expansion, not
# basename or dirname.
hook=${0##*/}
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
chained="$here/$hook.lore-chained"
if [ "$hook" = post-rewrite ]; then
  # git writes "old new" lines on stdin; both the chained hook and the queue need them.
  input=$(cat)
  if [ -x "$chained" ]; then
    printf '%s\n' "$input" | "$chained" "$@" || status=$?
  fi
elif [ -x "$chained" ]; then
  "$chained" "$@" || status=$?
fi
[ "${LORE-}" = "0" ] && exit $status
[ -n "${LORE_DEBUG-}" ] && set -x
# lore uninstalled or moved: stay silent.
[ -f "${worker-}" ] && [ -x "${node-}" ] || exit $status
case $hook in
  post-commit | post-merge)
    # One git call for both; split on the newline (the git dir may contain spaces).
    out=$(git rev-parse HEAD --absolute-git-dir 2>/dev/null) || exit $status
    sha=${out%%
*}
    dir=${out#*
}
    [ -n "$sha" ] && [ "$dir" != "$out" ] || exit $status
    { [ -d "$dir/lore" ] || mkdir -p "$dir/lore" 2>/dev/null; } && printf '%s %s\n' "${hook#post-}" "$sha" >> "$dir/lore/queue" 2>/dev/null
    ;;
  post-rewrite)
    # $1 says what rewrote the commits: amend or rebase.
    kind=${1-rebase}
    dir=$(git rev-parse --absolute-git-dir 2>/dev/null) || exit $status
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
