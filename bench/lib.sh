# shellcheck shell=bash disable=SC2154,SC2034
# Shared by the bench/*_peers.sh scripts (sourced, not run): installing the peer tools from Debian,
# probing ports, and formatting figures. The caller defines `me` and `die MESSAGE` first.

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
