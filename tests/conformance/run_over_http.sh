#!/bin/sh
# Runs conformance requirements over HTTP: starts durable-emulator (ephemeral loopback port,
# --skip-time, output to a file), waits for its "listening on" line, runs durable-conformance
# --remote against it with that output as the functions' log stream, and stops the emulator.
# Every wait is bounded.
#   run_over_http.sh EMULATOR CONFORMANCE WORKDIR [durable-conformance arguments...]
set -u
emulator=$1
conformance=$2
workdir=$3
shift 3
mkdir -p "$workdir" || exit 2
log="$workdir/emulator-$$.log"

"$emulator" --port 0 --skip-time >"$log" 2>&1 &
pid=$!

stop_emulator() {
  kill -TERM "$pid" 2>/dev/null || return 0
  n=0
  while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
trap stop_emulator EXIT
trap 'exit 1' INT TERM

url=""
n=0
while [ "$n" -lt 600 ]; do
  url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$log" | head -n 1)
  [ -n "$url" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "durable-emulator exited before listening:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
  n=$((n + 1))
done
if [ -z "$url" ]; then
  echo "durable-emulator printed no 'listening on' line within 60 s:" >&2
  cat "$log" >&2
  exit 1
fi

echo "durable-emulator at $url (output in $log)"
"$conformance" --remote "$url" --remote-logs "$log" "$@"
rc=$?
[ "$rc" -eq 0 ] && rm -f "$log"
exit "$rc"
