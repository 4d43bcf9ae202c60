#!/usr/bin/env bash
# Colors and progress lines under a real pseudo-terminal (util-linux `script`): colors on a terminal
# unless NO_COLOR, TERM=dumb, --color never, --no-color or HOOKCTL_COLOR=never; off a terminal
# only with FORCE_COLOR or --color always. Progress lines (send's load mode, fuzz's bar) only on a
# terminal, never with CI set, --json or --quiet. stdout stays data only when stderr is a pipe.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"

if ! command -v script >/dev/null 2>&1; then
  echo "FAIL: script (util-linux) is needed to run commands under a pseudo-terminal"
  exit 1
fi
# pty COMMAND-LINE: runs it under a pseudo-terminal (stdout and stderr both the terminal) and prints
# what the terminal showed. Bounded: 20 s.
pty() { timeout 20 script -qefc "$1" /dev/null </dev/null; }
esc=$'\033['
has_esc() { [[ $1 == *"$esc"* ]]; }

# An invalid signature: verify prints a red "invalid" verdict and a colored error prefix.
q() { printf '%q' "$1"; }
invalid="$(q "$bin") verify -p github --secret abc -H 'X-Hub-Signature-256: sha256=00' --data x"

out=$(TERM=xterm pty "$invalid")
expect "terminal: colors" has_esc "$out"
expect "terminal: the verdict is shown" grep -q "invalid" <<<"$out"
for env in NO_COLOR=1 TERM=dumb HOOKCTL_COLOR=never HOOKCTL_NO_COLOR=1; do
  out=$(env TERM=xterm "$env" bash -c "$(declare -f pty); pty $(q "$invalid")")
  if has_esc "$out"; then bad "terminal with $env: no colors"; else ok "terminal with $env: no colors"; fi
done
for flag in "--color never" "--no-color" "--color=never"; do
  out=$(TERM=xterm pty "$invalid $flag")
  if has_esc "$out"; then bad "terminal with $flag: no colors"; else ok "terminal with $flag: no colors"; fi
done
# NO_COLOR loses to an explicit --color always.
out=$(NO_COLOR=1 TERM=xterm pty "$invalid --color always")
expect "terminal: --color always beats NO_COLOR" has_esc "$out"

# Off a terminal (pipes).
out=$(TERM=xterm bash -c "$invalid" 2>&1 | cat)
if has_esc "$out"; then bad "pipe: no colors"; else ok "pipe: no colors"; fi
out=$(FORCE_COLOR=1 TERM=xterm bash -c "$invalid" 2>&1 | cat)
expect "pipe: FORCE_COLOR turns colors on" has_esc "$out"
out=$(TERM=xterm bash -c "$invalid --color always" 2>&1 | cat)
expect "pipe: --color always turns colors on" has_esc "$out"

# Progress lines.
start_listen sink
send="$(q "$bin") send http://127.0.0.1:$port/hook -p github --secret abc --data '{}' --duration 1s --rate 100 -c 2"
out=$(TERM=xterm pty "$send")
expect "terminal: send's load mode draws a progress line" grep -q $'\r[0-9]* sent, [0-9]* ok' <<<"$out"
for variant in "CI=true" "CI=1"; do
  out=$(env TERM=xterm "$variant" bash -c "$(declare -f pty); pty $(q "$send")")
  if grep -q $'\r[0-9]* sent,' <<<"$out"; then bad "terminal with $variant: no progress"; else
    ok "terminal with $variant: no progress"
  fi
done
out=$(env TERM=xterm CI=false bash -c "$(declare -f pty); pty $(q "$send")")
expect "terminal with CI=false: progress" grep -q $'\r[0-9]* sent,' <<<"$out"
for flag in --json --quiet; do
  out=$(TERM=xterm pty "$send $flag")
  if grep -q $'\r[0-9]* sent,' <<<"$out"; then bad "terminal with $flag: no progress"; else
    ok "terminal with $flag: no progress"
  fi
done
bash -c "$send" >"$tmp/send.out" 2>"$tmp/send.err"
if grep -q $'\r' "$tmp/send.err" "$tmp/send.out"; then bad "pipe: no progress"; else ok "pipe: no progress"; fi
expect "pipe: the load summary is on stdout" grep -q "sent" "$tmp/send.out"

fuzz="$(q "$bin") fuzz http://127.0.0.1:$port/hook -p github --secret abc --event github.push --families signature --seed 1"
out=$(TERM=xterm pty "$fuzz")
expect "terminal: fuzz draws a progress bar" grep -q $'\r\033\\[K' <<<"$out"
out=$(env TERM=xterm CI=true bash -c "$(declare -f pty); pty $(q "$fuzz")")
if grep -q $'\r\033\\[K' <<<"$out"; then bad "terminal with CI=true: no fuzz bar"; else ok "terminal with CI=true: no fuzz bar"; fi

exit $fail
