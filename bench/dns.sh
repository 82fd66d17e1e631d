#!/usr/bin/env bash
# Engawa against NSD, side by side on one machine: the same generated zone (bench/dns-zone.sh: 10,000
# names, about 17,000 records with 200 wildcards) loaded in each server in turn, the server pinned to core 1
# (NSD: server-count 1; Engawa: one event loop), dnsperf pinned to core 0 replaying one query file that
# mixes answers, CNAMEs, wildcards, NXDOMAIN and NODATA. Engawa loads the zone the way users do: a base
# document applied, then `engawa zone import`. Prints queries/s, dnsperf's average latency and its spread,
# the server's CPU time per query (from /proc; with the part spent in the kernel), and the Engawa/NSD ratios.
#
#   bench/dns.sh                  10 s per server after 5 s of warmup
#   DURATION=30 NAMES=50000 bench/dns.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns-zone.sh"

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
NAMES=${NAMES:-10000}
QUERIES=${QUERIES:-200000}
OUTSTANDING=${OUTSTANDING:-100}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
NSD_PORT=15354
ENGAWA_PORT=15353
ZONE=bench.test

bench_workdir dns

gen_zone "$ZONE" "$NAMES" "$work/$ZONE.zone"
gen_queries "$ZONE" "$NAMES" "$QUERIES" "$work/queries.txt"
records=$(zone_records "$NAMES")

java=$(bench_java)
"$bench_root/engawa" --version >/dev/null   # builds the jar when needed

# Waits until a DNS server answers the zone's SOA over UDP on port $1 (up to 120 s: a big zone loads slowly).
wait_dns() {
  local i
  for i in $(seq 1 1200); do
    dig +short +time=1 +tries=1 -p "$1" @127.0.0.1 "$ZONE" SOA 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  echo "bench: nothing answers DNS on port $1" >&2
  return 1
}

