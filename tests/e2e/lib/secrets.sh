# Shared by the e2e scenarios (sourced): the check that no secret a scenario used appears in
# anything it kept: the stdout and stderr of every command (saved under the scenario's folder),
# capture files, reports. A file whose name ends in .secret-ok holds a secret on purpose (keygen's
# output, GitLab's token printed by sign) and is skipped.
#
# scan_for_secrets DIR SECRET...: prints "FAIL: ..." for every file under DIR that contains one of
# the SECRETs (those under 8 characters are not checked: they occur by chance) and returns 1 then.
scan_for_secrets() {
  local dir=$1 found=0 s f
  shift
  for s in "$@"; do
    [ ${#s} -ge 8 ] || continue
    while IFS= read -r f; do
      echo "FAIL: a secret appears in ${f#"$dir"/}"
      found=1
    done < <(grep -rlF --exclude='*.secret-ok' --exclude='.secrets' -- "$s" "$dir" 2>/dev/null)
  done
  [ "$found" = 0 ] && echo "ok: no secret in any output, capture or report ($(find "$dir" -type f | grep -c '') files)"
  return "$found"
}
