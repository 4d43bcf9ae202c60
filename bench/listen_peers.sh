#!/usr/bin/env bash
# hookctl listen next to a peer webhook receiver and an nginx ceiling, in one run, under the same
# wrk load. A benchmark, not a test: it prints figures, ratios and PASS/MISS against the targets
# below.
#
# Usage: bench/listen_peers.sh BUILD_DIR      (or: cmake --build BUILD_DIR --target bench_listen)
# Environment: WRK_DURATION (default 10s)  length of each wrk run
#              SINK_WORKERS (default 1)    nginx worker processes (wrk shares the CPUs)
#
# Peers, installed from Debian when missing (apt-get update once, then apt-get install -y only
# what is missing, through sudo when not root): webhook (adnanh/webhook, /usr/bin/webhook),
# nginx-light (or nginx), wrk, curl. Installing a package may start the system's own service of
# it where the init system allows it; this script never uses or stops those.
#
# The load, the same for every receiver: wrk -t2 -c64 -d WRK_DURATION --latency with a Lua script
# that POSTs a 1 KiB JSON body (a GitHub-like push event) with Content-Type: application/json,
# X-GitHub-Event: push and X-Hub-Signature-256, computed once with `hookctl sign -p github`
# (secret S below). Each receiver runs alone on 127.0.0.1 at the first free port from 18200 up,
# is checked with curl (the signed body must get a 2xx; for the verifying receivers the same body
# signed with another secret must not), measured, and stopped before the next one starts:
#  (1) hookctl listen --port P -p github --secret S --durability batch --capture FILE
#  (2) the same with --durability always (an fsync, shared by concurrent requests, before answering)
#      hookctl prints one log line per request on stdout, which goes to /dev/null here. After each
#      run the capture file must hold about as many new records as wrk counted responses (at
#      least as many, and at most 64 + 0.5% more: requests in flight when wrk stops are captured
#      but not counted), every new record must say "valid":true, and wrk must count no non-2xx.
#  (3) adnanh/webhook -ip 127.0.0.1 -port P -hooks FILE (bench/webhook_hooks.json.in: one hook,
#      URL /hooks/github, whose trigger rule is payload-hmac-sha256 of X-Hub-Signature-256 with
#      secret S; on a match it answers "ok" and runs /bin/true in the background, webhook's
#      default. webhook 2.8 answers a wrong signature 500 (an error evaluating the rule) and a
#      missing one 401 (trigger-rule-mismatch-http-response-code); setup fails if either gets a 2xx)
#  (4) nginx answering 204 to everything (bench/nginx_204.conf.in, one worker): the ceiling
# The non-2xx column is wrk's "Non-2xx or 3xx responses" (it counts statuses >= 400).
# Targets (req/s): hookctl(batch)/webhook >= 2.0; hookctl(batch)/nginx >= 0.30; a ratio whose
# hookctl run was not clean (non-2xx, a capture count off, a record not valid) is a MISS. The
# always/batch ratio is printed for information.
#
# Everything (servers, capture files, configs, logs) lives under mktemp -d, and every process
# started here is stopped, and the temp dir removed, however the script ends. fsync costs what the
# file system of TMPDIR makes it cost: its type is printed.
#
# Exit status: 0 once measured (a MISS is reported, not a failure; a figure that could not be
# read prints as "?" and counts as a MISS); 2 on a setup failure (no hookctl binary, a peer that
# cannot be installed, a receiver that does not start or does not answer a signed request with a
# 2xx and a wrongly signed one with something else).
# Build Release (the default build type) for meaningful figures.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_init "$@" # sets me, die and hk (the built hookctl), or exits 2
nginx_template="$here/nginx_204.conf.in"
hooks_template="$here/webhook_hooks.json.in"
for f in "$nginx_template" "$hooks_template"; do [ -r "$f" ] || die "$f not found"; done

wrk_duration=${WRK_DURATION:-10s}
sink_workers=${SINK_WORKERS:-1}
conns=64
secret=bench-secret-S # alphanumeric: it goes into the hooks file as is
case $sink_workers in '' | *[!0-9]* | 0) die "SINK_WORKERS takes a positive integer" ;; esac
[[ $wrk_duration =~ ^[0-9]+[smh]?$ ]] || die "WRK_DURATION takes a wrk duration such as 10s"

# --- peers -----------------------------------------------------------------------------------
webhook_bin=/usr/bin/webhook
ensure_peers curl wrk "$webhook_bin=webhook"

