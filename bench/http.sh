#!/usr/bin/env bash
# Engawa against nginx, side by side on one machine: each server in turn pinned to core 1 with one worker
# (nginx: worker_processes 1; Engawa: one event loop), wrk pinned to core 0, same files, same backend,
# access logs off for both. Prints requests/s, p99 latency and the server's CPU time per request (from
# /proc), and the Engawa/nginx ratios. CPU per request is the figure to trust on a shared 2-core machine.
#
#   bench/http.sh                 all rows, 10 s each (DURATION=30s for steadier figures)
#   ROWS="static-1k proxy" bench/http.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-8s}
SERVER_CORE=${SERVER_CORE:-1}
WRK_CORE=${WRK_CORE:-0}
ROWS=${ROWS:-"static-1k static-100k static-10m proxy tls-1k"}
export WRK_CORE

bench_workdir http

certs="$bench_root/examples/certs"
mkdir -p "$work/www"
head -c 1024 /dev/urandom > "$work/www/1k.bin"
head -c $((100 * 1024)) /dev/urandom > "$work/www/100k.bin"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$work/www/10m.bin"

java=$(bench_java)
"$bench_root/engawa" --version >/dev/null   # builds the jar when needed

# The backend both servers proxy to: nginx answering a fixed 2-byte body, on the load generator's core.
cat > "$work/backend.conf" <<CONF
worker_processes 1; daemon off; pid $work/backend.pid; error_log $work/backend-error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:18090; location / { return 200 "ok\n"; } } }
CONF
taskset -c "$WRK_CORE" nginx -c "$work/backend.conf" &
pids+=($!)
wait_port 18090

cat > "$work/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx-error.log;
worker_rlimit_nofile 65536;
events { worker_connections 20000; }
http {
  access_log off; sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000; keepalive_timeout 75s;
  open_file_cache max=1000 inactive=60s; open_file_cache_valid 1s;
  types { application/octet-stream bin; }
  upstream backend { server 127.0.0.1:18090; keepalive 64; }
  server {
    listen 127.0.0.1:18081; listen 127.0.0.1:18443 ssl;
    server_name www.example.test;
    ssl_certificate $certs/example.test.crt; ssl_certificate_key $certs/example.test.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location /static/ { alias $work/www/; }
    location /proxy/ { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection "";
                       proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; }
  }
}
CONF

cat > "$work/engawa.yaml" <<CONF
listen: {http: "127.0.0.1:28081", https: "127.0.0.1:28443"}
log: {access: "off"}
certificates: {bench: {cert_file: $certs/example.test.crt, key_file: $certs/example.test.key}}
upstreams: {backend: {servers: ["http://127.0.0.1:18090"], retries: 0}}
sites:
  bench:
    hosts: [www.example.test]
    tls: bench
    routes:
      - {path: /static/, static: {root: $work/www}}
      - {path: /proxy/, proxy: backend}
CONF

# url and wrk options per row, for a server whose plain port is $1 and TLS port $2.
row_url() {
  case $3 in
    static-1k) echo "http://127.0.0.1:$1/static/1k.bin" ;;
    static-100k) echo "http://127.0.0.1:$1/static/100k.bin" ;;
    static-10m) echo "http://127.0.0.1:$1/static/10m.bin" ;;
    proxy) echo "http://127.0.0.1:$1/proxy/x" ;;
    tls-1k) echo "https://127.0.0.1:$2/static/1k.bin" ;;
  esac
}
row_conns() {
  case $1 in static-10m) echo 8 ;; *) echo 64 ;; esac
}

run_rows() { # name pid http_port https_port -> lines "row rps p99 cpu_us"
  local name=$1 pid=$2 row url
  for row in $ROWS; do
    url=$(row_url "$3" "$4" "$row")
    taskset -c "$WRK_CORE" wrk -t1 -c"$(row_conns "$row")" -d"$WARMUP" -H "Host: www.example.test" "$url" >/dev/null 2>&1
    echo "$row $(measure_wrk "$pid" "$url" -t1 -c"$(row_conns "$row")" -d"$DURATION" -H "Host: www.example.test")" >> "$work/$name.results"
  done
}

echo "bench: nginx $(nginx -v 2>&1 | sed 's/.*\///') vs Engawa ($java), server on core $SERVER_CORE, wrk on core $WRK_CORE, $DURATION per row" >&2

taskset -c "$SERVER_CORE" nginx -c "$work/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_port 18081
nginx_idle=$(rss_kib_tree "$nginx_pid")
run_rows nginx "$nginx_pid" 18081 18443
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true

taskset -c "$SERVER_CORE" "$java" "${engawa_jvm[@]}" \
  -jar "$bench_root/target/engawa.jar" serve --config "$work/engawa.yaml" --data "$work/data" --threads 1 \
  2> "$work/engawa.log" &
engawa_pid=$!
pids+=("$engawa_pid")
wait_port 28081
sleep 1
engawa_idle=$(rss_kib_tree "$engawa_pid")
run_rows engawa "$engawa_pid" 28081 28443
kill "$engawa_pid"; wait "$engawa_pid" 2>/dev/null || true

printf "\n%-12s %12s %12s %7s %10s %10s %12s %12s %9s\n" row nginx_rps engawa_rps ratio nginx_p99 engawa_p99 nginx_us/req engawa_us/req cpu_ratio
while read -r row n_rps n_p99 n_cpu n_req; do
  read -r _ e_rps e_p99 e_cpu e_req < <(grep "^$row " "$work/engawa.results")
  # cpu_ratio > 1 means Engawa does more requests per CPU second than nginx.
  printf "%-12s %12s %12s %7s %8sms %8sms %12s %12s %9s\n" "$row" "$n_rps" "$e_rps" "$(ratio "$e_rps" "$n_rps")" \
    "$n_p99" "$e_p99" "$n_cpu" "$e_cpu" "$(ratio "$n_cpu" "$e_cpu")"
done < "$work/nginx.results"
printf "\nidle RSS: nginx %s KiB, Engawa %s KiB\n" "$nginx_idle" "$engawa_idle"
