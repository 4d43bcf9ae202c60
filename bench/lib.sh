# shellcheck shell=bash disable=SC2154,SC2034
# Shared by the bench/*_peers.sh scripts (sourced, not run): installing the peer tools from Debian,
# probing ports, and formatting figures. Each script starts with bench_init "$@".

me=${0##*/}
die() { # die MESSAGE: a setup failure
  echo "$me: $*" >&2
  exit 2
}
bench_init() { # bench_init BUILD_DIR: checks the arguments; sets hk to the absolute path of the built hookctl
  if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
  fi
  hk="$1/apps/hookctl/hookctl"
  [ -x "$hk" ] || die "$hk not found; build the hookctl target first"
  hk=$(cd "$(dirname "$hk")" && pwd)/hookctl
}

as_root() { # as_root CMD...: CMD as root, through sudo when not root
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "$me: not root and no sudo to run: $*" >&2
    return 1
  fi
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
find_nginx() {
  local c
  for c in "$(command -v nginx 2>/dev/null)" /usr/sbin/nginx /usr/local/sbin/nginx /usr/local/nginx/sbin/nginx; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

# ensure_peers PEER...: nginx (always, found into $nginx_bin) and each PEER, installed from Debian
# when missing (apt-get update once, then apt-get install -y of only what is missing; nginx-light
# where the archive has it). A PEER is a command named like its package (`wrk`), or PATH=PACKAGE
# for a file a package provides (`/usr/bin/time=time`).
ensure_peers() {
  local p m missing=() pkgs=()
  nginx_bin=$(find_nginx) || missing+=(nginx)
  for p in "$@"; do
    if [[ $p == */*=* ]]; then
      [ -x "${p%%=*}" ] || missing+=("${p#*=}")
    else
      command -v "$p" >/dev/null 2>&1 || installed "$p" || missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
    echo "$me: installing from Debian: ${missing[*]}" >&2
    as_root apt-get update -qq >&2 || die "apt-get update failed"
    for m in "${missing[@]}"; do
      if [ "$m" = nginx ] && apt-cache show nginx-light >/dev/null 2>&1; then pkgs+=(nginx-light); else pkgs+=("$m"); fi
    done
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2 ||
      die "apt-get install ${pkgs[*]} failed"
    nginx_bin=$(find_nginx) || die "nginx not found after installing it"
  fi
  for p in "$@"; do
    if [[ $p == */*=* ]]; then
      [ -x "${p%%=*}" ] || die "${p%%=*} not found after installing ${p#*=}"
    else
      command -v "$p" >/dev/null 2>&1 || die "$p not found after installing it"
    fi
  done
}

probe() { # probe PORT: true if something accepts connections there
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
isnum() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; }
fmt() { # fmt NUMBER DECIMALS: printf, or "?" for a figure that could not be read
  if isnum "$1"; then printf "%.${2}f" "$1"; else printf '?'; fi
}
ratio() { # ratio A B: A/B with two decimals, or "?"
  if isnum "$1" && isnum "$2"; then awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "?"}'; else printf '?'; fi
}
verdict() { # verdict VALUE OP TARGET (OP: le, ge, lt): PASS, or MISS (also for "?")
  isnum "$1" || { echo MISS; return; }
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    ok = (op == "le") ? v <= t : (op == "ge") ? v >= t : v < t
    print ok ? "PASS" : "MISS"
  }'
}
to_ms() { # to_ms VALUE UNIT (ns|us|ms|s|m|h): milliseconds, or "?"
  isnum "$1" || { echo '?'; return; }
  awk -v v="$1" -v u="$2" 'BEGIN {
    f = (u == "ns") ? 1e-6 : (u == "us") ? 1e-3 : (u == "ms") ? 1 : (u == "s") ? 1e3 : (u == "m") ? 6e4 : (u == "h") ? 3.6e6 : -1
    if (f < 0) print "?"; else printf "%.6f\n", v * f
  }'
}

status_of() { # status_of URL: the HTTP status of a POST of the file $body
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
    --data-binary "@$body" "$1" 2>/dev/null
}