# --- scratch dir, body, signature ------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/listen_peers.XXXXXX") || die "mktemp failed"
srv_pid=
srv_rc=
wrk_pid=
stop_server() { # stop the receiver that runs (SIGTERM, then SIGKILL for it and its children after 10 s)
  [ -n "$srv_pid" ] || return 0
  local kids _
  kids=$(pgrep -P "$srv_pid" 2>/dev/null)
  kill -TERM "$srv_pid" 2>/dev/null
  for _ in $(seq 100); do
    kill -0 "$srv_pid" 2>/dev/null || break
    sleep 0.1
  done
  # shellcheck disable=SC2086 # $kids is a list of pids
  kill -0 "$srv_pid" 2>/dev/null && kill -KILL "$srv_pid" $kids 2>/dev/null
  wait "$srv_pid" 2>/dev/null
  srv_rc=$?
  srv_pid=
}
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  [ -n "$wrk_pid" ] && kill -TERM "$wrk_pid" 2>/dev/null && wait "$wrk_pid" 2>/dev/null
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

body="$tmp/body.json"
make_body "$body"
body_bytes=$(wc -c <"$body" | tr -d ' ')

sig_of() { # sig_of SECRET: the X-Hub-Signature-256 value of the body, from hookctl sign --json
  "$hk" sign -p github --secret "$1" --data "@$body" --json 2>/dev/null |
    grep -oE '"X-Hub-Signature-256"[[:space:]]*:[[:space:]]*"sha256=[0-9a-f]{64}"' | grep -oE 'sha256=[0-9a-f]{64}'
}
sig=$(sig_of "$secret") || die "'hookctl sign -p github --secret ... --data @body.json --json' gave no X-Hub-Signature-256"
bad_sig=$(sig_of "not-$secret") || die "'hookctl sign' failed for the wrong secret"

cat >"$tmp/post.lua" <<EOF
-- wrk: POST the benchmark body as GitHub would, signed once
local f = assert(io.open("$body", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GitHub-Event"] = "push"
wrk.headers["X-Hub-Signature-256"] = "$sig"
EOF

# nginx: temp-path directives for every module this nginx was built with (Debian's point at /var/lib).
temp_paths=
nginx_v=$("$nginx_bin" -V 2>&1)
for m in client_body proxy fastcgi uwsgi scgi; do
  case $m in client_body) opt=--http-client-body-temp-path ;; *) opt=--http-$m-temp-path ;; esac
  if [ "$m" = client_body ] || { [[ $nginx_v != *"--without-http_${m}_module"* ]] && [[ $nginx_v == *"$opt"* ]]; }; then
    temp_paths+="${m}_temp_path $tmp/nginx/temp/$m; "
  fi
done
user_line=
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);" # workers as the current user, not nobody
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/temp" "$tmp/webhook" || die "mkdir in $tmp failed"
sed -e "s|@WORKDIR@|$tmp/webhook|g" -e "s|@SECRET@|$secret|g" "$hooks_template" >"$tmp/webhook/hooks.json" ||
  die "cannot write $tmp/webhook/hooks.json"

