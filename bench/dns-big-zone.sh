#!/usr/bin/env bash
# Memory and load time for a big zone (about 1,000,000 records: bench/dns-zone.sh with 587,100 names), in
# Engawa both ways users load a zone, and in NSD:
#   - Engawa, config document: the zone written as `zones:` records in YAML, `engawa serve --config`;
#   - Engawa, zone import: a small document applied, `engawa zone import ZONE FILE` (timed on its own),
#     then `engawa serve --data` from the stored revision;
#   - NSD reading the same master file (server-count 1, no database).
# For each: seconds from process start until the last name of the zone answers, and memory at that moment:
# RSS and PSS summed over the process tree (NSD forks; PSS counts pages its processes share once). For
# Engawa also after a full GC (jcmd GC.run) with the live heap, since RSS holds the heap's high-water mark.
# A baseline with a 3-record zone shows what each server takes before the zone. Servers are not pinned.
#
#   bench/dns-big-zone.sh
#   NAMES=58710 bench/dns-big-zone.sh       # about 100,000 records
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns-zone.sh"

NAMES=${NAMES:-587100}
PORT=15355
ZONE=big.test

bench_workdir dns-big

java=$(bench_java)
jcmd="$(dirname "$java")/jcmd"
jar="$bench_root/target/engawa.jar"
"$bench_root/engawa" --version >/dev/null   # builds the jar when needed

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# Waits (up to 20 min) until NAME A answers on $PORT while process $1 lives; prints nothing, fails if it died.
wait_answer() {
  local pid=$1 name=$2 i
  for i in $(seq 1 24000); do
    dig +short +time=1 +tries=1 -p "$PORT" @127.0.0.1 "$name" A 2>/dev/null | grep -q . && return 0
    kill -0 "$pid" 2>/dev/null || { echo "bench: process $pid exited before answering $name" >&2; return 1; }
    sleep 0.05
  done
  echo "bench: no answer for $name" >&2
  return 1
}

# gen_yaml ZONEFILE: the master file's records (not the SOA) as a config document on $PORT.
gen_yaml() {
  echo "listen: {dns: \"127.0.0.1:$PORT\"}"
  echo "log: {access: \"off\"}"
  echo "zones:"
  echo "  $ZONE:"
  echo "    ttl: 300"
  echo "    soa: {primary: ns1.$ZONE., contact: hostmaster.$ZONE.}"
  echo "    records:"
  awk '/^\$/ || $3 == "SOA" { next }
       { owner = $1; type = $3; $1 = ""; $2 = ""; $3 = ""; sub(/^ +/, "")
         printf "      - {name: \"%s\", type: %s, values: [\x27%s\x27]}\n", owner, type, $0 }' "$1"
}

results=()
# report LABEL PID STARTED EXTRA: one result line, with memory now (and after a GC for a JVM).
report() {
  local label=$1 pid=$2 secs=$3 extra=${4:-}
  local rss pss line
  rss=$(rss_kib_tree "$pid"); pss=$(pss_kib_tree "$pid")
  line=$(printf "%-30s %8s s %8s MiB %8s MiB" "$label" "$secs" "$(mib "$rss")" "$(mib "$pss")")
  if [ "$extra" = jvm ]; then
    "$jcmd" "$pid" GC.run >/dev/null
    sleep 1
    local heap
    heap=$("$jcmd" "$pid" GC.heap_info | awk '/PSYoungGen|ParOldGen/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?/, "", v); s += v } } END { print s }')
    line+=$(printf "   after GC: RSS %s MiB, live heap %s MiB" "$(mib "$(rss_kib_tree "$pid")")" "$(mib "$heap")")
  fi
  results+=("$line")
  echo "$line" >&2
}

start_engawa() { # args for serve; sets epid
  "$java" "${engawa_jvm[@]}" -jar "$jar" serve "$@" 2>> "$work/engawa.log" &
  epid=$!
  pids+=("$epid")
}

stop() {
  kill "$1"; wait "$1" 2>/dev/null || true
}

gen_zone "$ZONE" "$NAMES" "$work/$ZONE.zone"
gen_zone "$ZONE" 0 "$work/tiny.zone"
records=$(zone_records "$NAMES")
last="h$((NAMES - 1)).$ZONE"
gen_yaml "$work/$ZONE.zone" > "$work/big.yaml"
gen_yaml "$work/tiny.zone" > "$work/tiny.yaml"
echo "bench: $ZONE with $NAMES names, $records records (master file $(du -h "$work/$ZONE.zone" | cut -f1)," \
  "document $(du -h "$work/big.yaml" | cut -f1)); NSD $(nsd -v 2>&1 | head -1 | awk '{print $3}'), Engawa on $java" >&2

# NSD: baseline, then the big zone.
for z in tiny big; do
  zf="$work/$ZONE.zone"; [ "$z" = tiny ] && zf="$work/tiny.zone"
  nsd_conf "$work" "$PORT" "$ZONE" "$zf" > "$work/nsd.conf"
  t0=$(now)
  nsd -d -c "$work/nsd.conf" &
  npid=$!; pids+=("$npid")
  if [ "$z" = tiny ]; then wait_answer "$npid" "ns1.$ZONE"; else wait_answer "$npid" "$last"; fi
  report "NSD, $z zone" "$npid" "$(since "$t0")"
  stop "$npid"
done

# Engawa, baseline and config document.
t0=$(now); start_engawa --config "$work/tiny.yaml" --data "$work/data-tiny" --threads 1
wait_answer "$epid" "ns1.$ZONE"; report "Engawa, tiny zone" "$epid" "$(since "$t0")" jvm; stop "$epid"
t0=$(now); start_engawa --config "$work/big.yaml" --data "$work/data-doc" --threads 1
wait_answer "$epid" "$last"; report "Engawa, serve --config" "$epid" "$(since "$t0")" jvm; stop "$epid"
# The revision is stored now: a restart reads it from the store instead of the file.
t0=$(now); start_engawa --data "$work/data-doc" --threads 1
wait_answer "$epid" "$last"; report "Engawa, restart from store" "$epid" "$(since "$t0")" jvm; stop "$epid"

# Engawa, zone import.
"$java" "${engawa_jvm[@]}" -jar "$jar" apply "$work/tiny.yaml" --data "$work/data-import" >/dev/null
t0=$(now)
"$java" "${engawa_jvm[@]}" -jar "$jar" zone import "$ZONE" "$work/$ZONE.zone" --data "$work/data-import" > "$work/import.out" 2>&1 &
ipid=$!; pids+=("$ipid")
peak=0
while kill -0 "$ipid" 2>/dev/null; do
  r=$(rss_kib_tree "$ipid" 2>/dev/null || echo 0); [ "${r:-0}" -gt "$peak" ] && peak=$r
  sleep 0.2
done
wait "$ipid" || { cat "$work/import.out" >&2; exit 1; }
results+=("$(printf "%-30s %8s s %8s MiB (peak RSS of the import command)" "engawa zone import" "$(since "$t0")" "$(mib "$peak")")")
t0=$(now); start_engawa --data "$work/data-import" --threads 1
wait_answer "$epid" "$last"; report "Engawa, serve after import" "$epid" "$(since "$t0")" jvm; stop "$epid"

printf "\n%s names, %s records\n%-30s %10s %12s %12s\n" "$NAMES" "$records" "" "first answer" "RSS" "PSS"
printf "%s\n" "${results[@]}"
