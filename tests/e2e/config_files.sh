#!/usr/bin/env bash
# Config files and HOOKCTL_* variables in real processes: a profile in the user's config
# ($XDG_CONFIG_HOME/hookctl/config.toml) gives send its URL, provider and secret file; a project
# ./.hookctl.toml adds a [send] section; HOOKCTL_SECRET gives listen its secret; flags beat both;
# `config show` names every source; a broken user config fails every command with FILE:LINE;
# no secret reaches any output.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"

secret="e2e-config-secret-$$"
register_secret "$secret"
printf '%s\n' "$secret" >"$tmp/key.secret-ok"
printf 'wrong-secret-%s\n' "$$" >"$tmp/wrong"

HOOKCTL_SECRET=$secret start_listen recv -p github --capture "$tmp/cap.jsonl"

mkdir -p "$XDG_CONFIG_HOME/hookctl" "$tmp/project"
cat >"$XDG_CONFIG_HOME/hookctl/config.toml" <<EOF
# the user's config
[profile.local]
url = "http://127.0.0.1:$port/from-profile"
provider = "github"
secret-file = "$tmp/key.secret-ok"

[profile.wrong]
url = "http://127.0.0.1:$port/wrong"
provider = "github"
secret-file = "$tmp/wrong"
EOF
cat >"$tmp/project/.hookctl.toml" <<'EOF'
[send]
retries = 0
header = ["X-From-Config: yes"]
EOF
cd "$tmp/project" || exit 1

"$bin" --profile local send --data '{"n":1}' >"$tmp/s1.out" 2>"$tmp/s1.err"
expect "send with a profile: delivered (exit 0)" test $? -eq 0
expect "listen verified it with HOOKCTL_SECRET" \
  grep -q '"path":"/from-profile".*"valid":true' "$tmp/cap.jsonl"
expect "the project's [send] header was sent" grep -q 'X-From-Config' "$tmp/cap.jsonl"

HOOKCTL_PROFILE=wrong "$bin" send --data '{"n":2}' >"$tmp/s2.out" 2>"$tmp/s2.err"
rc=$?
expect "HOOKCTL_PROFILE=wrong: listen refuses the signature (exit 1)" test $rc -eq 1
# A flag beats the profile: the right secret file given on the command line.
HOOKCTL_PROFILE=wrong "$bin" send --data '{"n":3}' --secret-file "$tmp/key.secret-ok" >"$tmp/s3.out" 2>"$tmp/s3.err"
expect "--secret-file beats the profile's (exit 0)" test $? -eq 0
# HOOKCTL_URL beats the profile's url.
HOOKCTL_URL="http://127.0.0.1:$port/from-env" "$bin" --profile local send --data '{"n":4}' >/dev/null 2>&1
expect "HOOKCTL_URL beats the profile's url" grep -q '"path":"/from-env"' "$tmp/cap.jsonl"

"$bin" --profile local config show send >"$tmp/show.out" 2>"$tmp/show.err"
expect "config show: exit 0" test $? -eq 0
expect "config show: the url from the user's file with its line" \
  grep -q "^url .*file $XDG_CONFIG_HOME/hookctl/config.toml:3" "$tmp/show.out"
expect "config show: retries from ./.hookctl.toml:2" grep -q "^retries .*file ./.hookctl.toml:2" "$tmp/show.out"
expect "config show: the files read, highest first" \
  grep -q "config files read: ./.hookctl.toml, $XDG_CONFIG_HOME/hookctl/config.toml" "$tmp/show.err"
HOOKCTL_SECRET=$secret "$bin" config show listen --json >"$tmp/show.json" 2>&1
expect "config show --json: the env secret is redacted" \
  grep -q '"secret":{"value":\["\*\*\*"\],"source":"env HOOKCTL_SECRET"}' "$tmp/show.json"

# A broken user config stops every command, naming the file, line and key.
printf 'provider = "github"\nretires = 3\n' >"$XDG_CONFIG_HOME/hookctl/config.toml"
"$bin" providers >"$tmp/b.out" 2>"$tmp/b.err"
expect "broken config: exit 2" test $? -eq 2
expect "broken config: FILE:LINE and the key, did you mean" \
  grep -q "error: $XDG_CONFIG_HOME/hookctl/config.toml:2: unknown key 'retires' (did you mean 'retries'?)" "$tmp/b.err"
expect "broken config: nothing on stdout" test ! -s "$tmp/b.out"

if grep -rq -- "$secret" "$tmp"/*.out "$tmp"/*.err "$tmp"/*.json "$tmp/cap.jsonl" "$tmp/recv.out" "$tmp/recv.err"; then
  bad "no secret in any output or capture"
else
  ok "no secret in any output or capture"
fi
exit $fail