# --- helpers ---------------------------------------------------------------------------------
status_of() { # status_of URL [SIGNATURE]: the HTTP status of a POST of the body
  local h=()
  [ $# -gt 1 ] && h=(-H "X-Hub-Signature-256: $2")
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
    -H 'X-GitHub-Event: push' "${h[@]}" --data-binary "@$body" "$1" 2>/dev/null
}
is2xx() { [[ $1 =~ ^2[0-9][0-9]$ ]]; }
port_next=18200
srv_port=
# start_server NAME LOG CMD...: runs CMD with @PORT@ replaced by the first free port from port_next
# up (stdout to /dev/null, stderr to LOG), until it accepts connections; the next bind failure
# moves on to the next port, any other failure is a setup failure.
start_server() {
  local name=$1 log=$2 p a _
  shift 2
  local args
  srv_port=
  for ((p = port_next; p < 18400; p++)); do
    probe "$p" && continue
    args=()
    for a in "$@"; do args+=("${a//@PORT@/$p}"); done
    "${args[@]}" >/dev/null 2>"$log" &
    srv_pid=$!
    for _ in $(seq 200); do
      kill -0 "$srv_pid" 2>/dev/null || break
      if probe "$p"; then
        sleep 0.1 # a process that lost the port to another one has died by now
        kill -0 "$srv_pid" 2>/dev/null && { srv_port=$p; port_next=$((p + 1)); return 0; }
        break
      fi
      sleep 0.05
    done
    stop_server
    grep -qiE 'address already in use|port is in use' "$log" 2>/dev/null || {
      sed -n '1,20p' "$log" >&2
      die "$name did not start on 127.0.0.1:$p: ${args[*]}"
    }
  done
  die "no free port for $name in $port_next-18399"
}

# run_wrk KEY URL: one wrk run; sets rps[KEY] p50[KEY] p99[KEY] reqs[KEY] bad[KEY] note[KEY]
declare -A rps=() p50=() p99=() reqs=() bad=() note=()
run_wrk() {
  local key=$1 url=$2 out="$tmp/wrk_$1.out" rc v line
  # In the background, so that a signal to the script stops it at once (the EXIT trap kills wrk).
  wrk -t2 -c"$conns" -d"$wrk_duration" --latency -s "$tmp/post.lua" "$url" >"$out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid"
  rc=$?
  wrk_pid=
  v=$(sed -nE 's/^[[:space:]]*Requests\/sec:[[:space:]]*([0-9.]+).*/\1/p' "$out" | head -n 1)
  rps[$key]=${v:-?}
  for v in 50 99; do
    line=$(sed -nE "s/^[[:space:]]*$v%[[:space:]]+([0-9.]+)([a-z]+).*/\\1 \\2/p" "$out" | head -n 1)
    # shellcheck disable=SC2086 # "VALUE UNIT" splits into to_ms's two arguments
    if [ -n "$line" ]; then line=$(to_ms $line); else line='?'; fi
    if [ "$v" = 50 ]; then p50[$key]=$line; else p99[$key]=$line; fi
  done
  v=$(sed -nE 's/^[[:space:]]*([0-9]+) requests in .*/\1/p' "$out" | head -n 1)
  reqs[$key]=${v:-?}
  if isnum "${reqs[$key]}"; then
    v=$(sed -nE 's/^[[:space:]]*Non-2xx or 3xx responses:[[:space:]]*([0-9]+).*/\1/p' "$out" | head -n 1)
    bad[$key]=${v:-0} # wrk prints the line only when there were some
  else
    bad[$key]='?'
  fi
  note[$key]="wrk exit $rc, ${reqs[$key]} requests"
  v=$(sed -nE 's/^[[:space:]]*Socket errors:[[:space:]]*(.*)/\1/p' "$out" | head -n 1)
  [ -n "$v" ] && note[$key]+=", socket errors: $v"
  if [ "$rc" != 0 ] || [ "${rps[$key]}" = '?' ]; then
    echo "wrk output ($key):" >&2
    sed -n '1,20p' "$out" >&2
  fi
}

# --- the runs --------------------------------------------------------------------------------
nginx_version=$("$nginx_bin" -v 2>&1 | sed 's|.*/||')
webhook_version=$("$webhook_bin" -version 2>&1 | head -n 1 | sed -E 's/^webhook version //')
wrk_version=$(wrk -v 2>&1 | head -n 1 | awk '{print $2}')
echo "hookctl listen next to adnanh/webhook and nginx: one run, wrk -t2 -c$conns -d$wrk_duration --latency each"
printf 'load: POST %s B of JSON signed as GitHub signs it (X-Hub-Signature-256, computed once), wrk %s\n' \
  "$body_bytes" "${wrk_version:-?}"
printf 'machine: %s CPUs shared by receiver and wrk; load average %s (figures are noisy when it is not near 0)\n' \
  "$(nproc 2>/dev/null || echo '?')" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf 'captures in %s (%s file system)\n' "$tmp" "$(stat -f -c %T "$tmp" 2>/dev/null || echo '?')"
echo "hookctl: $hk"

declare -A clean=() cap_note=()
cap_msg=
# hookctl_run KEY DURABILITY
hookctl_run() {
  local key=$1 dur=$2 cap="$tmp/captures_$1.jsonl" log="$tmp/hookctl_$1.err" s base total new valid
  start_server "hookctl listen ($dur)" "$log" "$hk" listen --port @PORT@ -p github --secret "$secret" \
    --durability "$dur" --capture "$cap"
  local url="http://127.0.0.1:$srv_port/hooks/github"
  s=$(status_of "$url" "$sig")
  is2xx "$s" || die "hookctl listen ($dur) answered $s, not 2xx, to the signed body at $url"
  s=$(status_of "$url" "$bad_sig")
  [ "$s" = 401 ] || die "hookctl listen ($dur) answered $s, not 401, to a wrong signature at $url"
  base=$(grep -c '' "$cap" 2>/dev/null)
  run_wrk "$key" "$url"
  stop_server # SIGTERM: finishes the requests in flight and fsyncs the capture
  total=$(grep -c '' "$cap" 2>/dev/null)
  new=$((${total:-0} - ${base:-0}))
  valid=$(tail -n +$((${base:-0} + 1)) "$cap" 2>/dev/null | grep -c '"valid":true')
  cap_note[$key]="captured $new, valid $valid"
  cap_ok "$key" "$new" "$valid"
  note[$key]+=", $cap_msg, listen exit $srv_rc"
  [ "$srv_rc" = 0 ] || sed -n '1,10p' "$log" >&2
  rm -f "$cap"
}
cap_ok() { # cap_ok KEY NEW VALID: sets cap_msg (what the capture holds, or what is off) and clean[KEY]
  local key=$1 new=$2 valid=$3 n=${reqs[$1]} msg=
  clean[$key]=no
  isnum "$n" || { cap_msg="capture $new records, wrk count unknown"; return; }
  if [ "$new" -lt "$n" ] || [ "$new" -gt $((n + conns + n / 200)) ]; then
    msg="capture OFF: $new records for $n responses"
  elif [ "$valid" != "$new" ]; then
    msg="capture OFF: $valid of $new records valid:true"
  else
    msg="$new records, all valid"
  fi
  [ "${bad[$key]}" = 0 ] && [[ $msg != *OFF* ]] && clean[$key]=yes
  cap_msg=$msg
}

hookctl_run batch batch
hookctl_run always always

# adnanh/webhook
start_server webhook "$tmp/webhook/webhook.log" "$webhook_bin" -ip 127.0.0.1 -port @PORT@ \
  -hooks "$tmp/webhook/hooks.json"
wh_url="http://127.0.0.1:$srv_port/hooks/github"
s=$(status_of "$wh_url" "$sig")
is2xx "$s" || die "webhook answered $s, not 2xx, to the signed body at $wh_url (hooks: $hooks_template)"
s=$(status_of "$wh_url" "$bad_sig")
is2xx "$s" && die "webhook answered $s to a wrong signature at $wh_url: its trigger rule does not check it"
wh_bad_status=$s
s=$(status_of "$wh_url")
is2xx "$s" && die "webhook answered $s to an unsigned body at $wh_url: its trigger rule does not check it"
wh_unsigned_status=$s
run_wrk webhook "$wh_url"
stop_server
note[webhook]+=", setup: wrong signature -> $wh_bad_status, none -> $wh_unsigned_status"

# nginx ceiling
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@WORKERS@|$sink_workers|g" -e "s|@TEMP_PATHS@|$temp_paths|g" \
  -e "s|@USER_LINE@|$user_line|g" "$nginx_template" >"$tmp/nginx/nginx.conf.in" || die "cannot write the nginx config"
# nginx reads its config file, so the port goes in through a per-port copy made by a wrapper.
cat >"$tmp/nginx/run.sh" <<EOF
#!/usr/bin/env bash
sed "s|@PORT@|\$1|g" "$tmp/nginx/nginx.conf.in" >"$tmp/nginx/nginx.conf" || exit 1
exec "$nginx_bin" -p "$tmp/nginx" -e /dev/stderr -c "$tmp/nginx/nginx.conf"
EOF
start_server nginx "$tmp/nginx/logs/stderr.log" bash "$tmp/nginx/run.sh" @PORT@
ng_url="http://127.0.0.1:$srv_port/hooks/github"
s=$(status_of "$ng_url" "$sig")
[ "$s" = 204 ] || die "nginx answered $s, not 204, at $ng_url"
run_wrk nginx "$ng_url"
stop_server
note[nginx]+=", $sink_workers worker(s)"

# --- report ----------------------------------------------------------------------------------
echo
printf '%-30s %9s %8s %8s %8s  %s\n' tool "req/s" "p50 ms" "p99 ms" non-2xx note
row() {
  printf '%-30s %9s %8s %8s %8s  %s\n' "$1" "$(fmt "${rps[$2]}" 0)" "$(fmt "${p50[$2]}" 3)" "$(fmt "${p99[$2]}" 3)" \
    "${bad[$2]}" "${note[$2]}"
}
row "hookctl listen (batch)" batch
row "hookctl listen (always)" always
row "webhook $webhook_version (peer)" webhook
row "nginx $nginx_version 204 (ceiling)" nginx

echo
ratio_line() { # ratio_line LABEL A B TARGET: req/s A/B against a >= TARGET
  local r v
  r=$(ratio "${rps[$2]}" "${rps[$3]}")
  v=$(verdict "$r" ge "$4")
  local why=
  [ "${clean[batch]}" = yes ] || { v=MISS; why="  (hookctl's run was not clean: ${note[batch]})"; }
  printf '%-30s %9s   target >= %.2f  %s%s\n' "$1" "$r" "$4" "$v" "$why"
}
ratio_line "req/s hookctl(batch)/webhook" batch webhook 2.0
ratio_line "req/s hookctl(batch)/nginx" batch nginx 0.30
printf '%-30s %9s   (information: the cost of an fsync before each answer)\n' "req/s hookctl always/batch" \
  "$(ratio "${rps[always]}" "${rps[batch]}")"
for k in batch always; do
  [ "${clean[$k]}" = yes ] && v=PASS || v=MISS
  printf '%-30s %9s   %s\n' "clean run: hookctl ($k)" "$v" "${bad[$k]} non-2xx; ${cap_note[$k]} for ${reqs[$k]} responses"
done
exit 0
