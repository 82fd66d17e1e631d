#!/usr/bin/env bash
# Resident memory of Engawa and nginx (one worker each, same 1 KiB file): idle after start, and with
# 10,000 idle keep-alive connections that have each made one request. Prints RSS in MiB and the
# increase per connection in KiB. nginx's figure is master + worker; Engawa's is the one JVM process,
# started with the launcher's flags (bench/memory.sh does not tune the heap beyond what users get).
#
#   bench/memory.sh                    10,000 connections (CONNECTIONS=N to change)
#   ENGAWA_JAVA_OPTS="-Xmx64m" bench/memory.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CONNECTIONS=${CONNECTIONS:-10000}
SERVER_CORE=${SERVER_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}

bench_workdir mem
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # 10,000 connections need more than the usual 1024 descriptors

mkdir -p "$work/www"
head -c 1024 /dev/urandom > "$work/www/1k.bin"
java=$(bench_java)
"$bench_root/engawa" --version >/dev/null   # builds the jar when needed

cat > "$work/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx-error.log;
worker_rlimit_nofile 65536;
events { worker_connections 20000; }
http {
  access_log off; sendfile on; keepalive_requests 1000000; keepalive_timeout 300s;
  types { application/octet-stream bin; }
  server { listen 127.0.0.1:18581; server_name www.example.test; location /static/ { alias $work/www/; } }
}
CONF
cat > "$work/engawa.yaml" <<CONF
listen: {http: "127.0.0.1:28581"}
log: {access: "off"}
http: {idle_timeout: 300s}
sites:
  bench:
    hosts: [www.example.test]
    routes:
      - {path: /static/, static: {root: $work/www}}
CONF

# Opens the connections against a server, prints "idle_kib loaded_kib".
measure() { # pid port
  local pid=$1 port=$2 idle loaded
  sleep 2
  idle=$(rss_kib_tree "$pid")
  mkfifo "$work/hold"
  taskset -c "$CLIENT_CORE" "$java" "$bench_root/bench/IdleConnections.java" "$port" "$CONNECTIONS" /static/1k.bin \
    < "$work/hold" > "$work/client.out" &
  local client=$!
  exec 7> "$work/hold"
  local i
  for i in $(seq 1 600); do
    grep -q '^ready' "$work/client.out" 2>/dev/null && break
    kill -0 "$client" 2>/dev/null || { echo "bench: the connection client failed" >&2; return 1; }
    sleep 0.2
  done
  sleep 2
  loaded=$(rss_kib_tree "$pid")
  exec 7>&-
  wait "$client" 2>/dev/null || true
  rm -f "$work/hold" "$work/client.out"
  echo "$idle $loaded"
}

taskset -c "$SERVER_CORE" nginx -c "$work/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_port 18581
read -r n_idle n_loaded < <(measure "$nginx_pid" 18581)
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true

taskset -c "$SERVER_CORE" "$java" "${engawa_jvm[@]}" \
  ${ENGAWA_JAVA_OPTS:-} \
  -jar "$bench_root/target/engawa.jar" serve --config "$work/engawa.yaml" --data "$work/data" --threads 1 \
  2> "$work/engawa.log" &
engawa_pid=$!
pids+=("$engawa_pid")
wait_port 28581
read -r e_idle e_loaded < <(measure "$engawa_pid" 28581)
kill "$engawa_pid"; wait "$engawa_pid" 2>/dev/null || true

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
per() { awk -v a="$1" -v b="$2" -v n="$CONNECTIONS" 'BEGIN { printf "%.2f", (b - a) / n }'; }
printf "\n%-8s %10s %16s %14s\n" server idle_MiB "with_${CONNECTIONS}_MiB" KiB/connection
printf "%-8s %10s %16s %14s\n" nginx "$(mib "$n_idle")" "$(mib "$n_loaded")" "$(per "$n_idle" "$n_loaded")"
printf "%-8s %10s %16s %14s\n" engawa "$(mib "$e_idle")" "$(mib "$e_loaded")" "$(per "$e_idle" "$e_loaded")"
