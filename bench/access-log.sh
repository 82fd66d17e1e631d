#!/usr/bin/env bash
# What the access log costs per request: Engawa (one event loop pinned to core 1, wrk on core 0) serving a
# 1 KiB static file with `log.access` off, combined to a file, JSON to a file, and combined to stdout
# redirected to /dev/null. Prints requests/s, p99 and the server's CPU time per request (from /proc; the
# figure to trust on a shared 2-core machine) and the difference to "off". Request metrics are on in
# every row (they cannot be turned off); see docs/benchmarks.md for how their share was measured.
#
#   bench/access-log.sh                 10 s per row (DURATION=30s for steadier figures)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-8s}
SERVER_CORE=${SERVER_CORE:-1}
WRK_CORE=${WRK_CORE:-0}
export WRK_CORE

bench_workdir log

mkdir -p "$work/www"
head -c 1024 /dev/urandom > "$work/www/1k.bin"
java=$(bench_java)
"$bench_root/engawa" --version >/dev/null   # builds the jar when needed

run_row() { # name access format
  cat > "$work/engawa.yaml" <<CONF
listen: {http: "127.0.0.1:28081"}
log: {access: "$2", format: $3}
sites:
  bench:
    hosts: [www.example.test]
    routes:
      - {path: /, static: {root: $work/www}}
CONF
  rm -rf "$work/data" "$work/access.log"
  taskset -c "$SERVER_CORE" "$java" "${engawa_jvm[@]}" \
    -jar "$bench_root/target/engawa.jar" serve --config "$work/engawa.yaml" --data "$work/data" --threads 1 \
    > /dev/null 2> "$work/engawa.log" &
  pid=$!
  pids=("$pid")
  wait_port 28081
  local url="http://127.0.0.1:28081/1k.bin"
  taskset -c "$WRK_CORE" wrk -t1 -c64 -d"$WARMUP" -H "Host: www.example.test" "$url" >/dev/null 2>&1
  echo "$1 $(measure_wrk "$pid" "$url" -t1 -c64 -d"$DURATION" -H "Host: www.example.test")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pids=()
}

echo "bench: access log cost, Engawa ($java), server on core $SERVER_CORE, wrk on core $WRK_CORE, $DURATION per row" >&2
{
  run_row off off combined
  run_row combined-file "$work/access.log" combined
  run_row json-file "$work/access.log" json
  run_row combined-stdout stdout combined
} > "$work/results"

off_cpu=$(awk '$1 == "off" {print $4}' "$work/results")
printf "\n%-16s %10s %9s %10s %12s\n" row rps p99_ms us/req "vs off us"
while read -r row rps p99 cpu _; do
  printf "%-16s %10s %9s %10s %12s\n" "$row" "$rps" "$p99" "$cpu" "$(awk -v a="$cpu" -v b="$off_cpu" 'BEGIN { printf "%+.2f", a - b }')"
done < "$work/results"