# The nginx sink (bench/nginx_sink.conf.in): run as the current user under $tmp (prefix, logs,
# temp dirs), on the first free port from 18080 up; sets $port and $nginx_pid. stop_nginx stops it.
nginx_pid=
stop_nginx() {
  [ -n "$nginx_pid" ] || return 0
  local kids _
  kids=$(pgrep -P "$nginx_pid" 2>/dev/null)
  kill -TERM "$nginx_pid" 2>/dev/null
  for _ in $(seq 50); do
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  # A master that did not stop in 5 s takes its workers with it.
  # shellcheck disable=SC2086 # $kids is a list of pids
  kill -0 "$nginx_pid" 2>/dev/null && kill -KILL "$nginx_pid" $kids 2>/dev/null
  wait "$nginx_pid" 2>/dev/null
  nginx_pid=
}
start_nginx_sink() { # start_nginx_sink TEMPLATE WORKERS
  local template=$1 workers=$2 temp_paths= nginx_v m opt user_line= p _
  # Temp-path directives for every module this nginx was built with (Debian's point at /var/lib).
  nginx_v=$("$nginx_bin" -V 2>&1)
  for m in client_body proxy fastcgi uwsgi scgi; do
    case $m in client_body) opt=--http-client-body-temp-path ;; *) opt=--http-$m-temp-path ;; esac
    if [ "$m" = client_body ] || { [[ $nginx_v != *"--without-http_${m}_module"* ]] && [[ $nginx_v == *"$opt"* ]]; }; then
      temp_paths+="${m}_temp_path $tmp/temp/$m; "
    fi
  done
  [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);" # workers as the current user, not nobody
  mkdir -p "$tmp/logs" "$tmp/temp" || die "mkdir in $tmp failed"
  port=
  for p in $(seq 18080 18179); do
    probe "$p" && continue
    sed -e "s|@PORT@|$p|g" -e "s|@PREFIX@|$tmp|g" -e "s|@WORKERS@|$workers|g" \
      -e "s|@TEMP_PATHS@|$temp_paths|g" -e "s|@USER_LINE@|$user_line|g" "$template" >"$tmp/nginx.conf"
    "$nginx_bin" -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf" >"$tmp/logs/stdout.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 100); do
      kill -0 "$nginx_pid" 2>/dev/null || break
      [ "$(status_of "http://127.0.0.1:$p/hook")" = 200 ] && { port=$p; break; }
      sleep 0.05
    done
    [ -n "$port" ] && break
    # Lost a race for the port (or nginx failed): retry on the next port only for a bind failure.
    stop_nginx
    grep -q 'Address already in use' "$tmp/logs/error.log" "$tmp/logs/stdout.log" 2>/dev/null || {
      cat "$tmp/logs/stdout.log" "$tmp/logs/error.log" >&2 2>/dev/null
      die "nginx did not start on 127.0.0.1:$p (config: $template)"
    }
    : >"$tmp/logs/error.log"
  done
  [ -n "$port" ] || die "no free port for nginx in 18080-18179"
}

# json_num JSON KEY_REGEX: the first number whose key matches KEY_REGEX (quotes excluded), or "?".
json_num() {
  local v
  v=$(printf '%s' "$1" | grep -oE "\"$2\"[[:space:]]*:[[:space:]]*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?" | head -n 1 |
    sed -E 's/.*:[[:space:]]*//')
  echo "${v:-?}"
}

# 1 KiB GitHub-like push event, exactly 1024 bytes of JSON, written to FILE.
make_body() { # make_body FILE
  local pre post pad
  pre='{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"76ae82c7b1a177c8d03f9e96e0adf2466113728f","repository":{"id":1296269,"full_name":"octocat/Hello-World","private":false},"pusher":{"name":"octocat","email":"octocat@example.com"},"padding":"'
  post='"}'
  pad=$((1024 - ${#pre} - ${#post}))
  printf '%s%s%s' "$pre" "$(printf '%*s' "$pad" '' | tr ' ' x)" "$post" >"$1"
}