# Runs dnsperf against port $2 and the server PID $1; appends one line to $work/$3.results:
#   qps avg_ms stddev_ms cpu_us_per_query completed lost rcodes...
measure_dnsperf() {
  local pid=$1 port=$2 name=$3 before after sys_before sys_after out
  taskset -c "$CLIENT_CORE" dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$WARMUP" -q "$OUTSTANDING" >/dev/null 2>&1
  before=$(cpu_ticks_tree "$pid"); sys_before=$(sys_ticks_tree "$pid")
  out=$(taskset -c "$CLIENT_CORE" dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$DURATION" -q "$OUTSTANDING" 2>&1)
  after=$(cpu_ticks_tree "$pid"); sys_after=$(sys_ticks_tree "$pid")
  echo "$out" > "$work/$name.dnsperf"
  local completed lost qps avg sd codes cpu_us sys_us
  completed=$(echo "$out" | awk '/Queries completed:/ {print $3}')
  lost=$(echo "$out" | awk '/Queries lost:/ {print $3}')
  qps=$(echo "$out" | awk '/Queries per second:/ {printf "%.0f", $4}')
  avg=$(echo "$out" | awk '/Average Latency/ {printf "%.3f", $4 * 1000}')
  sd=$(echo "$out" | awk '/Latency StdDev/ {printf "%.3f", $4 * 1000}')
  codes=$(echo "$out" | sed -n 's/.*Response codes: *//p' | tr -d ',')
  cpu_us=$(awk -v t=$(( after - before )) -v hz="$CLK_TCK" -v n="${completed:-0}" \
    'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "nan" }')
  sys_us=$(awk -v t=$(( sys_after - sys_before )) -v hz="$CLK_TCK" -v n="${completed:-0}" \
    'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "nan" }')
  echo "${qps:-0} ${avg:-nan} ${sd:-nan} $cpu_us $sys_us ${completed:-0} ${lost:-0} $codes" > "$work/$name.results"
}

echo "bench: NSD $(nsd -v 2>&1 | head -1 | awk '{print $3}') vs Engawa ($java), zone $ZONE with $NAMES names" \
  "($records records), $QUERIES queries in the file, server on core $SERVER_CORE, dnsperf on core $CLIENT_CORE," \
  "${DURATION}s per server after ${WARMUP}s warmup, $OUTSTANDING outstanding" >&2

nsd_conf "$work" "$NSD_PORT" "$ZONE" "$work/$ZONE.zone" > "$work/nsd.conf"
nsd-checkconf "$work/nsd.conf"
taskset -c "$SERVER_CORE" nsd -d -c "$work/nsd.conf" &
nsd_pid=$!
pids+=("$nsd_pid")
wait_dns "$NSD_PORT"
measure_dnsperf "$nsd_pid" "$NSD_PORT" nsd
nsd_rss=$(rss_kib_tree "$nsd_pid")
kill "$nsd_pid"; wait "$nsd_pid" 2>/dev/null || true

cat > "$work/engawa.yaml" <<CONF
listen: {dns: "127.0.0.1:$ENGAWA_PORT"}
log: {access: "off"}
zones:
  $ZONE:
    soa: {primary: ns1.$ZONE., contact: hostmaster.$ZONE.}
    records:
      - {name: "@", type: NS, values: [ns1.$ZONE.]}
CONF
"$java" -jar "$bench_root/target/engawa.jar" apply "$work/engawa.yaml" --data "$work/data" >/dev/null
"$java" -jar "$bench_root/target/engawa.jar" zone import "$ZONE" "$work/$ZONE.zone" --data "$work/data" >/dev/null 2>&1
taskset -c "$SERVER_CORE" "$java" "${engawa_jvm[@]}" \
  ${ENGAWA_JAVA_OPTS:-} -jar "$bench_root/target/engawa.jar" serve --data "$work/data" --threads 1 \
  2> "$work/engawa.log" &
engawa_pid=$!
pids+=("$engawa_pid")
wait_dns "$ENGAWA_PORT"
measure_dnsperf "$engawa_pid" "$ENGAWA_PORT" engawa
engawa_rss=$(rss_kib_tree "$engawa_pid")
kill "$engawa_pid"; wait "$engawa_pid" 2>/dev/null || true

read -r n_qps n_avg n_sd n_cpu n_sys n_done n_lost n_codes < "$work/nsd.results"
read -r e_qps e_avg e_sd e_cpu e_sys e_done e_lost e_codes < "$work/engawa.results"
printf "\n%-7s %10s %9s %9s %10s %14s %11s %8s\n" server qps avg_ms sd_ms us/query "of which sys" completed lost
printf "%-7s %10s %9s %9s %10s %14s %11s %8s\n" NSD "$n_qps" "$n_avg" "$n_sd" "$n_cpu" "$n_sys" "$n_done" "$n_lost"
printf "%-7s %10s %9s %9s %10s %14s %11s %8s\n" Engawa "$e_qps" "$e_avg" "$e_sd" "$e_cpu" "$e_sys" "$e_done" "$e_lost"
# cpu ratio > 1 means Engawa answers more queries per CPU second than NSD.
printf "ratio Engawa/NSD: qps %s, avg latency %s, queries per CPU second %s\n" \
  "$(ratio "$e_qps" "$n_qps")" "$(ratio "$e_avg" "$n_avg")" "$(ratio "$n_cpu" "$e_cpu")"
printf "queries per CPU second: NSD %s, Engawa %s\n" \
  "$(awk -v c="$n_cpu" 'BEGIN { printf "%.0f", 1e6 / c }')" "$(awk -v c="$e_cpu" 'BEGIN { printf "%.0f", 1e6 / c }')"
printf "rcodes NSD:    %s\nrcodes Engawa: %s\n" "$n_codes" "$e_codes"
printf "RSS after the run: NSD %s KiB (all processes), Engawa %s KiB\n" "$nsd_rss" "$engawa_rss"
